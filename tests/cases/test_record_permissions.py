"""Perpetrators, needs and risks, the own account: every page and API operation as anonymous,
the platform admin and every role of two organizations (decision 0017).

Diana's case is A's, owned by A's case worker. Perpetrator records are for the case's workers
and supervisors, never the hotline operator, the service provider, the analyst or the admin. A's
law-enforcement liaison reads them only while a supervisor shares the case's records: refused
before the share, allowed during it, refused again after its withdrawal, and B's liaison never.
Needs and accounts follow the case's own rights. The rules: tests/support/matrix.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from opennrm.cases import perpetrators
from opennrm.cases.models import Case
from tests.cases.factories import open_diana
from tests.cases.records import record_perpetrator, share
from tests.conftest import World
from tests.support.matrix import Route, check, each

CASE_ROLES = frozenset({"hotline_operator", "case_worker", "supervisor"})  # cases.view
WORKERS = frozenset({"case_worker", "supervisor"})  # perpetrators.work
SUPERVISOR = frozenset({"supervisor"})
LIAISON = frozenset({"law_enforcement_liaison"})
SEES_DIANA = frozenset({"a:case_worker", "a:supervisor"})
LIAISON_A = frozenset({"a:law_enforcement_liaison"})
CASES = ("/cases/",)


def diana(w: World) -> Case:
    return w.once("diana", lambda: open_diana(w.a["case_worker"]))


def shared(w: World) -> Case:
    """Diana's case with a perpetrator, shared with A's liaison by A's supervisor."""

    def make() -> Case:
        case = diana(w)
        record_perpetrator(w, case)
        share(w, case)
        return case

    return w.once("shared", make)


def withdrawn(w: World) -> Case:
    """Diana's case, shared once and the share withdrawn."""
    case = shared(w)
    w.once(
        "withdrawn",
        lambda: perpetrators.perpetrators_unshare(actor=w.actor(w.a["supervisor"]), case=case),
    )
    return case


def recorded(w: World) -> str:
    case = diana(w)
    return str(w.once("record", lambda: record_perpetrator(w, case)).uuid)


def _case(path: str = "", of: Callable[[World], Case] = diana) -> Callable[[World], str]:
    return lambda w: f"/cases/{of(w).uuid}/{path}"


def _api(path: str = "", of: Callable[[World], Case] = diana) -> Callable[[World], str]:
    return lambda w: f"/api/v1/cases/{of(w).uuid}{path}"


def _record(prefix: str, suffix: str) -> Callable[[World], str]:
    return lambda w: f"{prefix}{diana(w).uuid}/perpetrators/{recorded(w)}{suffix}"


def _shared_page(of: Callable[[World], Case]) -> Callable[[World], str]:
    return lambda w: f"/perpetrators/shared/{of(w).uuid}/"


def _shared_list(w: World) -> str:
    shared(w)
    return "/perpetrators/shared/"


ASSESSMENT_FORM = {"contact_safety": "unsafe", "trafficker_risk": "high"}
ASSESSMENT_FORM |= {"accommodation_need": "shelter", "contact_warning": "Не звонить"}

PAGES = [
    Route("tab needs", "get", _case("needs/"), CASE_ROLES, sees=SEES_DIANA),
    Route("tab account", "get", _case("account/"), CASE_ROLES, sees=SEES_DIANA),
    Route(
        "tab perpetrators",
        "get",
        _case("perpetrators/"),
        WORKERS,
        sees=SEES_DIANA,
    ),
    Route(
        "perpetrator add",
        "post",
        _case("perpetrators/add/"),
        WORKERS,
        ok=302,
        data=lambda w: {"name": "Рустам", "phones": "+7 701 555 0199"},
        sees=SEES_DIANA,
        lands=CASES,
    ),
    Route("perpetrator edit page", "get", _record("/cases/", "/edit/"), WORKERS, sees=SEES_DIANA),
    Route(
        "perpetrator edit",
        "post",
        _record("/cases/", "/edit/"),
        WORKERS,
        ok=302,
        data=lambda w: {"name": "Рустам, таксист", "version": 1},
        sees=SEES_DIANA,
        lands=CASES,
    ),
    Route(
        "perpetrator remove",
        "post",
        _record("/cases/", "/remove/"),
        WORKERS,
        ok=302,
        sees=SEES_DIANA,
        lands=CASES,
    ),
    Route(
        "share",
        "post",
        _case("perpetrators/share/"),
        SUPERVISOR,
        ok=302,
        sees=SEES_DIANA,
        lands=CASES,
    ),
    Route(
        "unshare",
        "post",
        _case("perpetrators/unshare/", of=shared),
        SUPERVISOR,
        ok=302,
        sees=SEES_DIANA,
        lands=CASES,
    ),
    Route(
        "assessment record",
        "post",
        _case("needs/record/"),
        CASE_ROLES,
        ok=302,
        data=lambda w: ASSESSMENT_FORM,
        sees=SEES_DIANA,
        lands=CASES,
    ),
    Route(
        "account record",
        "post",
        _case("account/record/"),
        CASE_ROLES,
        ok=302,
        data=lambda w: {"told_on": "2005-10-05", "wishes": "Домой"},
        sees=SEES_DIANA,
        lands=CASES,
    ),
    Route("liaison list", "get", _shared_list, LIAISON),
    Route("liaison case before sharing", "get", _shared_page(diana), LIAISON, sees=frozenset()),
    Route("liaison case shared", "get", _shared_page(shared), LIAISON, sees=LIAISON_A),
    Route("liaison case withdrawn", "get", _shared_page(withdrawn), LIAISON, sees=frozenset()),
]

