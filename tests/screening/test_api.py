"""The screening API: start, answer, complete, read with the result, list for a case; errors as
problem details with field paths; nothing of a refused request saved."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client

from opennrm.screening.models import Screening, Status
from tests.cases.factories import open_diana
from tests.conftest import World, sign_in
from tests.screening.helpers import ADULT_LABOUR, ADULT_SEXUAL, codes, definition, diana_answers
from tests.support.matrix import Route, check, each

PROBLEM = "application/problem+json"


def post(client: Client, url: str, body: dict):
    return client.post(url, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def api(world: World) -> Client:
    return sign_in(Client(), world.a["case_worker"].user, world.a["case_worker"])


@pytest.mark.django_db
def test_diana_through_the_api(world: World, api: Client) -> None:
    case = open_diana(world.a["case_worker"])
    response = post(
        api,
        "/api/v1/screenings",
        {"case_id": str(case.uuid), "questionnaire": ADULT_SEXUAL, "language": "ru"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    screening_id = body["id"]
    assert body["status"] == "draft" and body["mode"] == "worker_led"
    newest = definition(ADULT_SEXUAL)["version"]  # a new screening uses the newest version
    assert body["questionnaire"] == ADULT_SEXUAL and body["questionnaire_version"] == newest
    assert body["result"]["outcome"] == "not_enough_answers"
    assert len(body["result"]["missing"]) == 67

    response = post(
        api,
        f"/api/v1/screenings/{screening_id}/answers",
        {"answers": diana_answers(), "version": 1},
    )
    assert response.status_code == 200, response.content
    assert response.json()["result"]["outcome"] == "possible_victim"  # provisional

    response = post(api, f"/api/v1/screenings/{screening_id}/complete", {"version": 2})
    assert response.status_code == 200, response.content
    body = api.get(f"/api/v1/screenings/{screening_id}").json()
    assert body["status"] == "completed" and body["answers"] == diana_answers()
    result = body["result"]
    assert result["suggested_trafficking_status"] == "PossibleVictimOfTrafficking"
    positive = {d["code"]: (d["clause"], d["by"]) for d in result["dimensions"] if d["positive"]}
    assert positive["D1"] == ("b", ["d1_job_nature", "d1_wages"])
    assert positive["D5"][0] == "a" and positive["D4"][0] == "c"
    assert [g["positive"] for g in result["groups"]] == [True, True, True]

    listed = api.get(f"/api/v1/screenings?case_id={case.uuid}").json()
    assert [i["id"] for i in listed["items"]] == [screening_id] and listed["next_offset"] is None
    assert "answers" not in listed["items"][0]
    # The case itself is untouched: identification is proposed and approved separately.
    case.refresh_from_db()
    assert case.version == 1 and not case.decisions.exists()


@pytest.mark.django_db
def test_rather_not_say_through_the_api(world: World, api: Client) -> None:
    case = open_diana(world.a["case_worker"])
    start = {"case_id": str(case.uuid), "questionnaire": ADULT_SEXUAL, "language": "ru"}
    screening_id = post(api, "/api/v1/screenings", start).json()["id"]
    answers = {**diana_answers(), "d1_job_nature": "declined"}
    response = post(api, f"/api/v1/screenings/{screening_id}/answers", {"answers": answers})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["answers"]["d1_job_nature"] == "declined"
    # Scored as not answered: D1 now waits for it, and the result says it was declined.
    result = body["result"]
    assert result["outcome"] == "not_enough_answers" and result["needed"] == ["d1_job_nature"]
    assert result["declined"] == ["d1_job_nature"] and "d1_job_nature" in result["missing"]
    d1 = next(d for d in result["dimensions"] if d["code"] == "D1")
    assert d1["declined"] == ["d1_job_nature"] and not d1["positive"]


@pytest.mark.django_db
def test_bad_answers_are_422_with_field_paths_and_nothing_saved(world: World, api: Client) -> None:
    case = open_diana(world.a["case_worker"])
    screening_id = post(
        api,
        "/api/v1/screenings",
        {"case_id": str(case.uuid), "questionnaire": ADULT_LABOUR, "language": "kk"},
    ).json()["id"]
    response = post(
        api,
        f"/api/v1/screenings/{screening_id}/answers",
        {"answers": {"d1_job_nature": "yes", "d1_nothing": "no", "d1_wages": "perhaps"}},
    )
    assert response.status_code == 422 and response["Content-Type"] == PROBLEM
    assert sorted(e["field"] for e in response.json()["errors"]) == [
        "answers.d1_nothing",
        "answers.d1_wages",
    ]
    assert Screening.objects.get().answers == {}

    # The body is checked too: an unknown field, a wrong type.
    response = post(
        api, f"/api/v1/screenings/{screening_id}/answers", {"answer": {"d1_wages": "no"}}
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"answer", "answers"}
    response = post(api, f"/api/v1/screenings/{screening_id}/answers", {"answers": {"d1_wages": 1}})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "answers.d1_wages"


@pytest.mark.django_db
def test_start_and_complete_errors_name_their_fields(world: World, api: Client) -> None:
    case = open_diana(world.a["case_worker"])
    response = post(
        api,
        "/api/v1/screenings",
        {"case_id": str(case.uuid), "questionnaire": "x", "language": "de", "mode": "auto"},
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"questionnaire", "language", "mode"}
    other = open_diana(world.b["case_worker"])  # a case of another organization
    response = post(
        api,
        "/api/v1/screenings",
        {"case_id": str(other.uuid), "questionnaire": ADULT_LABOUR, "language": "ru"},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "case_id", "message": "No such case."}]
    response = post(api, "/api/v1/screenings", {"case_id": "nope", "questionnaire": ADULT_LABOUR})
    assert {e["field"] for e in response.json()["errors"]} == {"case_id", "language"}
    assert not Screening.objects.exists()

    screening_id = post(
        api,
        "/api/v1/screenings",
        {"case_id": str(case.uuid), "questionnaire": ADULT_LABOUR, "language": "ru"},
    ).json()["id"]
    response = post(api, f"/api/v1/screenings/{screening_id}/complete", {})
    assert response.status_code == 422 and response["Content-Type"] == PROBLEM
    assert {e["field"] for e in response.json()["errors"]} == {
        f"answers.{code}" for code in codes(ADULT_LABOUR)
    }
    response = post(
        api,
        f"/api/v1/screenings/{screening_id}/answers",
        {"answers": {"d1_wages": "no"}, "version": 7},
    )
    assert response.status_code == 409 and response.json()["code"] == "conflict"
    assert Screening.objects.get().status == Status.DRAFT


@pytest.mark.django_db
def test_questionnaires_come_with_every_question_in_every_language(api: Client) -> None:
    body = api.get("/api/v1/screenings/questionnaires").json()
    by_code = {q["code"]: q for q in body}
    assert set(by_code) == {
        ADULT_LABOUR,
        ADULT_SEXUAL,
        "ilo-ec-2009-child-labour",
        "ilo-forced-labour-11",
    }
    indicator = by_code[ADULT_LABOUR]["indicators"][0]
    assert indicator["code"] == "d1_job_nature" and indicator["weight"] == "strong"
    assert set(indicator["question"]) == {"en", "ru", "kk", "uz-latn"}
    assert by_code[ADULT_SEXUAL]["adapted"] is True


# --- Who may call what.

SCREENERS = frozenset({"hotline_operator", "case_worker", "supervisor"})
SEES_DIANA = frozenset({"a:case_worker", "a:supervisor"})


def diana_screening(world: World, answered: bool = False) -> Screening:
    from opennrm.screening import services

    screening = Screening.objects.first()
    if screening is None:
        case = open_diana(world.a["case_worker"])
        actor = world.actor(world.a["case_worker"])
        screening = services.screening_start(
            actor=actor,
            case=case,
            questionnaire_code=ADULT_SEXUAL,
            language="ru",
            mode="worker_led",
        )
        if answered:
            services.screening_answer(actor=actor, screening=screening, answers=diana_answers())
    return screening


def screening_url(suffix: str = "", answered: bool = False) -> Callable[[World], str]:
    return lambda w: f"/api/v1/screenings/{diana_screening(w, answered).uuid}{suffix}"


ENDPOINTS = [
    Route(
        "questionnaires",
        "get",
        lambda w: "/api/v1/screenings/questionnaires",
        SCREENERS,
    ),
    Route(
        "list",
        "get",
        lambda w: f"/api/v1/screenings?case_id={diana_screening(w).case.uuid}",
        SCREENERS,
        sees=SEES_DIANA,
    ),
    Route(
        "start",
        "post",
        lambda w: (diana_screening(w), "/api/v1/screenings")[1],
        SCREENERS,
        ok=201,
        hidden=422,
        data=lambda w: {
            "case_id": str(diana_screening(w).case.uuid),
            "questionnaire": ADULT_LABOUR,
            "language": "uz-latn",
        },
        sees=SEES_DIANA,
    ),
    Route("get", "get", screening_url(), SCREENERS, sees=SEES_DIANA),
    Route(
        "answer",
        "post",
        screening_url("/answers"),
        SCREENERS,
        data=lambda w: {"answers": {"d1_job_nature": "yes"}},
        sees=SEES_DIANA,
    ),
    Route(
        "complete",
        "post",
        screening_url("/complete", answered=True),
        SCREENERS,
        data=lambda w: {},
        sees=SEES_DIANA,
    ),
]


# The rules, problem+json, and that a refusal changes nothing: tests/support/matrix.py.
@pytest.mark.django_db
@each(ENDPOINTS)
def test_access(world: World, route: Route, principal: str) -> None:
    check(world, route, principal)


@pytest.mark.django_db
def test_lists_read_a_constant_number_of_queries(world: World, api: Client) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from opennrm.screening import services

    case = open_diana(world.a["case_worker"])
    actor = world.actor(world.a["case_worker"])

    def add() -> None:
        screening = services.screening_start(
            actor=actor,
            case=case,
            questionnaire_code=ADULT_SEXUAL,
            language="ru",
            mode="worker_led",
        )
        services.screening_answer(actor=actor, screening=screening, answers=diana_answers())
        services.screening_complete(actor=actor, screening=screening)

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api.get(url).status_code == 200
        return len(queries)

    add()
    urls = [f"/api/v1/screenings?case_id={case.uuid}", f"/cases/{case.uuid}/identification/"]
    one = [count(url) for url in urls]
    add()
    add()
    assert [count(url) for url in urls] == one
