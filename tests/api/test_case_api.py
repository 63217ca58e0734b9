"""The cases API: open, read, change, identify, help, consent, notes, history, lists and search."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from opennrm.accounts.services import api_token_create
from opennrm.audit.models import AuditEvent
from opennrm.cases import services
from opennrm.cases.models import Case, Consent, IdentificationDecision, Note, Service
from opennrm.people.models import Person
from tests.cases.factories import DIANA_CASE, DIANA_PERSON, open_diana
from tests.conftest import World, sign_in

API = "/api/v1/cases"
SECRETS = (
    "Диана",
    "Каримова",
    "Рустамовна",
    "Diana",
    "Karimova",
    "Dilnoza",
    "AA1234567",
    "901234567",
)


def as_json(value: object) -> object:
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def diana_body(**overrides: object) -> dict:
    """The body that opens Diana's case, as a client would send it."""
    body = as_json({**DIANA_CASE, "person": dict(DIANA_PERSON), "opened_on": date(2005, 10, 3)})
    assert isinstance(body, dict)
    return {**body, **overrides}


def send(client: Client, method: str, url: str, data: object = None, **extra: str):
    if data is None:
        return getattr(client, method)(url, **extra)
    return getattr(client, method)(
        url, data=json.dumps(data), content_type="application/json", **extra
    )


def field_errors(response) -> set[str]:
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "validation_failed"
    return {e["field"] for e in body["errors"]}


def counts() -> tuple[int, int, int]:
    return Case.objects.count(), Person.objects.count(), AuditEvent.objects.count()


@pytest.fixture
def worker(world: World) -> Client:
    member = world.a["case_worker"]
    return sign_in(Client(), member.user, member)


@pytest.fixture
def supervisor(world: World) -> Client:
    member = world.a["supervisor"]
    return sign_in(Client(), member.user, member)


def test_open_read_and_patch_a_case_with_optimistic_locking(world, worker):
    response = send(worker, "post", API, diana_body())
    assert response.status_code == 201, response.content
    opened = response.json()
    assert opened["number"].startswith("CCA-2005-")
    assert opened["status"] == "Active" and opened["version"] == 1
    assert opened["owner_id"] == str(world.a["case_worker"].user.uuid)
    assert opened["person"]["gender"] == "Feminine" and opened["person"]["age_band"] == "25-34"
    assert opened["exited_on"] == "2005-09-01"
    case = Case.objects.get(uuid=opened["id"])
    assert str(case.person.uuid) == opened["person"]["id"]

    url = f"{API}/{case.uuid}"
    reads = AuditEvent.objects.filter(action="read", object_id=case.uuid).count()
    response = worker.get(url)
    assert response.status_code == 200
    assert response.json()["id"] == opened["id"]
    # The case shows statistical fields and the person's UUID; never a name or a document.
    for secret in SECRETS:
        assert secret not in response.content.decode()
    assert AuditEvent.objects.filter(action="read", object_id=case.uuid).count() == reads + 1

    response = send(worker, "patch", url, {"version": 1, "city_of_exploitation": "Astana"})
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2
    assert response.json()["city_of_exploitation"] == "Astana"
    stale = send(worker, "patch", url, {"version": 1, "city_of_exploitation": "Shymkent"})
    assert stale.status_code == 409
    assert stale.json()["code"] == "conflict"
    case.refresh_from_db()
    assert case.city_of_exploitation == "Astana" and case.version == 2

    # The trafficking status follows an approved decision; it cannot be set directly.
    response = send(worker, "patch", url, {"version": 2, "trafficking_status": "Actual"})
    assert field_errors(response) == {"trafficking_status"}