READERS = WORKERS | LIAISON
API = [
    Route(
        "api perpetrators before sharing", "get", _api("/perpetrators"), READERS, sees=SEES_DIANA
    ),
    Route(
        "api perpetrators shared",
        "get",
        _api("/perpetrators", of=shared),
        READERS,
        sees=SEES_DIANA | LIAISON_A,
    ),
    Route(
        "api perpetrators withdrawn",
        "get",
        _api("/perpetrators", of=withdrawn),
        READERS,
        sees=SEES_DIANA,
    ),
    Route(
        "api perpetrator add",
        "post",
        _api("/perpetrators"),
        CASE_ROLES,
        ok=201,
        data=lambda w: {"name": "Рустам", "phones": ["+77015550199"]},
        sees=SEES_DIANA,
        needs=WORKERS,
    ),
    Route(
        "api perpetrator patch",
        "patch",
        _record("/api/v1/cases/", ""),
        CASE_ROLES,
        data=lambda w: {"name": "Рустам, таксист", "version": 1},
        sees=SEES_DIANA,
        needs=WORKERS,
    ),
    Route(
        "api perpetrator remove",
        "post",
        _record("/api/v1/cases/", "/remove"),
        CASE_ROLES,
        sees=SEES_DIANA,
        needs=WORKERS,
    ),
    Route(
        "api shares",
        "get",
        _api("/perpetrator-sharing", of=shared),
        CASE_ROLES,
        sees=SEES_DIANA,
        needs=WORKERS,
    ),
    Route(
        "api share",
        "post",
        _api("/perpetrator-sharing"),
        CASE_ROLES,
        ok=201,
        sees=SEES_DIANA,
        needs=SUPERVISOR,
    ),
    Route(
        "api unshare",
        "post",
        _api("/perpetrator-sharing/withdraw", of=shared),
        CASE_ROLES,
        sees=SEES_DIANA,
        needs=SUPERVISOR,
    ),
    Route("api assessments", "get", _api("/assessments"), CASE_ROLES, sees=SEES_DIANA),
    Route(
        "api assessment record",
        "post",
        _api("/assessments"),
        CASE_ROLES,
        ok=201,
        data=lambda w: {"contact_safety": "unsafe", "contact_warning": "Не звонить"},
        sees=SEES_DIANA,
    ),
    Route("api accounts", "get", _api("/accounts"), CASE_ROLES, sees=SEES_DIANA),
    Route(
        "api account record",
        "post",
        _api("/accounts"),
        CASE_ROLES,
        ok=201,
        data=lambda w: {"told_on": "2005-10-05", "wishes": "Домой"},
        sees=SEES_DIANA,
    ),
]


@each(PAGES + API)
def test_access(world: World, route: Route, principal: str) -> None:
    response = check(world, route, principal)
    if response.status_code == 200 and route.method == "get" and route.name.endswith(" shared"):
        # Whoever may read a shared case's records, the liaison included, really reads them.
        body = response.content.decode()
        if route.url(world).startswith("/api/"):
            body = json.dumps(response.json(), ensure_ascii=False)
        assert "Рустам" in body
