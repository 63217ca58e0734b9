"""Every case page and action: anonymous, every role of two organizations, the platform admin.

The case is Diana's, opened by organization A's case worker. Who may see it: that case worker
(the owner) and A's supervisor (every case of A). A's hotline operator holds the case roles but
neither owns it nor is on its team, and B's members are another organization: all of them get
404, as if the case did not exist. Roles without ``cases.view`` get 403; anonymous visitors are
sent to sign in. Supervisor-only actions (approve, reject, close) are 403 for the case worker.
The rules, and that a refused write changes nothing, are checked by tests/support/matrix.py.
"""

from __future__ import annotations

from collections.abc import Callable

from opennrm.accounts.models import Organization
from opennrm.cases import services
from opennrm.cases.forms import CaseEditForm, PersonEditForm
from opennrm.cases.models import Case
from tests.cases.factories import open_diana
from tests.cases.test_case_pages import form_data, open_form
from tests.conftest import World
from tests.support.matrix import Route, check, each

CASE_ROLES = frozenset({"hotline_operator", "case_worker", "supervisor"})
SUPERVISOR = frozenset({"supervisor"})
PROPOSERS = frozenset({"case_worker", "supervisor"})
# Diana's case: its owner (A's case worker) and A's supervisor. A's hotline operator holds the
# case roles but is not on it; B is another organization.
SEES_DIANA = frozenset({"a:case_worker", "a:supervisor"})
# Where a successful change leads.
CASES = ("/cases/",)


def diana(w: World) -> Case:
    """Diana's case, opened by A's case worker, once per test."""
    return w.once("diana", lambda: open_diana(w.a["case_worker"]))


def _page(path: str) -> Callable[[World], str]:
    """A page not naming the case, once Diana's case exists (so lists have something to hide)."""

    def url(w: World) -> str:
        diana(w)
        return path

    return url


def _case(path: str = "") -> Callable[[World], str]:
    return lambda w: f"/cases/{diana(w).uuid}/{path}"


def _plan_end(w: World) -> str:
    """Ending a support plan of Diana's case."""
    case = diana(w)
    plan = w.once(
        "plan",
        lambda: services.support_plan_create(
            actor=w.actor(w.a["case_worker"]), case=case, plan_type="Health"
        ),
    )
    return f"/cases/{case.uuid}/plan/{plan.uuid}/end/"


def _proposed(w: World, action: str) -> str:
    c = diana(w)
    decision = services.identification_propose(
        actor=w.actor(w.a["case_worker"]),
        case=c,
        stage="presumed",
        grounds="Passport taken.",
        decided_by_type="NGO",
    )
    return f"/cases/{c.uuid}/identification/{decision.uuid}/{action}/"


def _authority_case(suffix: str) -> Callable[[World], str]:
    """Diana's case, in organization A switched to record the competent authority's decisions."""

    def url(w: World) -> str:
        Organization.objects.filter(pk=w.org_a.pk).update(identification_by="authority")
        w.org_a.refresh_from_db()
        return f"/cases/{diana(w).uuid}{suffix}"

    return url


AUTHORITY_DECISION = {
    "stage": "identified",
    "outcome": "ActualVictimOfTrafficking",
    "authority_name": "Interdepartmental Commission",
    "decided_by_type": "NonPoliceGovernmentalOrganization",
    "reference": "IC-1",
    "decided_on": "2005-11-20",
}


def _consent(w: World) -> str:
    c = diana(w)
    consent = services.consent_record(
        actor=w.actor(w.a["case_worker"]), case=c, purpose="assistance", method="verbal"
    )
    return f"/cases/{c.uuid}/consent/{consent.uuid}/withdraw/"


def _tab(name: str) -> Route:
    return Route(f"tab {name}", "get", url=_case(f"{name}/"), allowed=CASE_ROLES, sees=SEES_DIANA)


