"""Who may ask for, decide on and download an HTCDS export: case workers and supervisors ask,
a supervisor other than the requester decides, the requester alone downloads; another
organization finds nothing."""

from __future__ import annotations

from opennrm.interop import exports
from opennrm.interop.models import ExportRequest
from tests.cases.factories import open_diana
from tests.conftest import World
from tests.support.matrix import Route, check, each

ASKERS = frozenset({"case_worker", "supervisor"})
APPROVERS = frozenset({"supervisor"})
# The request is A's case worker's; A's supervisor decides on it.
SEES = frozenset({"a:case_worker", "a:supervisor"})
A_SUPERVISOR = frozenset({"a:supervisor"})


def diana(w: World):
    return w.once("diana", lambda: open_diana(w.a["case_worker"]))


def _asked(w: World) -> ExportRequest:
    def make() -> ExportRequest:
        return exports.export_request_create(
            actor=w.actor(w.a["case_worker"]),
            data={"numbers": diana(w).number, "purpose": "Transfer to the shelter"},
        )

    return w.once("export", make)


def _approved(w: World) -> ExportRequest:
    def make() -> ExportRequest:
        request = exports.export_request_create(
            actor=w.actor(w.a["case_worker"]),
            data={"numbers": diana(w).number, "purpose": "Transfer to the ministry"},
        )
        return exports.export_approve(actor=w.actor(w.a["supervisor"]), export_id=request.uuid)

    return w.once("approved export", make)


ROUTES = [
    Route("export list", "get", lambda w: "/htcds/exports/", ASKERS),
    Route("export request page", "get", lambda w: "/htcds/exports/new/", ASKERS),
    Route(
        "export request",
        "post",
        lambda w: "/htcds/exports/new/",
        ASKERS,
        ok=302,
        # B's members see no case of that number: the form again, with the error.
        sees=SEES,
        hidden=200,
        data=lambda w: {"numbers": diana(w).number, "purpose": "x", "file_format": "csv"},
        lands=("/htcds/exports/",),
    ),
    Route("export page", "get", lambda w: f"/htcds/exports/{_asked(w).uuid}/", ASKERS, sees=SEES),
    Route(
        "export approve",
        "post",
        lambda w: f"/htcds/exports/{_asked(w).uuid}/approve/",
        APPROVERS,
        ok=302,
        sees=A_SUPERVISOR | {"a:case_worker"},
        needs=APPROVERS,
        lands=("/htcds/exports/",),
    ),
    Route(
        "export refuse",
        "post",
        lambda w: f"/htcds/exports/{_asked(w).uuid}/refuse/",
        APPROVERS,
        ok=302,
        sees=A_SUPERVISOR,
        data=lambda w: {"reason": "No agreement with the recipient"},
        lands=("/htcds/exports/",),
    ),
    Route(
        "export download",
        "post",
        lambda w: f"/htcds/exports/{_approved(w).uuid}/download/",
        ASKERS,
        sees=SEES,
        needs=frozenset({"case_worker"}),
    ),
]


@each(ROUTES)
def test_access(world, route, principal):
    response = check(world, route, principal)
    if route.name == "export download" and response.status_code == 200:
        assert response["Content-Type"] == "application/zip"
        assert response["Cache-Control"] == "no-store"
    if route.name == "export page" and response.status_code == 200:
        password = _asked(world).password
        assert password == "" or password.encode() not in response.content
