"""Every cases API endpoint: anonymous, every role of two organizations, the platform admin.

Diana's case belongs to organization A and is owned by A's case worker. A role without
``cases.view`` gets 403; a caller who holds it but may not see the case (organization B, or A's
hotline operator who is neither owner nor on the team) gets 404, as if the case did not exist;
one who sees it but lacks the right for the action (approving as a case worker) gets 403.
The rules, problem+json, and that a refused write changes nothing: tests/support/matrix.py.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile

from opennrm.accounts.models import Organization
from opennrm.cases import services
from opennrm.cases.attachments import attachment_add
from opennrm.cases.models import Case
from tests.cases.factories import open_diana
from tests.conftest import World
from tests.support.matrix import Route, check, each

VIEWERS = frozenset({"hotline_operator", "case_worker", "supervisor"})  # hold cases.view
SEES_DIANA = frozenset({"a:case_worker", "a:supervisor"})  # the owner, and A's supervisor
CASE_WORK = frozenset({"case_worker", "supervisor"})
SUPERVISOR = frozenset({"supervisor"})


def diana(world: World) -> Case:
    """Diana's case in organization A, opened once per test."""
    return world.once("diana", lambda: open_diana(world.a["case_worker"]))


def case_url(suffix: str = "") -> Callable[[World], str]:
    return lambda w: f"/api/v1/cases/{diana(w).uuid}{suffix}"


def cases_url(suffix: str = "") -> Callable[[World], str]:
    """A URL not naming the case, once Diana's case exists (so lists have something to hide)."""

    def url(world: World) -> str:
        diana(world)
        return f"/api/v1/cases{suffix}"

    return url


def proposed_decision(action: str) -> Callable[[World], str]:
    def url(world: World) -> str:
        case = diana(world)
        decision = case.decisions.filter(state="proposed").first()
        if decision is None:
            decision = services.identification_propose(
                actor=world.actor(world.a["case_worker"]),
                case=case,
                stage="presumed",
                grounds="Deceptive recruitment.",
                decided_by_type="NGO",
            )
        return f"/api/v1/cases/{case.uuid}/decisions/{decision.uuid}/{action}"

    return url


def _authority_case(suffix: str) -> Callable[[World], str]:
    """Diana's case, in organization A switched to record the competent authority's decisions."""

    def url(w: World) -> str:
        Organization.objects.filter(pk=w.org_a.pk).update(identification_by="authority")
        w.org_a.refresh_from_db()
        return f"/api/v1/cases/{diana(w).uuid}{suffix}"

    return url


AUTHORITY_DECISION = {
    "stage": "identified",
    "outcome": "ActualVictimOfTrafficking",
    "authority_name": "Interdepartmental Commission",
    "decided_by_type": "NonPoliceGovernmentalOrganization",
    "reference": "IC-1",
    "decided_on": "2005-11-20",
}


def recorded_consent(world: World) -> str:
    case = diana(world)
    consent = services.consent_record(
        actor=world.actor(world.a["case_worker"]), case=case, purpose="assistance", method="verbal"
    )
    return f"/api/v1/cases/{case.uuid}/consents/{consent.uuid}/withdraw"


def planned(suffix: str) -> Callable[[World], str]:
    """A support plan of Diana's case, not ended."""

    def url(world: World) -> str:
        case = diana(world)
        plan = world.once(
            "plan",
            lambda: services.support_plan_create(
                actor=world.actor(world.a["case_worker"]), case=case, plan_type="Health"
            ),
        )
        return f"/api/v1/cases/{case.uuid}/plans/{plan.uuid}{suffix}"

    return url


PDF = b"%PDF-1.4\n%%EOF\n"


def stored_attachment(world: World) -> str:
    case = diana(world)
    attachment = attachment_add(
        actor=world.actor(world.a["case_worker"]),
        case=case,
        upload=SimpleUploadedFile("statement.pdf", PDF),
    )
    return f"/api/v1/cases/{case.uuid}/attachments/{attachment.uuid}"


NEW_CASE = {"person": {"given_name": "Aigul", "gender": "Feminine"}, "opened_on": "2006-01-05"}

