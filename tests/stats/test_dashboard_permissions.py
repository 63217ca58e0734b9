"""The dashboard pages of stats: anonymous, the platform admin and every role of two
organizations. The organization's dashboard is for ``stats.view`` (supervisors, data
analysts); the hotline figures moved here for ``hotline.stats`` (hotline operators too); the
referral figures for ``referrals.stats``. Each counts its own organization only: members of
Hotline B never see Crisis Centre A's cases, contacts or referrals counted, nor a name or case
number of A. The old addresses' redirects: in the hotline and referrals matrices."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from opennrm.cases.models import Case
from opennrm.stats.tables import Table
from tests.conftest import World
from tests.hotline.factories import record
from tests.referrals.factories import diana_consenting, send
from tests.support.matrix import Route, check, each

DASHBOARD = frozenset({"supervisor", "data_analyst"})
HOTLINE = frozenset({"hotline_operator", "supervisor", "data_analyst"})
REFERRALS = frozenset({"supervisor", "data_analyst"})


def a_made(world: World) -> Case:
    """Diana's case at A (opened in 2005), its referral to B and a contact: A's, never B's."""

    def make() -> Case:
        case = diana_consenting(world)
        send(world, case)
        record(world.a["hotline_operator"], notes="Secret of A", received_at=timezone.now())
        return case

    return world.once("a made", make)


def page(path: str):
    def url(world: World) -> str:
        a_made(world)
        return path

    return url


ROUTES = [
    Route("dashboard", "get", page("/stats/"), DASHBOARD),
    Route("dashboard of 2005", "get", page("/stats/?preset=year&year=2005"), DASHBOARD),
    Route("dashboard last year", "get", page("/stats/?preset=last_year"), DASHBOARD),
    Route(
        "dashboard of dates",
        "get",
        page("/stats/?preset=dates&start=2005-01-01&end=2005-12-31"),
        DASHBOARD,
    ),
    Route(
        "dashboard, bad dates",
        "get",
        page("/stats/?preset=dates&start=x&end=1999-01-01"),
        DASHBOARD,
    ),
    Route("hotline figures", "get", page("/stats/hotline/"), HOTLINE),
    Route("hotline figures by channel", "get", page("/stats/hotline/?by=channel"), HOTLINE),
    Route("referral figures", "get", page("/stats/referrals/"), REFERRALS),
]


def _counted(table: Table) -> int:
    return sum(value or 0 for row in table.rows for value in row.values)


@each(ROUTES)
def test_access(world: World, route: Route, principal: str) -> None:
    response = check(world, route, principal)
    if response.status_code != 200:
        return
    html = response.content.decode()
    case = a_made(world)
    assert case.number not in html and "Диана" not in html and "Secret of A" not in html
    context = response.context
    if principal.startswith("b:"):
        if route.url(world).startswith("/stats/hotline/"):
            assert context["figures"].contacts == 0
        elif route.url(world).startswith("/stats/referrals/"):
            sent, received = context["figures"].overall.rows
            assert sent.values[0] == 0 and received.values[0] == 1  # A's referral, to B
        else:
            # The referral A sent is B's too (received); A's case and contact are not.
            cases, people, _identification, _services, hotline, _workers = context["sections"]
            assert all(_counted(t) == 0 for s in (cases, people, hotline) for t in s.tables)
            figures = {c.key: c.current for c in context["comparison"]}
            assert figures["cases"] == figures["people"] == figures["contacts"] == 0
    elif route.name in ("dashboard of 2005", "dashboard of dates"):
        (cases,) = [c for c in context["comparison"] if c.key == "cases"]
        assert cases.current == 1 and context["scope"].start == date(2005, 1, 1)