def test_person_is_read_and_changed_only_through_its_case(world, worker):
    case = open_diana(world.a["case_worker"])
    url = f"{API}/{case.uuid}/person"
    response = worker.get(url)
    assert response.status_code == 200
    person = response.json()
    assert person["id"] == str(case.person.uuid) and person["version"] == 1
    assert (person["given_name"], person["family_name"]) == ("Диана", "Каримова")
    assert person["names"][0] == {"value": "Diana Karimova", "script": "Latn"}
    assert person["documents"] == [
        {"type": "passport", "number": "AA1234567", "country": "UZ", "status": "held_by_person"}
    ]
    assert person["phones"] == ["+998901234567"] and person["birth_year"] == 1977
    assert AuditEvent.objects.filter(action="read", object_id=case.uuid).exists()

    response = send(worker, "patch", url, {"version": 1, "family_name": "Юсупова"})
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2 and response.json()["family_name"] == "Юсупова"
    stale = send(worker, "patch", url, {"version": 1, "family_name": "Каримова"})
    assert stale.status_code == 409
    # The name index follows the change: the new family name is found in either script; the
    # old one only through her other name "Diana Karimova" (a search crosses scripts), and a
    # part she never bore is not found.
    assert send(worker, "post", f"{API}/search", {"q": "Юсупова"}).json()["items"] != []
    assert send(worker, "post", f"{API}/search", {"q": "Yusupova"}).json()["items"] != []
    assert send(worker, "post", f"{API}/search", {"q": "Каримова"}).json()["items"] != []
    assert send(worker, "post", f"{API}/search", {"q": "Петрова"}).json()["items"] == []

    # Paths are relative to this body, which is the person itself.
    response = send(worker, "patch", url, {"version": 2, "languages": ["ru", "zz"]})
    assert field_errors(response) == {"languages[1]"}
    response = send(worker, "patch", url, {"version": 2, "phones": [12]})
    assert field_errors(response) == {"phones[0]"}
    assert Person.objects.get(pk=case.person_id).languages == ["uz", "ru"]


def test_status_change_closing_is_for_a_supervisor(world, worker, supervisor):
    case = open_diana(world.a["case_worker"])
    url = f"{API}/{case.uuid}/status"
    response = send(worker, "post", url, {"status": "FollowUp"})
    assert response.status_code == 200 and response.json()["status"] == "FollowUp"
    response = send(worker, "post", url, {"status": "Closed", "reason": "Returned home"})
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert field_errors(send(supervisor, "post", url, {"status": "Closed"})) == {"reason"}
    assert field_errors(send(supervisor, "post", url, {"status": "Gone"})) == {"status"}
    response = send(supervisor, "post", url, {"status": "Closed", "reason": "Returned home"})
    assert response.status_code == 200
    assert response.json()["status"] == "Closed" and response.json()["closed_on"]


def test_identification_is_proposed_by_the_worker_and_reviewed_by_a_supervisor(
    world, worker, supervisor
):
    case = open_diana(world.a["case_worker"])
    url = f"{API}/{case.uuid}/decisions"
    presumed = {
        "stage": "presumed",
        "grounds": "Deceptive recruitment, passport taken, violence.",
        "decided_by_type": "NGO",
    }
    assert field_errors(send(worker, "post", url, {**presumed, "grounds": ""})) == {"grounds"}
    response = send(worker, "post", url, presumed)
    assert response.status_code == 201, response.content
    decision = response.json()
    assert decision["state"] == "proposed"
    assert decision["proposed_by_id"] == str(world.a["case_worker"].user.uuid)

    refused = worker.post(f"{url}/{decision['id']}/approve")
    assert refused.status_code == 403
    assert IdentificationDecision.objects.get(uuid=decision["id"]).state == "proposed"
    response = supervisor.post(f"{url}/{decision['id']}/approve")
    assert response.status_code == 200
    assert response.json()["state"] == "approved"
    assert response.json()["reviewed_by_id"] == str(world.a["supervisor"].user.uuid)
    assert field_errors(supervisor.post(f"{url}/{decision['id']}/reject")) == {"state"}

    identified = {
        "stage": "identified",
        "grounds": "Interview.",
        "decided_by_type": "NGO",
        "requested_early": True,
    }
    first = send(worker, "post", url, identified).json()
    assert supervisor.post(f"{url}/{first['id']}/reject").json()["state"] == "rejected"
    second = send(worker, "post", url, identified).json()
    assert supervisor.post(f"{url}/{second['id']}/approve").status_code == 200

    states = [(d["stage"], d["state"]) for d in worker.get(url).json()]
    assert states == [
        ("presumed", "approved"),
        ("identified", "rejected"),
        ("identified", "approved"),
    ]
    case_now = worker.get(f"{API}/{case.uuid}").json()
    assert case_now["trafficking_status"] == "ActualVictimOfTrafficking"
    assert case_now["trafficking_status_decided_by"] == "NGO"
    assert supervisor.post(f"{url}/{case.uuid}/approve").status_code == 404  # not a decision