ENDPOINTS = [
    Route("list", "get", url=_page("/cases/"), allowed=CASE_ROLES),
    Route(
        "list filtered",
        "get",
        url=_page("/cases/?status=Active&citizenship=UZ"),
        allowed=CASE_ROLES,
    ),
    Route(
        "search",
        "post",
        url=_page("/cases/"),
        allowed=CASE_ROLES,
        data=lambda w: {"q": "Каримова"},
    ),
    Route("new", "get", url=_page("/cases/new/"), allowed=CASE_ROLES),
    Route(
        "open",
        "post",
        url=_page("/cases/new/"),
        allowed=CASE_ROLES,
        ok=302,
        data=lambda w: open_form(),
        lands=CASES,
    ),
    Route("case page", "get", url=_case(), allowed=CASE_ROLES, sees=SEES_DIANA),
    *[
        _tab(name)
        for name in ["person", "trafficking", "identification", "plan", "consent", "notes"]
    ],
    _tab("history"),
    Route(
        "person save",
        "post",
        url=_case("person/save/"),
        allowed=CASE_ROLES,
        ok=302,
        data=lambda w: {
            **form_data(PersonEditForm.initial_for(diana(w).person)),
            "family_name": "Karimova",
        },
        sees=SEES_DIANA,
        lands=CASES,
    ),
    Route(
        "trafficking save",
        "post",
        url=_case("trafficking/save/"),
        allowed=CASE_ROLES,
        ok=302,
        data=lambda w: {
            **form_data(CaseEditForm.initial_for(diana(w))),
            "city_of_exploitation": "Astana",
        },
        sees=SEES_DIANA,
        lands=CASES,
    ),
    Route(
        "status follow-up",
        "post",
        url=_case("status/"),
        allowed=CASE_ROLES,
        ok=302,
        data=lambda w: {"status": "FollowUp"},
        sees=SEES_DIANA,
        lands=CASES,
    ),
    Route(
        "close",
        "post",
        url=_case("status/"),
        allowed=CASE_ROLES,
        needs=SUPERVISOR,
        ok=302,
        data=lambda w: {"status": "Closed", "reason": "Returned home"},
        sees=SEES_DIANA,
        lands=CASES,
    ),
    Route("assign page", "get", url=_case("assign/"), allowed=SUPERVISOR, sees=SEES_DIANA),
    Route(
        "assign",
        "post",
        url=_case("assign/"),
        allowed=SUPERVISOR,
        ok=302,
        data=lambda w: {
            "owner": str(w.a["supervisor"].user.uuid),
            "team": [str(w.a["case_worker"].user.uuid)],
        },
        sees=SEES_DIANA,
        lands=CASES,
    ),
    Route(
        "propose identification",
        "post",
        url=_case("identification/propose/"),
        allowed=CASE_ROLES,
        needs=PROPOSERS,
        ok=302,
        data=lambda w: {
            "stage": "presumed",
            "decided_by_type": "NGO",
            "grounds": "Deceptive recruitment.",
            "confirmed": "yes",
        },
        sees=SEES_DIANA,
        lands=CASES,
    ),
    Route(
        "approve identification",
        "post",
        url=lambda w: _proposed(w, "approve"),
        allowed=CASE_ROLES,
        needs=SUPERVISOR,
        ok=302,
        data=lambda w: {"confirmed": "yes"},
        sees=SEES_DIANA,
        lands=CASES,
    ),
    Route(
        "reject identification",
        "post",
        url=lambda w: _proposed(w, "reject"),
        data=lambda w: {"confirmed": "yes"},
        allowed=CASE_ROLES,
        needs=SUPERVISOR,
        ok=302,
        sees=SEES_DIANA,
        lands=CASES,
    ),
    Route(
        "record the authority's decision",
        "post",
        url=_authority_case("/identification/record/"),
        allowed=CASE_ROLES,
        needs=PROPOSERS,
        ok=302,
        data=lambda w: {**AUTHORITY_DECISION, "confirmed": "yes"},
        sees=SEES_DIANA,
        lands=CASES,
    ),
    Route(
        "plan create",
        "post",
        url=_case("plan/create/"),
        allowed=CASE_ROLES,
        ok=302,
        data=lambda w: {"plan_type": "Health"},
        sees=SEES_DIANA,
        lands=CASES,
    ),
    Route(
        "plan end",
        "post",
        url=_plan_end,
        allowed=CASE_ROLES,
        ok=302,
        data=lambda w: {"ended_on": "2005-12-01"},
        sees=SEES_DIANA,
        lands=CASES,
    ),
    Route(
        "service add",
        "post",
        url=_case("services/add/"),
        allowed=CASE_ROLES,
        ok=302,
        data=lambda w: {
            "service_type": "Medical",
            "status": "planned",
            "provider": str(w.org_b.uuid),
        },
        sees=SEES_DIANA,
        lands=CASES,
    ),
    Route(
        "consent record",
        "post",
        url=_case("consent/record/"),
        allowed=CASE_ROLES,
        ok=302,
        data=lambda w: {"purpose": "assistance", "method": "verbal"},
        sees=SEES_DIANA,
        lands=CASES,
    ),
    Route(
        "consent withdraw confirmation",
        "get",
        url=_consent,
        allowed=CASE_ROLES,
        sees=SEES_DIANA,
    ),
    Route(
        "consent withdraw",
        "post",
        url=_consent,
        allowed=CASE_ROLES,
        ok=302,
        data=lambda w: {"reason": "No longer wishes to be assisted."},
        sees=SEES_DIANA,
        lands=CASES,
    ),
    Route(
        "note add",
        "post",
        url=_case("notes/add/"),
        allowed=CASE_ROLES,
        ok=302,
        data=lambda w: {"body": "Came to the centre."},
        sees=SEES_DIANA,
        lands=CASES,
    ),
]


@each(ENDPOINTS)
def test_access(world: World, route: Route, principal: str) -> None:
    check(world, route, principal)
