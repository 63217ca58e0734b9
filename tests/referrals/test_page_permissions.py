"""Every referral page: anonymous, every role of two organizations, the platform admin.

Diana's case belongs to Crisis Centre A (owned by A's case worker) and is referred to Hotline B
with her consent. On A's side only those who see the case see the referral (its owner and A's
supervisor; A's hotline operator gets 404, as if it did not exist). On B's side every member who
holds ``referrals.view`` sees it; only those who may respond answer it (B's hotline operator
gets 403). Transfers are for supervisors; the supervisor's view needs ``cases.view_all``; the
figures ``referrals.stats``. Roles without the page's permission get 403; anonymous visitors
are sent to sign in.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from opennrm.audit.models import AuditEvent
from opennrm.cases.models import Case
from opennrm.referrals import services
from opennrm.referrals.models import Referral
from opennrm.referrals.urls import urlpatterns
from tests.accounts.test_permission_matrix import PRINCIPALS, client_for
from tests.conftest import World
from tests.referrals.factories import UNSHARED_VALUES, diana_consenting, police, send

VIEW = frozenset(
    {"hotline_operator", "case_worker", "supervisor", "service_provider", "law_enforcement_liaison"}
)
SEND = frozenset({"hotline_operator", "case_worker", "supervisor"})
RESPOND = frozenset({"case_worker", "supervisor", "service_provider", "law_enforcement_liaison"})
SUPERVISOR = frozenset({"supervisor"})
STATS = frozenset({"supervisor", "data_analyst"})
A_SEES = frozenset({"a:case_worker", "a:supervisor"})  # the case's owner and A's supervisor
B_SEES = frozenset(f"b:{role}" for role in VIEW)
CHANGES = r"^(referral|case|person)\."


def diana(world: World) -> Case:
    case = getattr(world, "_diana", None)
    if case is None:
        case = world._diana = diana_consenting(world)  # type: ignore[attr-defined]
    return case


def referral(world: World) -> Referral:
    found = getattr(world, "_referral", None)
    if found is None:
        found = world._referral = send(world, diana(world))  # type: ignore[attr-defined]
    return found


def accepted(world: World) -> Referral:
    found = referral(world)
    services.referral_accept(actor=world.actor(world.b["service_provider"]), referral=found)
    return found


@dataclass
class Page:
    name: str
    method: str
    url: Callable[[World], str]
    allowed: frozenset[str]  # roles the page's permission admits
    sees: frozenset[str] | None = None  # principals who see the object (others: 404)
    needs: frozenset[str] | None = None  # roles the action further needs (others: 403)
    ok: int = 200
    data: Callable[[World], dict] | None = None

    def expected(self, principal: str) -> int:
        if principal == "anonymous":
            return 302
        role = principal.rpartition(":")[2]
        if role not in self.allowed:
            return 403
        if self.sees is not None and principal not in self.sees:
            return 404
        if self.needs is not None and role not in self.needs:
            return 403
        return self.ok


def at(suffix: str = "", of: Callable[[World], Referral] = referral) -> Callable[[World], str]:
    return lambda w: f"/referrals/{of(w).uuid}/{suffix}"


def from_case(suffix: str = "") -> Callable[[World], str]:
    return lambda w: f"/referrals/from/{diana(w).uuid}/{suffix}"


def listing(suffix: str = "") -> Callable[[World], str]:
    def url(world: World) -> str:
        referral(world)
        return f"/referrals/{suffix}"

    return url


def referral_form(world: World) -> dict:
    return {
        "to_organization": str(world.org_b.uuid),
        "reason": "AdditionalServicesRequired",
        "services_requested": ["Legal"],
        "urgency": "normal",
        "share_identifying": ["given_name"],
        "share_statistical": ["citizenship", "gender", "age_band"],
        "note": "Needs a lawyer.",
    }


def anonymous_form(world: World) -> dict:
    unit, _liaison = police(world)
    return {
        "to_organization": str(unit.uuid),
        "reason": "Other",
        "urgency": "normal",
        "share_statistical": ["gender", "exploitation"],
    }


PAGES = [
    Page("inbox", "get", listing(), VIEW),
    Page("inbox page 2", "get", listing("?page=2"), VIEW),
    Page("outbox", "get", listing("sent/"), VIEW),
    Page("attention", "get", listing("attention/"), SUPERVISOR),
    Page("figures", "get", listing("figures/"), STATS),
    Page("refer form", "get", from_case(), SEND, sees=A_SEES),
    Page("refer", "post", from_case(), SEND, sees=A_SEES, ok=302, data=referral_form),
    Page("transfer form", "get", from_case("transfer/"), SUPERVISOR, sees=A_SEES),
    Page(
        "transfer",
        "post",
        from_case("transfer/"),
        SUPERVISOR,
        sees=A_SEES,
        ok=302,
        data=lambda w: {**referral_form(w), "services_requested": []},
    ),
    Page("anonymous form", "get", from_case("anonymous/"), SEND, sees=A_SEES),
    Page(
        "anonymous", "post", from_case("anonymous/"), SEND, sees=A_SEES, ok=302, data=anonymous_form
    ),
    Page("referral", "get", at(), VIEW, sees=A_SEES | B_SEES),
    Page("accept", "post", at("accept/"), VIEW, sees=B_SEES, needs=RESPOND, ok=302),
    Page(
        "decline",
        "post",
        at("decline/"),
        VIEW,
        sees=B_SEES,
        needs=RESPOND,
        ok=302,
        data=lambda w: {"reason": "No capacity this week."},
    ),
    Page(
        "complete",
        "post",
        at("complete/", of=accepted),
        VIEW,
        sees=B_SEES,
        needs=RESPOND,
        ok=302,
        data=lambda w: {"outcome": "Seen by the lawyer."},
    ),
    Page("withdraw", "post", at("withdraw/"), VIEW, sees=A_SEES, ok=302),
]


def test_every_referral_page_is_in_the_matrix(world: World) -> None:
    routes = {str(p.pattern) for p in urlpatterns}
    uuid = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    covered = set()
    for page in PAGES:
        path = page.url(world).split("?")[0].removeprefix("/")
        path = re.sub(f"from/{uuid}", "from/<uuid:case_id>", path)
        covered.add(re.sub(uuid, "<uuid:referral_id>", path))
    assert covered == routes


@pytest.mark.parametrize("principal", PRINCIPALS)
@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_access(world: World, page: Page, principal: str) -> None:
    url = page.url(world)
    data = page.data(world) if page.data else None
    client = client_for(world, principal)
    changes = AuditEvent.objects.filter(action__regex=CHANGES).count()
    response = getattr(client, page.method)(url, data=data)
    expected = page.expected(principal)
    assert response.status_code == expected, (
        f"{page.name} as {principal}: {response.status_code}, expected {expected}"
    )
    if principal == "anonymous":
        assert response["Location"].startswith("/accounts/login/")
    if expected != page.ok and page.method == "post":
        assert AuditEvent.objects.filter(action__regex=CHANGES).count() == changes
    if expected == 302 and principal != "anonymous":
        assert response["Location"].startswith("/referrals/")
    if expected == 200:
        html = response.content.decode()
        if principal.startswith("b:"):
            # B never reads what A did not share, on any page.
            for secret in UNSHARED_VALUES:
                assert secret not in html, f"{page.name} as {principal} shows {secret}"
            assert diana(world).number not in html  # nor A's case number