def test_services_name_their_provider_by_uuid(world, worker):
    case = open_diana(world.a["case_worker"])
    url = f"{API}/{case.uuid}/services"
    body = {
        "service_type": "Medical",
        "provider_id": str(world.org_b.uuid),
        "status": "in_progress",
        "started_on": "2005-10-04",
    }
    response = send(worker, "post", url, body)
    assert response.status_code == 201, response.content
    assert response.json()["provider_id"] == str(world.org_b.uuid)
    assert send(worker, "post", url, {"service_type": "Shelter"}).status_code == 201

    before = Service.objects.count()
    unknown = send(worker, "post", url, {**body, "provider_id": str(case.uuid)})
    assert field_errors(unknown) == {"provider_id"}
    backwards = send(worker, "post", url, {**body, "ended_on": "2005-10-01"})
    assert field_errors(backwards) == {"ended_on"}
    assert field_errors(send(worker, "post", url, {**body, "service_type": "Spa"})) == {
        "service_type"
    }
    assert Service.objects.count() == before

    listed = worker.get(url).json()
    assert [(s["service_type"], s["provider_id"]) for s in listed] == [
        ("Medical", str(world.org_b.uuid)),
        ("Shelter", None),
    ]


def test_consent_is_recorded_and_withdrawn_never_deleted(world, worker):
    case = open_diana(world.a["case_worker"])
    url = f"{API}/{case.uuid}/consents"
    assert field_errors(
        send(worker, "post", url, {"purpose": "referral", "method": "written"})
    ) == {"recipient_organization_id"}
    response = send(
        worker,
        "post",
        url,
        {
            "purpose": "referral",
            "method": "written",
            "given_on": "2005-10-03",
            "recipient_organization_id": str(world.org_b.uuid),
        },
    )
    assert response.status_code == 201, response.content
    consent = response.json()
    assert consent["is_active"] and consent["recipient_organization_id"] == str(world.org_b.uuid)

    withdraw = f"{url}/{consent['id']}/withdraw"
    future = (date.today() + timedelta(days=3)).isoformat()
    why = "No longer wishes to be referred."
    assert field_errors(
        send(worker, "post", withdraw, {"withdrawn_on": future, "reason": why})
    ) == {"withdrawn_on"}
    early = send(worker, "post", withdraw, {"withdrawn_on": "2005-10-01", "reason": why})
    assert field_errors(early) == {"withdrawn_on"}
    response = send(worker, "post", withdraw, {"withdrawn_on": "2005-12-01", "reason": why})
    assert response.status_code == 200
    assert response.json()["withdrawn_on"] == "2005-12-01" and not response.json()["is_active"]
    assert field_errors(send(worker, "post", withdraw, {"reason": why})) == {"withdrawn_on"}

    listed = worker.get(url).json()
    assert [(c["id"], c["is_active"]) for c in listed] == [(consent["id"], False)]
    assert Consent.objects.filter(case=case).count() == 1
    assert send(worker, "post", f"{url}/{case.uuid}/withdraw", {"reason": why}).status_code == 404


