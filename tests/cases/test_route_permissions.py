"""The route and files of a case, by page and API: anonymous, the platform admin and every role
of two organizations (tests/support/matrix.py). Diana's case is seen by its owner (A's case
worker) and A's supervisor; A's hotline operator (not on the case) and B's members get 404, roles
without ``cases.view`` 403; a refused change changes no table."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from opennrm.cases import services
from opennrm.cases.attachments import attachment_add
from opennrm.cases.models import Case, HistoricEvent
from tests.cases.factories import open_diana
from tests.conftest import World
from tests.support.matrix import Route, check, each

CASE_ROLES = frozenset({"hotline_operator", "case_worker", "supervisor"})
SEES_DIANA = frozenset({"a:case_worker", "a:supervisor"})
CASES = ("/cases/",)
PDF = b"%PDF-1.4\n%%EOF\n"


def diana(w: World) -> Case:
    return w.once("diana", lambda: open_diana(w.a["case_worker"]))


def stop(w: World) -> HistoricEvent:
    return w.once(
        "stop",
        lambda: services.historic_event_add(
            actor=w.actor(w.a["case_worker"]),
            case=diana(w),
            event_type="Transit",
            country="KZ",
            city="Shymkent",
            occurred_on=date(2005, 3, 1),
        ),
    )


def _case(path: str) -> Callable[[World], str]:
    return lambda w: f"/cases/{diana(w).uuid}/{path}"


def _stop(path: str) -> Callable[[World], str]:
    return lambda w: f"/cases/{diana(w).uuid}/route/{stop(w).uuid}/{path}"


def _api_stop(w: World) -> str:
    return f"/api/v1/cases/{diana(w).uuid}/events/{stop(w).uuid}"


def _file(w: World) -> str:
    attachment = attachment_add(
        actor=w.actor(w.a["case_worker"]),
        case=diana(w),
        upload=SimpleUploadedFile("statement.pdf", PDF),
    )
    return f"/cases/{diana(w).uuid}/files/{attachment.uuid}/"


def _typed_stop(prefix: str = "") -> Callable[[World], dict]:
    def data(w: World) -> dict:
        if prefix:
            stop(w)
        fields = {"event_type": "Recruitment", "city": "Tashkent", "country": "UZ",
                  "day": "14", "month": "2", "year": "2005", "description": ""}  # fmt: skip
        key = stop(w).uuid.hex + "-" if prefix else ""
        return {f"{key}{name}": value for name, value in fields.items()}

    return data


ROUTES = [
    Route("tab route", "get", _case("route/"), CASE_ROLES, sees=SEES_DIANA),
    Route("tab files", "get", _case("files/"), CASE_ROLES, sees=SEES_DIANA),
    Route(
        "route add",
        "post",
        _case("route/add/"),
        CASE_ROLES,
        ok=302,
        data=_typed_stop(),
        sees=SEES_DIANA,
        lands=CASES,
    ),
    Route("route edit form", "get", _stop("edit/"), CASE_ROLES, sees=SEES_DIANA),
    Route(
        "route edit",
        "post",
        _stop("edit/"),
        CASE_ROLES,
        ok=302,
        data=_typed_stop(prefix="edit"),
        sees=SEES_DIANA,
        lands=CASES,
    ),
    Route(
        "route remove", "post", _stop("remove/"), CASE_ROLES, ok=302, sees=SEES_DIANA, lands=CASES
    ),  # fmt: skip
    Route(
        "file add",
        "post",
        _case("files/add/"),
        CASE_ROLES,
        ok=302,
        data=lambda w: {"file": SimpleUploadedFile("statement.pdf", PDF), "description": "x"},
        sees=SEES_DIANA,
        lands=CASES,
    ),
    Route("file download", "get", _file, CASE_ROLES, sees=SEES_DIANA),
    Route(
        "api event update",
        "patch",
        _api_stop,
        CASE_ROLES,
        data=lambda w: {"city": "Turkistan"},
        sees=SEES_DIANA,
    ),
    Route("api event remove", "delete", _api_stop, CASE_ROLES, ok=204, sees=SEES_DIANA),
]


@each(ROUTES)
def test_access(world: World, route: Route, principal: str) -> None:
    response = check(world, route, principal)
    if route.name == "file download" and response.status_code == 200:
        assert response["Content-Disposition"].startswith("attachment;")
        assert response.content == PDF
