"""The route of a case (HTCDS ``hte_`` events) on the case page and in the API: stops added,
changed and removed, in date order, with partial or unknown dates, drawn as a list of stops whose
countries are named in the reader's language; bad input refused by field with nothing saved."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from opennrm.accounts.timezones import local_today
from opennrm.audit.models import AuditEvent
from opennrm.cases import selectors, services
from opennrm.cases.audit import CaseAction
from opennrm.cases.models import Case, HistoricEvent
from opennrm.errors import ValidationFailed
from tests.cases.factories import open_diana
from tests.conftest import World

API = "/api/v1/cases"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def worker(world: World, signed_in) -> Client:
    m = world.a["case_worker"]
    return signed_in(m.user, m)


@pytest.fixture
def diana(world: World) -> Case:
    return open_diana(world.a["case_worker"])


def stop(**changes) -> dict:
    """What a case worker types into the form to add a stop."""
    data = {
        "event_type": "Transit",
        "city": "Shymkent",
        "country": "KZ",
        "day": "1",
        "month": "3",
        "year": "2005",
        "description": "By bus with a friend.",
    }
    data.update(changes)
    return data


def prefixed(event: HistoricEvent, data: dict) -> dict:
    """The same typed into the edit form of ``event`` (its fields carry the event's prefix)."""
    return {f"{event.uuid.hex}-{name}": value for name, value in data.items()}


def tell_the_story(world: World, case: Case) -> list[HistoricEvent]:
    """Recruited in Tashkent, through Shymkent, to Almaty: entered out of order."""
    actor = world.actor(world.a["case_worker"])
    add = services.historic_event_add
    return [
        add(actor=actor, case=case, event_type="Exploitation", country="KZ", city="Almaty",
            occurred_on=date(2005, 3, 1), date_precision="month"),
        add(actor=actor, case=case, event_type="Recruitment", country="UZ", city="Tashkent",
            occurred_on=date(2005, 2, 14)),
        add(actor=actor, case=case, event_type="Transit", country="KZ", city="Shymkent",
            occurred_on=date(2005, 3, 1)),
    ]  # fmt: skip


def route_of(world: World, case: Case) -> list[str]:
    events = selectors.case_event_list(actor=world.actor(world.a["case_worker"]), case=case)
    return [e.city for e in events]


def stops_in(html: str) -> list[str]:
    """The text of each stop of the drawn route, in order, spaces collapsed."""
    diagram = re.search(r'<ol class="route".*?</ol>', html, re.S)
    assert diagram, "no route drawn"
    items = re.findall(r"<li[^>]*>(.*?)</li>", diagram.group(0), re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]


def state() -> tuple:
    """Everything a refused change must leave as it was."""
    rows = HistoricEvent.objects.order_by("id").values_list(
        "event_type", "occurred_on", "date_precision", "country", "city", "removed_at"
    )
    return list(rows), AuditEvent.objects.filter(action__startswith="historic_event.").count()


# --- Order and dates.


def test_the_route_is_in_date_order_with_a_stop_of_one_day_in_route_order(world, diana):
    tell_the_story(world, diana)
    # Exploitation "March 2005" and transit on 1 March 2005 share a first day: transit first.
    assert route_of(world, diana) == ["Tashkent", "Shymkent", "Almaty"]


def test_a_day_within_a_partial_date_of_another_stop_is_ordered_by_the_kind_of_stop(world, diana):
    actor = world.actor(world.a["case_worker"])
    add = services.historic_event_add
    add(
        actor=actor,
        case=diana,
        event_type="Exploitation",
        city="Almaty",
        occurred_on=date(2005, 3, 1),
        date_precision="month",
    )
    add(
        actor=actor, case=diana, event_type="Transit", city="Shymkent", occurred_on=date(2005, 3, 2)
    )
    add(
        actor=actor,
        case=diana,
        event_type="Recruitment",
        city="Tashkent",
        occurred_on=date(2005, 6, 1),
        date_precision="year",
    )
    add(
        actor=actor,
        case=diana,
        event_type="Exploitation",
        city="Moscow",
        occurred_on=date(2006, 1, 5),
    )
    assert route_of(world, diana) == ["Tashkent", "Shymkent", "Almaty", "Moscow"]  # fmt: skip


def test_stops_without_a_date_come_last_in_route_order(world, diana):
    actor = world.actor(world.a["case_worker"])
    add = services.historic_event_add
    add(actor=actor, case=diana, event_type="Exploitation", city="Moscow", country="RU")
    add(actor=actor, case=diana, event_type="Transit", city="Samara", country="RU")
    tell_the_story(world, diana)
    assert route_of(world, diana) == ["Tashkent", "Shymkent", "Almaty", "Samara", "Moscow"]


def test_a_partial_date_is_kept_as_the_first_day_of_its_month_or_year(world, diana):
    actor = world.actor(world.a["case_worker"])
    month = services.historic_event_add(
        actor=actor, case=diana, event_type="Transit", occurred_on="2005-03-17",
        date_precision="month",
    )  # fmt: skip
    year = services.historic_event_add(
        actor=actor, case=diana, event_type="Recruitment", occurred_on=date(2004, 8, 9),
        date_precision="year",
    )  # fmt: skip
    unknown = services.historic_event_add(
        actor=actor, case=diana, event_type="Exploitation", date_precision="year"
    )
    assert (month.occurred_on, month.date_precision) == (date(2005, 3, 1), "month")
    assert (year.occurred_on, year.date_precision) == (date(2004, 1, 1), "year")
    assert (unknown.occurred_on, unknown.date_precision) == (None, "")


# --- The page: the diagram, adding, changing, removing.


def test_the_route_is_drawn_as_a_list_of_stops_with_dates_as_far_as_known(world, diana, worker):
    tell_the_story(world, diana)
    services.historic_event_add(
        actor=world.actor(world.a["case_worker"]), case=diana, event_type="Exploitation",
        city="Moscow",
    )  # fmt: skip
    response = worker.get(f"/cases/{diana.uuid}/route/")
    assert response.status_code == 200
    assert stops_in(response.content.decode()) == [
        "Recruitment Tashkent, Uzbekistan Feb. 14, 2005",
        "Transit Shymkent, Kazakhstan March 1, 2005",
        "Exploitation Almaty, Kazakhstan March 2005",
        "Exploitation Moscow Date unknown",
    ]
    assert response["Cache-Control"].count("no-store")


def test_on_a_russian_page_the_countries_are_named_in_russian_and_no_code_is_shown(
    world, diana, worker
):
    tell_the_story(world, diana)
    worker.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    html = worker.get(f"/cases/{diana.uuid}/route/").content.decode()
    stops = stops_in(html)
    assert stops[0].startswith("Вербовка Tashkent, Узбекистан 14 февраля 2005")
    assert stops[1].startswith("Транзит Shymkent, Казахстан")
    assert stops[2].startswith("Эксплуатация Almaty, Казахстан")
    assert not any(re.search(r"\b(UZ|KZ)\b", s) for s in stops)
    assert "Маршрут" in html and "Добавить остановку" in html


def test_a_stop_is_added_by_the_page_without_javascript(world, diana, worker):
    response = worker.post(f"/cases/{diana.uuid}/route/add/", stop())
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{diana.uuid}/route/"
    event = HistoricEvent.objects.get(case=diana)
    assert (event.event_type, event.city, event.country) == ("Transit", "Shymkent", "KZ")
    assert (event.occurred_on, event.date_precision) == (date(2005, 3, 1), "day")
    assert event.description == "By bus with a friend."
    audit = AuditEvent.objects.filter(object_id=event.uuid, action=CaseAction.HISTORIC_EVENT_ADD)
    fields = audit.get().fields
    assert "description" in fields and "By bus" not in str(fields)


@pytest.mark.parametrize(
    ("typed", "on", "precision"),
    [
        ({"day": "", "month": "3", "year": "2005"}, date(2005, 3, 1), "month"),
        ({"day": "", "month": "", "year": "2005"}, date(2005, 1, 1), "year"),
        ({"day": "", "month": "", "year": ""}, None, ""),
    ],
)
def test_a_stop_of_partial_or_unknown_date_is_added_by_the_page(
    diana, worker, typed, on, precision
):
    response = worker.post(f"/cases/{diana.uuid}/route/add/", stop(**typed))
    assert response.status_code == 302
    event = HistoricEvent.objects.get(case=diana)
    assert (event.occurred_on, event.date_precision) == (on, precision)


def test_with_htmx_the_tab_comes_back_with_the_new_stop(diana, worker):
    response = worker.post(f"/cases/{diana.uuid}/route/add/", stop(), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert stops_in(html) == ["Transit Shymkent, Kazakhstan March 1, 2005"]
    assert "The stop was added to the route." in html


def test_a_stop_is_changed_by_the_page(world, diana, worker):
    recruitment, *_ = tell_the_story(world, diana)[1:]
    data = prefixed(recruitment, stop(event_type="Recruitment", city="Samarkand", day="",
                                      month="1", country="UZ"))  # fmt: skip
    response = worker.post(f"/cases/{diana.uuid}/route/{recruitment.uuid}/edit/", data)
    assert response.status_code == 302
    recruitment.refresh_from_db()
    assert (recruitment.city, recruitment.occurred_on, recruitment.date_precision) == (
        "Samarkand",
        date(2005, 1, 1),
        "month",
    )
    event = AuditEvent.objects.get(
        object_id=recruitment.uuid, action=CaseAction.HISTORIC_EVENT_UPDATE
    )
    assert set(event.fields) == {"city", "occurred_on", "date_precision", "description"}


def test_the_edit_form_shows_the_stop_as_it_is(world, diana, worker):
    exploitation = tell_the_story(world, diana)[0]
    html = worker.get(f"/cases/{diana.uuid}/route/").content.decode()
    assert (
        f"{exploitation.uuid.hex}-year" not in html
    )  # no stop's form until one is changed: each lists every country
    html = worker.get(f"/cases/{diana.uuid}/route/{exploitation.uuid}/edit/").content.decode()
    prefix = exploitation.uuid.hex
    assert re.search(rf'name="{prefix}-year"[^>]*value="2005"', html)
    assert '<option value="3" selected>' in html
    assert not re.search(rf'name="{prefix}-day"[^>]*value=', html)  # a month, no day


def test_a_stop_is_removed_by_the_page_and_kept_on_record(world, diana, worker):
    exploitation, recruitment, transit = tell_the_story(world, diana)
    response = worker.post(f"/cases/{diana.uuid}/route/{transit.uuid}/remove/")
    assert response.status_code == 302
    assert route_of(world, diana) == ["Tashkent", "Almaty"]
    transit.refresh_from_db()
    assert transit.removed_at is not None and transit.removed_by == world.a["case_worker"].user
    assert AuditEvent.objects.filter(
        object_id=transit.uuid, action=CaseAction.HISTORIC_EVENT_REMOVE
    ).exists()
    # Removed means gone from the pages: changing or removing it again is "not found".
    again = worker.post(f"/cases/{diana.uuid}/route/{transit.uuid}/remove/")
    assert again.status_code == 404
    html = worker.get(f"/cases/{diana.uuid}/history/").content.decode()
    assert "Route stop removed" in html


def test_a_stop_of_another_case_is_not_found_through_this_one(world, diana, worker):
    other = open_diana(world.a["case_worker"])
    event = tell_the_story(world, other)[0]
    before = state()
    url = f"/cases/{diana.uuid}/route/{event.uuid}/"
    assert worker.post(url + "edit/", prefixed(event, stop())).status_code == 404
    assert worker.post(url + "remove/").status_code == 404
    assert state() == before


# --- Bad input, by page and API: named by field, nothing saved.


def _future(world: World) -> date:
    return local_today(world.org_a) + timedelta(days=2)


PAGE_BAD_INPUT = [
    # (what is typed, the field the error is shown beside, part of the message)
    (lambda w: {"year": str(_future(w).year + 1)}, "year", "future"),
    (lambda w: {"year": "1899", "month": "12", "day": "31"}, "year", "too far in the past"),
    (lambda w: {"day": "30", "month": "2"}, "day", "no such day"),
    (lambda w: {"day": "5", "month": ""}, "month", "Give the month"),
    (lambda w: {"month": "5", "year": ""}, "year", "Give the year"),
    (lambda w: {"country": "XX"}, "country", "valid choice"),
    (lambda w: {"country": "Atlantis"}, "country", "valid choice"),
    (lambda w: {"description": "x" * 5001}, "description", "at most 5000"),
    (lambda w: {"city": "y" * 101}, "city", "at most 100"),
    (lambda w: {"event_type": "Holiday"}, "event_type", "valid choice"),
]


@pytest.mark.parametrize(("typed", "field", "message"), PAGE_BAD_INPUT)
def test_bad_input_by_the_page_is_shown_beside_its_field_and_nothing_is_saved(
    world, diana, worker, typed, field, message
):
    before = state()
    response = worker.post(f"/cases/{diana.uuid}/route/add/", stop(**typed(world)))
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field]), form.errors
    assert 'class="errors" role="alert"' in response.content.decode()
    assert state() == before


