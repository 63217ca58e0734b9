"""Screening services: start, answer, complete; audited without answers; bad input refused whole."""

from __future__ import annotations

import json

import pytest

from opennrm.audit.models import AuditEvent
from opennrm.cases.models import Case
from opennrm.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from opennrm.screening import scoring, services
from opennrm.screening.models import Screening, Status
from opennrm.screening.selectors import screening_result
from tests.cases.factories import open_diana
from tests.conftest import World
from tests.screening.helpers import (
    ADULT_LABOUR,
    ADULT_SEXUAL,
    all_no,
    codes,
    definition,
    diana_answers,
)

pytestmark = pytest.mark.django_db


def start(world: World, case: Case, code: str = ADULT_SEXUAL, **kw) -> Screening:
    return services.screening_start(
        actor=world.actor(world.a["case_worker"]),
        case=case,
        questionnaire_code=code,
        language=kw.pop("language", "ru"),
        mode=kw.pop("mode", "self_answer"),
    )


@pytest.fixture
def diana(world: World) -> Case:
    return open_diana(world.a["case_worker"])


def test_diana_screened_completed_and_the_case_status_untouched(world: World, diana: Case) -> None:
    worker = world.actor(world.a["case_worker"])
    screening = start(world, diana)
    assert screening.status == Status.DRAFT
    assert screening.questionnaire.version == definition(ADULT_SEXUAL)["version"]  # the newest
    status_before = (diana.trafficking_status, diana.trafficking_status_decided_by, diana.version)

    screening = services.screening_answer(
        actor=worker, screening=screening, answers=diana_answers(), version=1
    )
    screening = services.screening_complete(actor=worker, screening=screening, version=2)

    screening.refresh_from_db()
    assert screening.status == Status.COMPLETED and screening.completed_by == worker.user
    result = screening_result(screening)
    assert result["outcome"] == scoring.POSSIBLE_VICTIM
    assert result["suggested_trafficking_status"] == "PossibleVictimOfTrafficking"
    assert [d["code"] for d in result["dimensions"] if d["positive"]] == ["D1", "D4", "D5"]
    # A suggestion only: identification and the trafficking status are a supervisor's decision.
    diana.refresh_from_db()
    assert (
        diana.trafficking_status,
        diana.trafficking_status_decided_by,
        diana.version,
    ) == status_before
    assert not diana.decisions.exists()


def test_audit_events_name_fields_never_answers(world: World, diana: Case) -> None:
    worker = world.actor(world.a["case_worker"])
    screening = start(world, diana)
    services.screening_answer(actor=worker, screening=screening, answers=diana_answers())
    services.screening_complete(actor=worker, screening=screening)
    events = AuditEvent.objects.filter(object_id=screening.uuid).order_by("id")
    assert [(e.action, e.fields) for e in events] == [
        ("screening.start", ["case", "language", "mode", "questionnaire"]),
        ("screening.answer", ["answers"]),
        ("screening.complete", ["completed_at", "completed_by", "result", "status"]),
    ]
    dumped = json.dumps(list(AuditEvent.objects.values()), default=str)
    assert "d1_job_nature" not in dumped and "possible_victim" not in dumped


def test_answering_in_steps_merges_and_an_unchanged_answer_is_not_audited(
    world: World, diana: Case
) -> None:
    worker = world.actor(world.a["case_worker"])
    screening = start(world, diana)
    services.screening_answer(actor=worker, screening=screening, answers={"d1_job_nature": "yes"})
    services.screening_answer(actor=worker, screening=screening, answers={"d1_wages": "unknown"})
    services.screening_answer(actor=worker, screening=screening, answers={"d1_wages": "unknown"})
    screening.refresh_from_db()
    assert screening.answers == {"d1_job_nature": "yes", "d1_wages": "unknown"}
    assert screening.version == 3
    assert AuditEvent.objects.filter(action="screening.answer").count() == 2


def test_unknown_indicator_or_value_refuses_every_answer_of_the_request(
    world: World, diana: Case
) -> None:
    worker = world.actor(world.a["case_worker"])
    screening = start(world, diana)
    with pytest.raises(ValidationFailed) as caught:
        services.screening_answer(
            actor=worker,
            screening=screening,
            answers={"d1_job_nature": "yes", "d9_nonsense": "yes", "d1_wages": "maybe"},
        )
    assert caught.value.errors == {
        "answers.d9_nonsense": ["No such indicator in this questionnaire."],
        "answers.d1_wages": ["Answer yes, no, unknown or declined."],
    }
    screening.refresh_from_db()
    assert screening.answers == {} and screening.version == 1  # nothing half-saved
    assert not AuditEvent.objects.filter(action="screening.answer").exists()
    with pytest.raises(ValidationFailed) as caught:
        services.screening_answer(actor=worker, screening=screening, answers={})
    assert "answers" in caught.value.errors


def test_start_refuses_unknown_questionnaire_language_and_mode(world: World, diana: Case) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.screening_start(
            actor=world.actor(world.a["case_worker"]),
            case=diana,
            questionnaire_code="ilo-nothing",
            language="de",
            mode="telepathy",
        )
    assert set(caught.value.errors) == {"questionnaire", "language", "mode"}
    assert not Screening.objects.exists()


