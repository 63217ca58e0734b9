"""A large national view is prepared in the background: over the threshold the page offers to
prepare it instead of counting, the job counts every table into the cache with its progress, and
the page then shows the figures from the cache; a write makes it offer again. The coordinator's
analyst alone (the matrix)."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from opennrm.cases import services as cases
from opennrm.stats import national, prepare
from opennrm.stats.models_sharing import SharingAgreement
from tests.conftest import World, sign_in
from tests.support.matrix import Route, check, each

YEAR = {"preset": "year", "year": 2005}
PERSON = {"given_name": "Test", "family_name": "Person", "gender": "Feminine"}


def _coordinator_a(world: World) -> None:
    """A coordinates, and shares its own statistics with itself."""
    world.org_a.national_coordinator = True
    world.org_a.save(update_fields=["national_coordinator"])
    SharingAgreement.objects.get_or_create(
        organization=world.org_a,
        withdrawn_on=None,
        defaults={
            "coordinator": world.org_a,
            "starts_on": date(2000, 1, 1),
            "recorded_by": world.a["organization_admin"].user,
        },
    )


def _url(path: str):
    def url(world: World) -> str:
        _coordinator_a(world)
        return f"{path}?preset=year&year=2005"

    return url


ROUTES = [
    Route(
        "national prepare",
        "post",
        _url("/stats/national/prepare/"),
        frozenset({"data_analyst"}),
        ok=302,
        sees=frozenset({"a:data_analyst"}),
        lands=("/stats/national/",),
    ),
    Route(
        "national prepare progress",
        "get",
        _url("/stats/national/prepare/progress/"),
        frozenset({"data_analyst"}),
        sees=frozenset({"a:data_analyst"}),
    ),
]


@each(ROUTES)
def test_access(world, route, principal):
    check(world, route, principal)


def _analyst_page(world: World, client):
    _coordinator_a(world)
    membership = world.a["data_analyst"]
    return sign_in(client, membership.user, membership)


def _open_2005(world: World) -> None:
    cases.case_open(
        actor=world.actor(world.a["case_worker"]),
        person=PERSON,
        opened_on=date(2005, 3, 1),
        exploitation_types=["ForcedLabour"],
    )


def test_over_the_threshold_the_page_offers_to_prepare(world: World, client, settings) -> None:
    settings.OPENNRM_STATS_PREPARE_ABOVE = 0
    _open_2005(world)
    page = _analyst_page(world, client)
    with translation.override("en"):
        html = page.get("/stats/national/", YEAR).content.decode()
        assert "Prepare the figures" in html
        assert "This period holds 1 case" in html
        assert "Cases by type of exploitation" not in html
        # The job (run at once by the tests' task backend) counts every table into the cache.
        response = page.post("/stats/national/prepare/?preset=year&year=2005")
        assert response.status_code == 302
        with CaptureQueriesContext(connection) as captured:
            html = page.get("/stats/national/", YEAR).content.decode()
        assert "Cases by type of exploitation" in html
        assert "Prepare the figures" not in html
        tables = [q["sql"] for q in captured.captured_queries if "cases_case" in q["sql"]]
        assert len(tables) <= 1  # the size of the period; no table counted again
        # A case opened: a new generation, the figures are offered for preparing again.
        _open_2005(world)
        html = page.get("/stats/national/", YEAR).content.decode()
        assert "Prepare the figures" in html and "This period holds 2 cases" in html


def test_the_progress_and_the_refresh_when_done(world: World, client, settings) -> None:
    settings.OPENNRM_STATS_PREPARE_ABOVE = 0
    _open_2005(world)
    page = _analyst_page(world, client)
    analyst = world.actor(world.a["data_analyst"])
    found = national.national_scope(actor=analyst, start=date(2005, 1, 1), end=date(2005, 12, 31))
    assert prepare.preparation(found) is None
    response = page.get("/stats/national/prepare/progress/", YEAR, HTTP_HX_REQUEST="true")
    assert "HX-Refresh" not in response
    prepare.national_prepare_start(actor=analyst, start=found.scope.start, end=found.scope.end)
    done = prepare.preparation(found)
    assert done is not None and done.finished and done.percent == 100
    assert national.national_counted(found)
    response = page.get("/stats/national/prepare/progress/", YEAR, HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true"


def test_under_the_threshold_the_page_counts_at_once(world: World, client) -> None:
    _open_2005(world)
    page = _analyst_page(world, client)
    with translation.override("en"):
        html = page.get("/stats/national/", YEAR).content.decode()
    assert "Prepare the figures" not in html and "Cases by type of exploitation" in html