ENDPOINTS = [
    Route("list", "get", cases_url(), VIEWERS),
    Route(
        "search",
        "post",
        cases_url("/search"),
        VIEWERS,
        data=lambda w: {"q": "Каримова"},
    ),
    Route(
        "open",
        "post",
        cases_url(),
        VIEWERS,
        ok=201,
        data=lambda w: NEW_CASE,
    ),
    Route("get", "get", case_url(), VIEWERS, sees=SEES_DIANA),
    Route(
        "patch",
        "patch",
        case_url(),
        VIEWERS,
        data=lambda w: {"version": 1, "city_of_exploitation": "Astana"},
        needs=CASE_WORK,
        sees=SEES_DIANA,
    ),
    Route("person get", "get", case_url("/person"), VIEWERS, sees=SEES_DIANA),
    Route(
        "person patch",
        "patch",
        case_url("/person"),
        VIEWERS,
        data=lambda w: {"version": 1, "address": "Shelter"},
        needs=CASE_WORK,
        sees=SEES_DIANA,
    ),
    Route(
        "status",
        "post",
        case_url("/status"),
        VIEWERS,
        data=lambda w: {"status": "FollowUp"},
        needs=CASE_WORK,
        sees=SEES_DIANA,
    ),
    Route("history", "get", case_url("/history"), VIEWERS, sees=SEES_DIANA),
    Route("decisions", "get", case_url("/decisions"), VIEWERS, sees=SEES_DIANA),
    Route(
        "decision propose",
        "post",
        case_url("/decisions"),
        VIEWERS,
        ok=201,
        data=lambda w: {
            "stage": "presumed",
            "grounds": "Deceptive recruitment.",
            "decided_by_type": "NGO",
        },
        needs=CASE_WORK,
        sees=SEES_DIANA,
    ),
    Route(
        "decision record (authority)",
        "post",
        _authority_case("/decisions/authority"),
        VIEWERS,
        ok=201,
        data=lambda w: AUTHORITY_DECISION,
        needs=CASE_WORK,
        sees=SEES_DIANA,
    ),
    Route(
        "decision approve",
        "post",
        proposed_decision("approve"),
        VIEWERS,
        needs=SUPERVISOR,
        sees=SEES_DIANA,
    ),
    Route(
        "decision reject",
        "post",
        proposed_decision("reject"),
        VIEWERS,
        needs=SUPERVISOR,
        sees=SEES_DIANA,
    ),
    Route("services", "get", case_url("/services"), VIEWERS, sees=SEES_DIANA),
    Route(
        "service add",
        "post",
        case_url("/services"),
        VIEWERS,
        ok=201,
        data=lambda w: {"service_type": "Shelter", "provider_id": str(w.org_b.uuid)},
        needs=CASE_WORK,
        sees=SEES_DIANA,
    ),
    Route("consents", "get", case_url("/consents"), VIEWERS, sees=SEES_DIANA),
    Route(
        "consent record",
        "post",
        case_url("/consents"),
        VIEWERS,
        ok=201,
        data=lambda w: {"purpose": "statistics", "method": "written"},
        needs=CASE_WORK,
        sees=SEES_DIANA,
    ),
    Route(
        "consent withdraw",
        "post",
        recorded_consent,
        VIEWERS,
        data=lambda w: {"reason": "No longer wishes to be assisted."},
        needs=CASE_WORK,
        sees=SEES_DIANA,
    ),
    Route("notes", "get", case_url("/notes"), VIEWERS, sees=SEES_DIANA),
    Route(
        "note add",
        "post",
        case_url("/notes"),
        VIEWERS,
        ok=201,
        data=lambda w: {"body": "First contact at the bus station."},
        needs=CASE_WORK,
        sees=SEES_DIANA,
    ),
    Route("attachments", "get", case_url("/attachments"), VIEWERS, sees=SEES_DIANA),
    Route(
        "attachment add",
        "post",
        case_url("/attachments"),
        VIEWERS,
        ok=201,
        multipart=True,
        data=lambda w: {"file": SimpleUploadedFile("statement.pdf", PDF), "description": "x"},
        needs=CASE_WORK,
        sees=SEES_DIANA,
    ),
    Route("attachment download", "get", stored_attachment, VIEWERS, sees=SEES_DIANA),
    Route("plans", "get", case_url("/plans"), VIEWERS, sees=SEES_DIANA),
    Route(
        "plan create",
        "post",
        case_url("/plans"),
        VIEWERS,
        ok=201,
        data=lambda w: {"plan_type": "Health", "objectives": "Check-up"},
        needs=CASE_WORK,
        sees=SEES_DIANA,
    ),
    Route(
        "plan end",
        "post",
        planned("/end"),
        VIEWERS,
        ok=200,
        data=lambda w: {"ended_on": "2005-12-01"},
        needs=CASE_WORK,
        sees=SEES_DIANA,
    ),
    Route("events", "get", case_url("/events"), VIEWERS, sees=SEES_DIANA),
    Route(
        "event add",
        "post",
        case_url("/events"),
        VIEWERS,
        ok=201,
        data=lambda w: {"event_type": "Transit", "country": "KZ", "occurred_on": "2005-03-01"},
        needs=CASE_WORK,
        sees=SEES_DIANA,
    ),
    Route(
        "assign",
        "post",
        case_url("/assign"),
        VIEWERS,
        data=lambda w: {"owner_id": str(w.a["case_worker"].user.uuid), "team_ids": []},
        needs=SUPERVISOR,
        sees=SEES_DIANA,
    ),
]


@each(ENDPOINTS)
def test_access(world: World, route: Route, principal: str) -> None:
    response = check(world, route, principal)
    if response.status_code == 200 and route.name in ("list", "search"):
        # Organization B's members see their own (empty) list, never A's case.
        count = len(response.json()["items"])
        assert count == (1 if principal in SEES_DIANA else 0), (route.name, principal)
