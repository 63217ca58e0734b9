"""The organization's dashboard page: its period (presets, a year, dates, refused dates), the
comparison with the period before in words, and a period with no data saying so."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opennrm.accounts.timezones import local_today
from tests.cases.factories import open_diana
from tests.conftest import World
from tests.support.clock import ALMATY_1AM, at
from tests.support.matrix import client_for


def test_a_period_with_no_data_says_so(world: World) -> None:
    response = client_for(world, "a:supervisor").get("/stats/", {"preset": "year", "year": 2005})
    html = response.content.decode()
    assert "There is no data for 2005" in html
    assert "No data for this period." in html
    assert "0 cases opened in 2005, none in 2004 either." in html


def test_the_comparison_in_words_and_in_russian(world: World) -> None:
    for _ in range(2):
        open_diana(world.a["case_worker"])  # opened on 3 October 2005
    client = client_for(world, "a:supervisor")
    html = client.get("/stats/", {"preset": "year", "year": 2005}).content.decode()
    assert "2 cases opened in 2005, up from none in 2004." in html
    assert "There is no data" not in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    html = client.get("/stats/", {"preset": "year", "year": 2006}).content.decode()
    assert "0 дел открыто в 2006, меньше, чем 2 в 2005." in html


def test_dates_and_refused_dates(world: World) -> None:
    open_diana(world.a["case_worker"])
    client = client_for(world, "a:data_analyst")
    response = client.get(
        "/stats/", {"preset": "dates", "start": "2005-10-01", "end": "2005-10-31"}
    )
    scope = response.context["scope"]
    assert (scope.start, scope.end) == (date(2005, 10, 1), date(2005, 10, 31))
    assert (scope.previous().start, scope.previous().end) == (date(2005, 8, 31), date(2005, 9, 30))
    (cases,) = [c for c in response.context["comparison"] if c.key == "cases"]
    assert cases.current == 1
    bad = client.get("/stats/", {"preset": "dates", "start": "1999-01-01", "end": "1998-01-01"})
    form = bad.context["form"]
    assert set(form.errors) == {"start", "end"}
    assert "The last day comes before the first." in bad.content.decode()
    # A refused period shows this year so far.
    assert bad.context["scope"].start == date(local_today(world.org_a).year, 1, 1)
    future = client.get("/stats/", {"preset": "year", "year": 3000})
    assert "year" in future.context["form"].errors
    tomorrow = local_today(world.org_a) + timedelta(days=1)
    ahead = client.get(
        "/stats/", {"preset": "dates", "start": "2005-01-01", "end": tomorrow.isoformat()}
    )
    assert ahead.context["form"].errors == {"end": ["The period cannot end after today."]}


def test_a_year_with_only_older_cases_still_open_has_no_data(world: World) -> None:
    open_diana(world.a["case_worker"])  # 2005, still open in 2006: in the caseload only
    html = client_for(world, "a:supervisor").get("/stats/", {"preset": "year", "year": 2006})
    page = html.content.decode()
    assert "There is no data for 2006" in page
    assert html.context["sections"][-1].tables[0].rows[0].values == (1, 0)


def test_this_year_is_the_organizations(world: World, signed_in) -> None:
    """At 01:00 on 10 March 2026 in Almaty (still 9 March in UTC), "this year so far" ends on
    Almaty's 10 March."""
    with at(ALMATY_1AM):
        supervisor = world.a["supervisor"]
        response = signed_in(supervisor.user, supervisor).get("/stats/")
        scope = response.context["scope"]
    assert (scope.start, scope.end) == (date(2026, 1, 1), date(2026, 3, 10))
    assert (scope.previous().start, scope.previous().end) == (date(2025, 1, 1), date(2025, 3, 10))


def test_the_dashboard_reads_a_constant_number_of_queries(world: World) -> None:
    client = client_for(world, "a:supervisor")
    open_diana(world.a["case_worker"])
    with CaptureQueriesContext(connection) as one:
        client.get("/stats/", {"preset": "year", "year": 2005})
    for _ in range(3):
        open_diana(world.a["case_worker"])
    open_diana(world.a["supervisor"])  # a second worker's caseload
    with CaptureQueriesContext(connection) as five:
        client.get("/stats/", {"preset": "year", "year": 2005})
    assert len(five) == len(one)


def test_every_table_but_the_caseload_downloads(world: World) -> None:
    open_diana(world.a["case_worker"])
    client = client_for(world, "a:supervisor")
    period = {"preset": "year", "year": 2005}
    html = client.get("/stats/", period).content.decode()
    assert "download=people-by-citizenship&amp;format=csv" in html
    assert "download=caseload" not in html
    csv = client.get("/stats/", {**period, "download": "people-by-citizenship", "format": "csv"})
    assert csv.status_code == 200 and "Uzbekistan" in csv.content.decode("utf-8-sig")
    refused = client.get("/stats/", {**period, "download": "caseload", "format": "csv"})
    assert refused.status_code == 404