def test_a_bad_change_comes_back_open_with_its_errors_and_changes_nothing(world, diana, worker):
    transit = tell_the_story(world, diana)[2]
    before = state()
    data = prefixed(transit, stop(year=str(_future(world).year + 1), city="Turkistan"))
    response = worker.post(f"/cases/{diana.uuid}/route/{transit.uuid}/edit/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="stop-{transit.uuid}"' in html
    assert "This date is in the future." in html
    assert state() == before


API_BAD_INPUT = [
    ("in the future", lambda w: {"occurred_on": _future(w).isoformat()}, "occurred_on"),
    ("before 1900", lambda w: {"occurred_on": "1899-12-31"}, "occurred_on"),
    ("unknown country", lambda w: {"country": "XX"}, "country"),
    ("country by name", lambda w: {"country": "Kazakhstan"}, "country"),
    ("oversized description", lambda w: {"description": "x" * 5001}, "description"),
    ("unknown precision", lambda w: {"date_precision": "week"}, "date_precision"),
    ("unknown type", lambda w: {"event_type": "Holiday"}, "event_type"),
]


@pytest.mark.parametrize(
    ("name", "body", "field"), API_BAD_INPUT, ids=[case[0] for case in API_BAD_INPUT]
)
def test_bad_input_by_the_api_names_the_field_and_saves_nothing(
    world, diana, worker, name, body, field
):
    transit = tell_the_story(world, diana)[2]
    before = state()
    added = worker.post(
        f"{API}/{diana.uuid}/events",
        {"event_type": "Transit", **body(world)},
        content_type="application/json",
    )
    changed = worker.patch(
        f"{API}/{diana.uuid}/events/{transit.uuid}", body(world), content_type="application/json"
    )
    for response in (added, changed):
        assert response.status_code == 422, response.content
        assert response["Content-Type"] == "application/problem+json"
        assert field in {e["field"] for e in response.json()["errors"]}
    assert state() == before


# --- The API: change and remove.


def test_the_api_changes_only_the_fields_given(world, diana, worker):
    exploitation = tell_the_story(world, diana)[0]
    response = worker.patch(
        f"{API}/{diana.uuid}/events/{exploitation.uuid}",
        {"city": "Astana", "occurred_on": "2005-04-20", "date_precision": "day"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["city"], body["country"], body["event_type"]) == ("Astana", "KZ", "Exploitation")
    assert (body["occurred_on"], body["date_precision"]) == ("2005-04-20", "day")
    unknown = worker.patch(
        f"{API}/{diana.uuid}/events/{exploitation.uuid}",
        {"occurred_on": None},
        content_type="application/json",
    ).json()
    assert (unknown["occurred_on"], unknown["date_precision"]) == (None, "")


def test_the_api_removes_a_stop_and_lists_the_route_without_it(world, diana, worker):
    exploitation, recruitment, transit = tell_the_story(world, diana)
    response = worker.delete(f"{API}/{diana.uuid}/events/{transit.uuid}")
    assert response.status_code == 204
    listed = worker.get(f"{API}/{diana.uuid}/events").json()
    assert [e["city"] for e in listed] == ["Tashkent", "Almaty"]
    assert [e["date_precision"] for e in listed] == ["day", "month"]
    assert worker.delete(f"{API}/{diana.uuid}/events/{transit.uuid}").status_code == 404
    gone = worker.patch(
        f"{API}/{diana.uuid}/events/{transit.uuid}", {"city": "X"}, content_type="application/json"
    )
    assert gone.status_code == 404


def test_the_api_adds_a_stop_of_partial_date(diana, worker):
    response = worker.post(
        f"{API}/{diana.uuid}/events",
        {"event_type": "Recruitment", "occurred_on": "2005-02-14", "date_precision": "year",
         "country": "UZ", "city": "Tashkent"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 201
    assert (response.json()["occurred_on"], response.json()["date_precision"]) == (
        "2005-01-01",
        "year",
    )


def test_a_service_refuses_a_change_naming_an_unknown_field(world, diana):
    transit = tell_the_story(world, diana)[2]
    with pytest.raises(ValidationFailed) as refused:
        services.historic_event_update(
            actor=world.actor(world.a["case_worker"]), event=transit, colour="red"
        )
    assert "colour" in refused.value.errors


# --- Raw storage: what happened at a stop is encrypted.


def test_what_happened_at_a_stop_is_not_readable_in_the_database(world, diana):
    services.historic_event_add(
        actor=world.actor(world.a["case_worker"]), case=diana, event_type="Exploitation",
        description="Passport taken by Rustam at the sauna",
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("SELECT description FROM cases_historicevent")
        raw = " ".join(str(row[0]) for row in cursor.fetchall())
    assert "Rustam" not in raw and "sauna" not in raw and raw.strip()


# --- Query count: the tab reads the same number of rows however long the route.


def test_the_route_tab_reads_in_constant_queries(world, diana, worker):
    tell_the_story(world, diana)
    with CaptureQueriesContext(connection) as three:
        worker.get(f"/cases/{diana.uuid}/route/")
    tell_the_story(world, diana)
    tell_the_story(world, diana)
    with CaptureQueriesContext(connection) as nine:
        worker.get(f"/cases/{diana.uuid}/route/")
    assert len(nine) == len(three)