def test_notes_and_history(world, worker):
    case = open_diana(world.a["case_worker"])
    url = f"{API}/{case.uuid}/notes"
    for body in ("Diana came to the centre on foot.", "She asked to call her sister."):
        assert send(worker, "post", url, {"body": body}).status_code == 201
    assert field_errors(send(worker, "post", url, {"body": "   "})) == {"body"}
    assert field_errors(send(worker, "post", url, {"body": "x" * 20_001})) == {"body"}
    assert Note.objects.filter(case=case).count() == 2

    page = worker.get(f"{url}?limit=1").json()
    assert page["next_offset"] == 1 and worker.get(f"{url}?offset=1").json()["next_offset"] is None
    assert [n["body"] for n in page["items"]] == ["She asked to call her sister."]
    assert page["items"][0]["author_id"] == str(world.a["case_worker"].user.uuid)

    send(worker, "patch", f"{API}/{case.uuid}", {"version": 1, "city_of_exploitation": "Astana"})
    worker.get(f"{API}/{case.uuid}")  # reads are audited, but are not history
    history = worker.get(f"{API}/{case.uuid}/history").json()
    actions = [e["action"] for e in history["items"]]
    assert actions[0] == "case.update"
    assert set(actions) == {"case.open", "person.create", "note.add", "case.update"}
    assert len(actions) == 5 and history["next_offset"] is None
    update = history["items"][0]
    assert update["fields"] == ["city_of_exploitation"]
    assert update["object_id"] == str(case.uuid)
    assert update["actor_id"] == str(world.a["case_worker"].user.uuid)
    # History names the fields that changed, never their values.
    text = json.dumps(history, ensure_ascii=False)
    for secret in (*SECRETS, "Astana", "sister"):
        assert secret not in text


def _open(world: World, role: str, **overrides: object) -> Case:
    return open_diana(world.a[role], **overrides)


def test_list_pagination_and_every_filter(world, supervisor):
    worker_case = _open(world, "case_worker")
    services.case_change_status(
        actor=world.actor(world.a["case_worker"]), case=worker_case, status="FollowUp"
    )
    supervisor_actor = world.actor(world.a["supervisor"])
    labour = services.case_open(
        actor=supervisor_actor,
        person={"given_name": "Bakhtiyor", "gender": "Masculine", "citizenship": "TJ"},
        opened_on=date(2006, 2, 1),
        exploitation_types=["ForcedLabour"],
    )
    recent = services.case_open(
        actor=supervisor_actor,
        person={"given_name": "Aigul", "gender": "Feminine", "citizenship": "KG"},
        opened_on=date(2007, 6, 1),
        exploitation_types=["SexualExploitation", "ForcedLabour"],
    )

    def ids(query: str = "") -> list[str]:
        response = supervisor.get(f"{API}{query}")
        assert response.status_code == 200, response.content
        return [item["id"] for item in response.json()["items"]]

    everyone = [str(c.uuid) for c in (recent, labour, worker_case)]  # newest first
    assert ids() == everyone
    page = supervisor.get(f"{API}?limit=2&offset=1").json()
    assert [i["id"] for i in page["items"]] == everyone[1:] and page["next_offset"] is None
    assert supervisor.get(f"{API}?limit=1").json()["next_offset"] == 1
    assert ids("?limit=1&offset=2") == everyone[2:]

    assert ids("?status=FollowUp") == [str(worker_case.uuid)]
    assert ids("?status=Active") == everyone[:2]
    assert ids(f"?owner={world.a['case_worker'].user.uuid}") == [str(worker_case.uuid)]
    assert ids(f"?owner={world.a['supervisor'].user.uuid}") == everyone[:2]
    assert ids("?exploitation_type=ForcedLabour") == everyone[:2]
    assert ids("?exploitation_type=SexualExploitation") == [everyone[0], everyone[2]]
    assert ids("?citizenship=TJ") == [str(labour.uuid)]
    assert ids("?citizenship=uz") == [str(worker_case.uuid)]
    assert ids("?gender=Masculine") == [str(labour.uuid)]
    assert ids("?opened_from=2006-01-01") == everyone[:2]
    assert ids("?opened_to=2006-12-31") == everyone[1:]
    assert ids("?opened_from=2006-01-01&opened_to=2006-12-31") == [str(labour.uuid)]
    assert ids("?gender=Feminine&exploitation_type=ForcedLabour") == [str(recent.uuid)]

    bad = supervisor.get(f"{API}?status=Gone&owner=nobody&opened_from=yesterday&limit=0")
    assert field_errors(bad) == {"status", "owner", "opened_from", "limit"}


