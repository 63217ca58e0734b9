"""Every case page and action: anonymous, every role of two organizations, the platform admin.

The case is Diana's, opened by organization A's case worker. Who may see it: that case worker
(the owner) and A's supervisor (every case of A). A's hotline operator holds the case roles but
neither owns it nor is on its team, and B's members are another organization: all of them get
404, as if the case did not exist. Roles without ``cases.view`` get 403; anonymous visitors are
sent to sign in. Supervisor-only actions (approve, reject, close) are 403 for the case worker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest

from opennrm.audit.models import AuditEvent
from opennrm.cases import services
from opennrm.cases.forms import CaseEditForm, PersonEditForm
from opennrm.cases.models import Case
from tests.accounts.test_permission_matrix import PRINCIPALS, Endpoint, client_for
from tests.cases.factories import open_diana
from tests.cases.test_case_pages import form_data, open_form
from tests.conftest import World

CASE_ROLES = frozenset({"hotline_operator", "case_worker", "supervisor"})
SUPERVISOR = frozenset({"supervisor"})
PROPOSERS = frozenset({"case_worker", "supervisor"})
# Audit actions of changes to a case: a refused request must not add any.
CHANGES = r"^(case|person|identification|support_plan|service|consent|note)\."


@dataclass
class CaseEndpoint(Endpoint):
    """An endpoint of Diana's case (``scoped``) or of the case pages in general."""

    url: Callable[[World, Case], str]  # type: ignore[assignment]
    data: Callable[[World, Case], dict] | None = None
    scoped: bool = True
    # Roles the service further requires, among those who see the case: others get 403.
    needs: frozenset[str] | None = None

    def expected(self, principal: str) -> int:
        if principal == "anonymous":
            return 302
        org, _, role = principal.rpartition(":")
        if role not in self.allowed:
            return 403
        if self.scoped and (org == "b" or role == "hotline_operator"):
            return 404
        if self.needs is not None and role not in self.needs:
            return 403
        return self.ok


def _case(path: str = "") -> Callable[[World, Case], str]:
    return lambda w, c: f"/cases/{c.uuid}/{path}"


def _proposed(w: World, c: Case, action: str) -> str:
    decision = services.identification_propose(
        actor=w.actor(w.a["case_worker"]),
        case=c,
        stage="presumed",
        grounds="Passport taken.",
        decided_by_type="NGO",
        due_on=date(2005, 11, 3),
    )
    return f"/cases/{c.uuid}/identification/{decision.uuid}/{action}/"


def _consent(w: World, c: Case) -> str:
    consent = services.consent_record(
        actor=w.actor(w.a["case_worker"]), case=c, purpose="assistance", method="verbal"
    )
    return f"/cases/{c.uuid}/consent/{consent.uuid}/withdraw/"


def _tab(name: str) -> CaseEndpoint:
    return CaseEndpoint(f"tab {name}", "get", url=_case(f"{name}/"), allowed=CASE_ROLES)


