"""Every referral page: anonymous, every role of two organizations, the platform admin.

Diana's case belongs to Crisis Centre A (owned by A's case worker) and is referred to Hotline B
with her consent. On A's side only those who see the case see the referral (its owner and A's
supervisor; A's hotline operator gets 404, as if it did not exist). On B's side every member who
holds ``referrals.view`` sees it; only those who may respond answer it (B's hotline operator
gets 403). Transfers are for supervisors; the supervisor's view needs ``cases.view_all``; the
figures ``referrals.stats``. Roles without the page's permission get 403; anonymous visitors
are sent to sign in. The rules, and that a refused write changes nothing: tests/support/matrix.py.
"""

from __future__ import annotations

from collections.abc import Callable

from opennrm.cases.models import Case
from opennrm.referrals import services
from opennrm.referrals.models import Referral
from tests.conftest import World
from tests.referrals.factories import UNSHARED_VALUES, diana_consenting, police, send
from tests.support.matrix import Route, check, each

VIEW = frozenset(
    {"hotline_operator", "case_worker", "supervisor", "service_provider", "law_enforcement_liaison"}
)
SEND = frozenset({"hotline_operator", "case_worker", "supervisor"})
RESPOND = frozenset({"case_worker", "supervisor", "service_provider", "law_enforcement_liaison"})
SUPERVISOR = frozenset({"supervisor"})
STATS = frozenset({"supervisor", "data_analyst"})
A_SEES = frozenset({"a:case_worker", "a:supervisor"})  # the case's owner and A's supervisor
B_SEES = frozenset(f"b:{role}" for role in VIEW)
REFERRALS = ("/referrals/",)  # where a successful change leads


def diana(world: World) -> Case:
    return world.once("diana", lambda: diana_consenting(world))


def referral(world: World) -> Referral:
    return world.once("referral", lambda: send(world, diana(world)))


def accepted(world: World) -> Referral:
    found = referral(world)
    services.referral_accept(actor=world.actor(world.b["service_provider"]), referral=found)
    return found


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
    Route("inbox", "get", listing(), VIEW),
    Route("inbox page 2", "get", listing("?page=2"), VIEW),
    Route("outbox", "get", listing("sent/"), VIEW),
    Route("attention", "get", listing("attention/"), SUPERVISOR),
    # Moved to stats (tests/stats/test_dashboard_permissions.py): the old address leads there.
    Route("figures", "get", listing("figures/"), STATS, ok=302, lands=("/stats/referrals/",)),
    Route("refer form", "get", from_case(), SEND, sees=A_SEES),
    Route(
        "refer", "post", from_case(), SEND, sees=A_SEES, ok=302, data=referral_form, lands=REFERRALS
    ),
    Route("transfer form", "get", from_case("transfer/"), SUPERVISOR, sees=A_SEES),
    Route(
        "transfer",
        "post",
        from_case("transfer/"),
        SUPERVISOR,
        sees=A_SEES,
        ok=302,
        data=lambda w: {**referral_form(w), "services_requested": []},
        lands=REFERRALS,
    ),
    Route("anonymous form", "get", from_case("anonymous/"), SEND, sees=A_SEES),
    Route(
        "anonymous",
        "post",
        from_case("anonymous/"),
        SEND,
        sees=A_SEES,
        ok=302,
        data=anonymous_form,
        lands=REFERRALS,
    ),
    Route("referral", "get", at(), VIEW, sees=A_SEES | B_SEES),
    Route(
        "accept", "post", at("accept/"), VIEW, sees=B_SEES, needs=RESPOND, ok=302, lands=REFERRALS
    ),
    Route(
        "decline",
        "post",
        at("decline/"),
        VIEW,
        sees=B_SEES,
        needs=RESPOND,
        ok=302,
        data=lambda w: {"reason": "No capacity this week."},
        lands=REFERRALS,
    ),
    Route(
        "complete",
        "post",
        at("complete/", of=accepted),
        VIEW,
        sees=B_SEES,
        needs=RESPOND,
        ok=302,
        data=lambda w: {"outcome": "Seen by the lawyer."},
        lands=REFERRALS,
    ),
    Route("withdraw", "post", at("withdraw/"), VIEW, sees=A_SEES, ok=302, lands=REFERRALS),
]


@each(PAGES)
def test_access(world: World, route: Route, principal: str) -> None:
    response = check(world, route, principal)
    if response.status_code == 200 and principal.startswith("b:"):
        # B never reads what A did not share, on any page, nor A's case number.
        html = response.content.decode()
        for secret in UNSHARED_VALUES:
            assert secret not in html, f"{route.name} as {principal} shows {secret}"
        assert diana(world).number not in html