def test_a_worker_lists_only_their_own_cases(world, worker):
    mine = _open(world, "case_worker")
    _open(world, "supervisor")
    assert [i["id"] for i in worker.get(API).json()["items"]] == [str(mine.uuid)]


def test_search_by_name_goes_in_the_body(world, worker):
    case = _open(world, "case_worker")
    _open(world, "supervisor")  # not the worker's, so never found by them
    for query in ("Каримова", "Diana Karimova", "диана  каримова", case.number):
        response = send(worker, "post", f"{API}/search", {"q": query})
        assert response.status_code == 200, response.content
        assert [i["id"] for i in response.json()["items"]] == [str(case.uuid)], query
    # A gendered ending is folded (Karimov, Karimova); another name is not found.
    assert send(worker, "post", f"{API}/search", {"q": "Karimov"}).json()["items"] != []
    assert send(worker, "post", f"{API}/search", {"q": "Petrova"}).json()["items"] == []
    assert field_errors(send(worker, "post", f"{API}/search", {"q": "  "})) == {"q"}
    assert field_errors(send(worker, "post", f"{API}/search", {"name": "Diana"})) == {"q", "name"}
    # A name in the query string is refused, not silently ignored.
    assert field_errors(worker.get(f"{API}?q=Karimova")) == {"q"}
    spec = Client().get("/api/v1/openapi.json").json()["paths"]
    assert {p["name"] for p in spec["/api/v1/cases"]["get"]["parameters"]} == {
        "status",
        "owner",
        "exploitation_type",
        "citizenship",
        "gender",
        "opened_from",
        "opened_to",
        "limit",
        "offset",
    }


BAD_INPUT = [
    ("exit before recruitment", {"exited_on": "2005-01-01"}, {}, {"exited_on"}),
    (
        "birth date in the future",
        {},
        {"birth_date": (date.today() + timedelta(days=2)).isoformat()},
        {"person.birth_date"},
    ),
    ("unknown country of origin", {"country_of_origin": "XX"}, {}, {"country_of_origin"}),
    ("unknown citizenship", {}, {"citizenship": "XX"}, {"person.citizenship"}),
    ("unknown transit country", {"transit_countries": ["KZ", "XX"]}, {}, {"transit_countries[1]"}),
    ("unknown language", {}, {"languages": ["uz", "zz"]}, {"person.languages[1]"}),
    (
        "exploitation outside the list",
        {"exploitation_types": ["Slavery"]},
        {},
        {"exploitation_types"},
    ),
    ("gender outside the list", {}, {"gender": "Robot"}, {"person.gender"}),
    (
        "relationship outside the list",
        {"relationship_to_trafficker": "Boss"},
        {},
        {"relationship_to_trafficker"},
    ),
    ("name of 500 characters", {}, {"given_name": "Д" * 500}, {"person.given_name"}),
    (
        "document status outside the list",
        {},
        {"documents": [{"type": "passport", "country": "UZ", "status": "burnt"}]},
        {"person.documents[0].status"},
    ),
    ("not a phone number", {}, {"phones": ["12"]}, {"person.phones[0]"}),
    (
        "wrong JSON types",
        {"age_when_trafficked": "old", "exploitation_types": "SexualExploitation"},
        {"given_name": 5, "birth_year": "long ago", "languages": ["uz", 7]},
        {
            "age_when_trafficked",
            "exploitation_types",
            "person.given_name",
            "person.birth_year",
            "person.languages[1]",
        },
    ),
    (
        "document missing its fields",
        {},
        {"documents": [{"type": "passport"}, {"number": 1234567}]},
        {"person.documents[1].type", "person.documents[1].number"},
    ),
    ("unknown fields", {"colour": "red"}, {"nickname": "D"}, {"colour", "person.nickname"}),
    ("opened in the future", {"opened_on": "2999-01-01"}, {}, {"opened_on"}),
]