def test_completing_needs_the_answers_the_result_depends_on(world: World, diana: Case) -> None:
    worker = world.actor(world.a["case_worker"])
    screening = start(world, diana, code=ADULT_LABOUR)
    # Recruitment and exploitation positive; coercion at destination not asked yet.
    answers = all_no(ADULT_LABOUR, d1_job_nature="yes", d1_wages="yes")
    answers.update(d4_excessive_hours="yes", d4_low_salary="yes")
    for code in codes(ADULT_LABOUR, "D5") + codes(ADULT_LABOUR, "D6"):
        answers.pop(code)
    services.screening_answer(actor=worker, screening=screening, answers=answers)
    with pytest.raises(ValidationFailed) as caught:
        services.screening_complete(actor=worker, screening=screening)
    assert set(caught.value.errors) == {
        f"answers.{c}" for c in codes(ADULT_LABOUR, "D5") + codes(ADULT_LABOUR, "D6")
    }
    screening.refresh_from_db()
    assert screening.status == Status.DRAFT and screening.result == {}
    assert screening_result(screening)["outcome"] == scoring.NOT_ENOUGH_ANSWERS

    # Once coercion at destination is positive, the rest of D6 no longer matters.
    services.screening_answer(
        actor=worker,
        screening=screening,
        answers={"d5_documents": "yes", "d5_violence": "yes"},
    )
    screening = services.screening_complete(actor=worker, screening=screening)
    assert screening.result["outcome"] == scoring.POSSIBLE_VICTIM
    assert "d6_dependency" in screening.result["missing"]


def test_rather_not_say_is_stored_as_given_and_scored_as_not_answered(
    world: World, diana: Case
) -> None:
    worker = world.actor(world.a["case_worker"])
    screening = start(world, diana, code=ADULT_LABOUR)
    # Recruitment (D1) and exploitation (D4) positive; at destination the person said "yes"
    # to one strong indicator and would rather not say whether their passport was taken.
    answers = all_no(ADULT_LABOUR, d1_job_nature="yes", d1_wages="yes")
    answers.update(d4_excessive_hours="yes", d4_low_salary="yes", d5_violence="yes")
    answers["d5_documents"] = "declined"
    services.screening_answer(actor=worker, screening=screening, answers=answers)
    stored = Screening.objects.get(pk=screening.pk)
    assert stored.answers["d5_documents"] == "declined"  # not "unknown", not missing

    # The result depends on it: no more than a blank would, the answer holds completion.
    with pytest.raises(ValidationFailed) as caught:
        services.screening_complete(actor=worker, screening=screening)
    assert set(caught.value.errors) == {"answers.d5_documents"}
    result = screening_result(stored)
    assert result["outcome"] == scoring.NOT_ENOUGH_ANSWERS
    assert result["declined"] == ["d5_documents"] and "d5_documents" in result["missing"]

    # Declining what no longer matters does not hold it; the stored result says what was
    # declined.
    services.screening_answer(
        actor=worker,
        screening=screening,
        answers={"d5_documents": "yes", "d6_dependency": "declined"},
    )
    screening = services.screening_complete(actor=worker, screening=screening)
    assert screening.result["outcome"] == scoring.POSSIBLE_VICTIM
    assert screening.result["declined"] == ["d6_dependency"]
    assert screening.answers["d6_dependency"] == "declined"


def test_completed_screening_never_changes(world: World, diana: Case) -> None:
    worker = world.actor(world.a["case_worker"])
    screening = start(world, diana)
    services.screening_answer(actor=worker, screening=screening, answers=diana_answers())
    services.screening_complete(actor=worker, screening=screening)
    for call in (
        lambda: services.screening_answer(
            actor=worker, screening=screening, answers={"d1_job_nature": "no"}
        ),
        lambda: services.screening_complete(actor=worker, screening=screening),
    ):
        with pytest.raises(ValidationFailed) as caught:
            call()
        assert "status" in caught.value.errors
    screening.refresh_from_db()
    assert screening.answers["d1_job_nature"] == "yes"


def test_a_stale_version_is_a_conflict(world: World, diana: Case) -> None:
    worker = world.actor(world.a["case_worker"])
    screening = start(world, diana)
    services.screening_answer(actor=worker, screening=screening, answers={"d1_job_nature": "yes"})
    with pytest.raises(Conflict):
        services.screening_answer(
            actor=worker, screening=screening, answers={"d1_wages": "no"}, version=1
        )
    with pytest.raises(Conflict):
        services.screening_complete(actor=worker, screening=screening, version=1)


@pytest.mark.parametrize(
    ("principal", "error"),
    [
        ("a:data_analyst", PermissionDenied),
        ("a:organization_admin", PermissionDenied),
        ("a:service_provider", PermissionDenied),
        ("a:hotline_operator", NotFound),  # may screen, but does not see this case
        ("b:case_worker", NotFound),  # another organization
        ("b:supervisor", NotFound),
    ],
)
def test_who_may_not_screen_diana(world: World, diana: Case, principal: str, error: type) -> None:
    org, role = principal.split(":")
    actor = world.actor(getattr(world, org)[role])
    screening = start(world, diana)
    with pytest.raises(error):
        services.screening_start(
            actor=actor,
            case=diana,
            questionnaire_code=ADULT_SEXUAL,
            language="ru",
            mode="worker_led",
        )
    with pytest.raises(error):
        services.screening_answer(
            actor=actor, screening=screening, answers={"d1_job_nature": "yes"}
        )
    with pytest.raises(error):
        services.screening_complete(actor=actor, screening=screening)
    assert Screening.objects.count() == 1
    screening.refresh_from_db()
    assert screening.answers == {}


def test_supervisor_of_the_organization_may_screen(world: World, diana: Case) -> None:
    supervisor = world.actor(world.a["supervisor"])
    screening = services.screening_start(
        actor=supervisor,
        case=diana,
        questionnaire_code="ilo-forced-labour-11",
        language="uz-latn",
        mode="worker_led",
    )
    services.screening_answer(
        actor=supervisor, screening=screening, answers=all_no("ilo-forced-labour-11")
    )
    screening = services.screening_complete(actor=supervisor, screening=screening)
    assert screening.result["outcome"] == scoring.NO_INDICATORS
