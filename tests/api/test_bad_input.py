"""Bad input through the API: NUL bytes, lone surrogates, over-long text, too many aliases and
implausible dates are refused with a 422 naming the field, and nothing is saved."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.test import Client

from opennrm.audit.models import AuditEvent
from opennrm.cases.models import Case, Consent, HistoricEvent, IdentificationDecision, Note
from opennrm.cases.models import SupportPlan as Plan
from opennrm.hotline.models import Signal
from opennrm.people.models import Person
from tests.api.test_case_api import diana_body
from tests.cases.factories import open_diana
from tests.conftest import World, sign_in

CASES = "/api/v1/cases"
SIGNALS = "/api/v1/signals"
NUL = "Dia\x00na"
SURROGATE = "x\ud800y"
MEGABYTE = "a" * 1_000_000


def rows() -> tuple[int, ...]:
    models = (Case, Person, Plan, HistoricEvent, IdentificationDecision, Consent, Note, Signal)
    return (*(m.objects.count() for m in models), AuditEvent.objects.count())


def post(client: Client, url: str, body: dict, method: str = "post"):
    # json.dumps writes a lone surrogate as the escape "\ud800", as a hostile client would.
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def refused(response, field: str) -> list[str]:
    assert response.status_code == 422, response.content[:500]
    assert response["Content-Type"] == "application/problem+json"
    errors = {e["field"]: e for e in response.json()["errors"]}
    assert field in errors, errors.keys()
    return [e["message"] for e in response.json()["errors"] if e["field"] == field]


@pytest.fixture
def worker(world: World) -> Client:
    member = world.a["case_worker"]
    return sign_in(Client(), member.user, member)


@pytest.fixture
def case(world: World) -> Case:
    return open_diana(world.a["case_worker"])


@pytest.mark.parametrize(
    ("person", "field"),
    [
        ({"given_name": NUL}, "person.given_name"),
        ({"given_name": SURROGATE}, "person.given_name"),
        ({"family_name": "K" * 201}, "person.family_name"),
        ({"address": MEGABYTE}, "person.address"),
        # The API's input schema refuses NUL and lone surrogates first, naming the list.
        ({"names": ["Dilnoza\x00"]}, "person.names"),
        ({"names": [SURROGATE]}, "person.names"),
        ({"names": [f"alias {i}" for i in range(10_000)]}, "person.names"),
        ({"phones": ["+998 90 123 45 67"] * 10_000}, "person.phones"),
        ({"languages": ["ru"] * 10_000}, "person.languages"),
        ({"documents": [{"type": "passport", "number": SURROGATE}]}, "person.documents[0].number"),
        ({"birth_date": "1800-01-01"}, "person.birth_date"),
    ],
    ids=lambda v: str(v)[:40],
)
def test_case_open_refuses_bad_person_input(worker, person, field):
    before = rows()
    body = diana_body()
    body["person"] = {**body["person"], **person}
    refused(post(worker, CASES, body), field)
    assert rows() == before


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"opened_on": "1800-01-01"}, "opened_on", "earliest is 2000-01-01"),
        ({"opened_on": "0001-01-01"}, "opened_on", "earliest is 2000-01-01"),
        ({"recruited_on": "1800-05-01"}, "recruited_on", "earliest is 1900-01-01"),
        ({"city_of_exploitation": "Alma\x00ty"}, "city_of_exploitation", "Null characters"),
        ({"city_of_exploitation": SURROGATE}, "city_of_exploitation", "not valid text"),
        ({"city_of_exploitation": "A" * 101}, "city_of_exploitation", "At most 100"),
        ({"transit_countries": ["KZ"] * 10_000}, "transit_countries", "At most 20 entries"),
    ],
    ids=lambda v: str(v)[:40],
)
def test_case_open_refuses_bad_case_input(worker, changes, field, message):
    before = rows()
    messages = refused(post(worker, CASES, diana_body(**changes)), field)
    assert message in " ".join(messages)
    assert rows() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"given_name": SURROGATE}, "given_name"),
        ({"address": "Tashkent\x00"}, "address"),
        ({"names": ["n"] * 10_000}, "names"),
    ],
    ids=lambda v: str(v)[:40],
)
def test_person_patch_refuses_bad_input(worker, case, body, field):
    person = Person.objects.get(pk=case.person_id)
    before = (rows(), person.version)
    response = post(
        worker, f"{CASES}/{case.uuid}/person", {**body, "version": person.version}, "patch"
    )
    refused(response, field)
    person.refresh_from_db()
    assert (rows(), person.version) == before
    assert person.given_name == "Диана"


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("plans", {"plan_type": "Education", "objectives": MEGABYTE}, "objectives"),
        ("plans", {"plan_type": "Education", "objectives": SURROGATE}, "objectives"),
        ("plans", {"plan_type": "Education", "action_plan": "a\x00b"}, "action_plan"),
        ("plans", {"plan_type": "Education", "ended_on": "2999-01-01"}, "ended_on"),
        ("events", {"event_type": "Recruitment", "description": MEGABYTE}, "description"),
        ("events", {"event_type": "Recruitment", "description": SURROGATE}, "description"),
        ("events", {"event_type": "Recruitment", "occurred_on": "1800-01-01"}, "occurred_on"),
        ("events", {"event_type": "Recruitment", "city": "x\x00"}, "city"),
        (
            "decisions",
            {"stage": "presumed", "grounds": MEGABYTE, "decided_by_type": "NGO"},
            "grounds",
        ),
        (
            "decisions",
            {"stage": "presumed", "grounds": SURROGATE, "decided_by_type": "NGO"},
            "grounds",
        ),
        (
            "consents",
            {"purpose": "assistance", "method": "written", "guardian_name": MEGABYTE},
            "guardian_name",
        ),
        (
            "consents",
            {"purpose": "assistance", "method": "written", "guardian_name": SURROGATE},
            "guardian_name",
        ),
        (
            "consents",
            {"purpose": "assistance", "method": "written", "given_on": "1800-01-01"},
            "given_on",
        ),
        ("notes", {"body": SURROGATE}, "body"),
        ("notes", {"body": "a\x00b"}, "body"),
        ("status", {"status": "Closed", "reason": SURROGATE}, "reason"),
    ],
    ids=lambda v: str(v)[:40],
)
def test_case_parts_refuse_bad_input(world, case, url, body, field):
    supervisor = world.a["supervisor"]
    client = sign_in(Client(), supervisor.user, supervisor)
    before = rows()
    refused(post(client, f"{CASES}/{case.uuid}/{url}", body), field)
    assert rows() == before


@pytest.fixture
def operator(world: World) -> Client:
    member = world.b["hotline_operator"]
    return sign_in(Client(), member.user, member)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"received_at": "0001-01-01T00:00:00"}, "received_at"),
        ({"received_at": "0001-01-01T00:00:00+05:00"}, "received_at"),
        ({"received_at": "1800-06-01T10:00:00Z"}, "received_at"),
        ({"notes": "call\x00"}, "notes"),
        ({"notes": SURROGATE}, "notes"),
        ({"notes": MEGABYTE}, "notes"),
        ({"phone": "+998\x0090"}, "phone"),
    ],
    ids=lambda v: str(v)[:40],
)
def test_signal_record_refuses_bad_input(operator, changes, field):
    before = rows()
    body = {"caller_type": "potential_victim", "reason": "job_offer_check", **changes}
    refused(post(operator, SIGNALS, body), field)
    assert rows() == before


def test_good_input_still_passes(worker, operator):
    assert post(worker, CASES, diana_body()).status_code == 201
    body = {"caller_type": "family", "reason": "other", "received_at": "2026-01-05T10:00:00"}
    assert post(operator, SIGNALS, body).status_code == 201
    # Tabs and line breaks are text, not controls to refuse.
    assert Case.objects.get().opened_on == date(2005, 10, 3)


def test_a_picklist_of_10000_entries_is_refused_before_its_values_are_read(worker):
    before = rows()
    body = diana_body(methods_of_control=["Bogus" + "x" * 50] * 10_000)
    messages = refused(post(worker, CASES, body), "methods_of_control")
    assert "Bogus" not in " ".join(messages)
    assert rows() == before


def test_a_name_search_with_broken_text_is_refused_naming_the_query(worker, case):
    refused(post(worker, f"{CASES}/search", {"q": SURROGATE}), "q")
    refused(post(worker, f"{CASES}/search", {"q": "Dia\x00na"}), "q")
    assert post(worker, f"{CASES}/search", {"q": "Каримова"}).json()["items"] != []


def test_a_page_search_with_broken_text_finds_nothing(worker, case):
    """A page form turns bytes that are not UTF-8 into U+FFFD; no name holds one."""
    body = "q=Dia%ED%A0%80na"
    response = worker.post("/cases/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert case.number not in response.content.decode()
    assert case.number in worker.post("/cases/", {"q": "Каримова"}).content.decode()