ENDPOINTS = [
    CaseEndpoint("list", "get", url=lambda w, c: "/cases/", allowed=CASE_ROLES, scoped=False),
    CaseEndpoint(
        "list filtered",
        "get",
        url=lambda w, c: "/cases/?status=Active&citizenship=UZ",
        allowed=CASE_ROLES,
        scoped=False,
    ),
    CaseEndpoint(
        "search",
        "post",
        url=lambda w, c: "/cases/",
        allowed=CASE_ROLES,
        scoped=False,
        data=lambda w, c: {"q": "Каримова"},
    ),
    CaseEndpoint("new", "get", url=lambda w, c: "/cases/new/", allowed=CASE_ROLES, scoped=False),
    CaseEndpoint(
        "open",
        "post",
        url=lambda w, c: "/cases/new/",
        allowed=CASE_ROLES,
        scoped=False,
        ok=302,
        data=lambda w, c: open_form(),
    ),
    CaseEndpoint("case page", "get", url=_case(), allowed=CASE_ROLES),
    *[
        _tab(name)
        for name in ["person", "trafficking", "identification", "plan", "consent", "notes"]
    ],
    _tab("history"),
    CaseEndpoint(
        "person save",
        "post",
        url=_case("person/save/"),
        allowed=CASE_ROLES,
        ok=302,
        data=lambda w, c: {
            **form_data(PersonEditForm.initial_for(c.person)),
            "family_name": "Karimova",
        },
    ),
    CaseEndpoint(
        "trafficking save",
        "post",
        url=_case("trafficking/save/"),
        allowed=CASE_ROLES,
        ok=302,
        data=lambda w, c: {
            **form_data(CaseEditForm.initial_for(c)),
            "city_of_exploitation": "Astana",
        },
    ),
    CaseEndpoint(
        "status follow-up",
        "post",
        url=_case("status/"),
        allowed=CASE_ROLES,
        ok=302,
        data=lambda w, c: {"status": "FollowUp"},
    ),
    CaseEndpoint(
        "close",
        "post",
        url=_case("status/"),
        allowed=CASE_ROLES,
        needs=SUPERVISOR,
        ok=302,
        data=lambda w, c: {"status": "Closed", "reason": "Returned home"},
    ),
    CaseEndpoint("assign page", "get", url=_case("assign/"), allowed=SUPERVISOR),
    CaseEndpoint(
        "assign",
        "post",
        url=_case("assign/"),
        allowed=SUPERVISOR,
        ok=302,
        data=lambda w, c: {
            "owner": str(w.a["supervisor"].user.uuid),
            "team": [str(w.a["case_worker"].user.uuid)],
        },
    ),
    CaseEndpoint(
        "propose identification",
        "post",
        url=_case("identification/propose/"),
        allowed=CASE_ROLES,
        needs=PROPOSERS,
        ok=302,
        data=lambda w, c: {
            "stage": "presumed",
            "decided_by_type": "NGO",
            "grounds": "Deceptive recruitment.",
            "due_on": "2005-11-03",
        },
    ),
    CaseEndpoint(
        "approve identification",
        "post",
        url=lambda w, c: _proposed(w, c, "approve"),
        allowed=CASE_ROLES,
        needs=SUPERVISOR,
        ok=302,
    ),
    CaseEndpoint(
        "reject identification",
        "post",
        url=lambda w, c: _proposed(w, c, "reject"),
        allowed=CASE_ROLES,
        needs=SUPERVISOR,
        ok=302,
    ),
    CaseEndpoint(
        "plan create",
        "post",
        url=_case("plan/create/"),
        allowed=CASE_ROLES,
        ok=302,
        data=lambda w, c: {"plan_type": "Health"},
    ),
    CaseEndpoint(
        "service add",
        "post",
        url=_case("services/add/"),
        allowed=CASE_ROLES,
        ok=302,
        data=lambda w, c: {
            "service_type": "Medical",
            "status": "planned",
            "provider": str(w.org_b.uuid),
        },
    ),
    CaseEndpoint(
        "consent record",
        "post",
        url=_case("consent/record/"),
        allowed=CASE_ROLES,
        ok=302,
        data=lambda w, c: {"purpose": "assistance", "method": "verbal"},
    ),
    CaseEndpoint("consent withdraw", "post", url=_consent, allowed=CASE_ROLES, ok=302),
    CaseEndpoint(
        "note add",
        "post",
        url=_case("notes/add/"),
        allowed=CASE_ROLES,
        ok=302,
        data=lambda w, c: {"body": "Came to the centre."},
    ),
]


@pytest.mark.parametrize("principal", PRINCIPALS)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_access(world: World, endpoint: CaseEndpoint, principal: str) -> None:
    case = open_diana(world.a["case_worker"])
    url = endpoint.url(world, case)
    data = endpoint.data(world, case) if endpoint.data else None
    client = client_for(world, principal)
    changes = AuditEvent.objects.filter(action__regex=CHANGES).count()
    response = getattr(client, endpoint.method)(url, data=data)
    expected = endpoint.expected(principal)
    assert response.status_code == expected, (
        f"{endpoint.name} as {principal}: {response.status_code}, expected {expected}"
    )
    if principal == "anonymous":
        assert response["Location"].startswith("/accounts/login/")
    if expected != endpoint.ok and endpoint.method == "post":
        assert AuditEvent.objects.filter(action__regex=CHANGES).count() == changes
    if expected == 302 and principal != "anonymous":
        assert response["Location"].startswith("/cases/")