@pytest.mark.parametrize(
    "case_changes,person_changes,fields", [b[1:] for b in BAD_INPUT], ids=[b[0] for b in BAD_INPUT]
)
def test_bad_input_gives_422_with_exact_field_paths_and_saves_nothing(
    world, worker, case_changes, person_changes, fields
):
    body = diana_body(**case_changes)
    body["person"] = {**body["person"], **person_changes}
    before = counts()
    response = send(worker, "post", API, body)
    assert field_errors(response) == fields
    assert counts() == before
    text = response.content.decode()
    for secret in ("Диана", "Каримова", "AA1234567", "Д" * 50):
        assert secret not in text


def test_bad_patch_saves_nothing(world, worker):
    case = _open(world, "case_worker")
    before = counts()
    url = f"{API}/{case.uuid}"
    response = send(worker, "patch", url, {"version": 1, "recruited_on": "2005-10-01"})
    assert field_errors(response) == {"exploitation_began_on", "exited_on"}
    response = send(worker, "patch", url, {"version": "one", "exited_on": 2005})
    assert field_errors(response) == {"version", "exited_on"}
    response = send(worker, "patch", f"{url}/person", {"version": 1, "birth_date": "2999-01-01"})
    assert field_errors(response) == {"birth_date"}
    assert counts() == before
    case.refresh_from_db()
    assert case.version == 1 and case.recruited_on == date(2005, 3, 1)


def test_bearer_token_works_like_the_session(world, worker):
    member = world.a["case_worker"]
    _token, raw = api_token_create(actor=world.actor(member), name="sync", days=5)
    token = Client(enforce_csrf_checks=True)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    response = send(token, "post", API, diana_body(), **auth)  # no CSRF token needed
    assert response.status_code == 201, response.content
    case_id = response.json()["id"]
    assert token.get(f"{API}/{case_id}", **auth).json() == worker.get(f"{API}/{case_id}").json()
    assert token.get(API, **auth).json() == worker.get(API).json()
    searched = send(token, "post", f"{API}/search", {"q": "Каримова"}, **auth).json()
    assert searched == send(worker, "post", f"{API}/search", {"q": "Каримова"}).json()
    response = send(token, "post", f"{API}/{case_id}/notes", {"body": "By token."}, **auth)
    assert response.status_code == 201
    assert token.get(f"{API}/{case_id}/person", **auth).json()["family_name"] == "Каримова"

    other = world.b["case_worker"]
    _token, raw_b = api_token_create(actor=world.actor(other), name="sync", days=5)
    assert Client().get(f"{API}/{case_id}", HTTP_AUTHORIZATION=f"Bearer {raw_b}").status_code == 404
    assert Client().get(API, HTTP_AUTHORIZATION="Bearer onrm_not-a-token").status_code == 401


def test_session_writes_need_the_csrf_token(world):
    member = world.a["case_worker"]
    client = sign_in(Client(enforce_csrf_checks=True), member.user, member)
    before = counts()
    assert send(client, "post", API, diana_body()).status_code == 403
    assert counts() == before


@pytest.mark.parametrize("role", ["case_worker", "supervisor"])
def test_list_query_count_does_not_grow_with_the_cases(world, role, django_assert_max_num_queries):
    member = world.a[role]
    client = sign_in(Client(), member.user, member)
    for day in range(3):
        open_diana(member, city_of_exploitation=f"City {day}")
    with CaptureQueriesContext(connection) as three:
        response = client.get(f"{API}?limit=50")
    assert len(response.json()["items"]) == 3
    for day in range(27):
        open_diana(member, city_of_exploitation=f"City {day}")
    with django_assert_max_num_queries(len(three.captured_queries)):
        response = client.get(f"{API}?limit=50")
    assert len(response.json()["items"]) == 30
