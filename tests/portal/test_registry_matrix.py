"""Who may keep the agency registry: the regulator of the agency's country only; the lookup and
the job-offer check are public."""

from __future__ import annotations

import base64

from tests.portal.registry import HEADER, csv_bytes, orient
from tests.support.matrix import PRINCIPALS, Route, check, each

REGULATOR = frozenset({"regulator"})
A_REGULATOR = frozenset({"a:regulator"})
EVERYONE = frozenset(PRINCIPALS)
FILE = csv_bytes(HEADER, "Silk Road Jobs,KZ-0099,recruitment,active,31.12.2029,Ministry of Labour")
NEW = {
    "name": "Steppe Travel",
    "licence_number": "KZ-0100",
    "kind": "travel",
    "status": "active",
    "valid_until": "2029-01-31",
    "issuing_authority": "Ministry of Labour",
}


def _edit_data(world):
    agency = orient(world)
    return {**NEW, "licence_number": agency.licence_number, "version": agency.version}


ROUTES = [
    Route("agency lookup", "get", lambda w: "/help/agencies/?q=orient", EVERYONE, public=True),
    Route("job offer form", "get", lambda w: "/help/job-offer/", EVERYONE, public=True),
    Route(
        "job offer check",
        "post",
        lambda w: "/help/job-offer/",
        EVERYONE,
        public=True,
        data=lambda w: {"who": "acquaintance", "passport": "yes"},
    ),
    Route("registry list", "get", lambda w: "/registry/", REGULATOR),
    Route("registry new agency page", "get", lambda w: "/registry/new/", REGULATOR),
    Route(
        "registry new agency",
        "post",
        lambda w: "/registry/new/",
        REGULATOR,
        ok=302,
        data=lambda w: NEW,
        lands=("/registry/",),
    ),
    Route(
        "registry agency page",
        "get",
        lambda w: f"/registry/{orient(w).uuid}/",
        REGULATOR,
        sees=A_REGULATOR,
    ),
    Route(
        "registry agency edit",
        "post",
        lambda w: f"/registry/{orient(w).uuid}/",
        REGULATOR,
        ok=302,
        sees=A_REGULATOR,
        data=_edit_data,
        lands=("/registry/",),
    ),
    Route(
        "registry import preview",
        "post",
        lambda w: "/registry/import/",
        REGULATOR,
        data=lambda w: {"file": _upload()},
    ),
    Route(
        "registry import confirm",
        "post",
        lambda w: "/registry/import/",
        REGULATOR,
        ok=302,
        data=lambda w: {"content": base64.b64encode(FILE).decode()},
        lands=("/registry/",),
    ),
]


def _upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("registry.csv", FILE, content_type="text/csv")


@each(ROUTES)
def test_access(world, route, principal):
    response = check(world, route, principal)
    if route.name == "registry list" and response.status_code == 200:
        assert b"Licensed agencies" in response.content
