"""The permission matrix: every route as anonymous, the platform admin and every role of two
organizations, with one set of rules for what a refusal looks like.

A matrix test declares its routes and lets ``each`` parametrize it::

    ROUTES = [Route("case page", "get", lambda w: f"/cases/{diana(w).uuid}/", CASE_ROLES,
                    sees=SEES_DIANA), ...]

    @each(ROUTES)
    def test_access(world, route, principal):
        response = check(world, route, principal)
        ...  # what else this file's routes must show, or hide, to whom

``check`` sends the request and asserts the expected status; for a page refused to an anonymous
visitor, the redirect to sign-in; for an API refusal, ``application/problem+json``; and for any
refused request, a write above all, that no table changed (a digest of every table, bar the
session bookkeeping and the record of the refusal itself).

Every route declared through ``each`` is registered in ``REGISTRY``; tests/test_route_coverage.py
compares the routes they reach with the URLconf and the API schema.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.http import HttpResponse
from django.test import Client

from opennrm.accounts.models import Role
from tests.conftest import World, sign_in

ROLE_KEYS = [r.value for r in Role]
PRINCIPALS = ["anonymous", "platform"] + [f"{o}:{r}" for o in "ab" for r in ROLE_KEYS]
EVERY_MEMBER = frozenset(ROLE_KEYS)
PLATFORM = frozenset({"platform"})
# Every member of organization A: for an object of A that B's members must not find.
IN_A = frozenset(f"a:{r}" for r in ROLE_KEYS)

PROBLEM = "application/problem+json"
SIGN_IN = "/accounts/login/"

Url = Callable[[World], str]
Data = Callable[[World], dict[str, Any]]


@dataclass(frozen=True)
class Route:
    """One request, and who may make it.

    The answer for a principal, in this order: anonymous → 302 to sign-in (pages) or 401 (API);
    a role (or "platform") not in ``allowed`` → 403; ``owner`` set and not the owner → 404;
    ``sees`` set and the principal not in it → ``hidden`` (404, or 422 where the object is named
    in the body); ``needs`` set and the role not in it → 403; else ``ok``.
    """

    name: str
    method: str  # "get", "post", "patch"
    url: Url
    allowed: frozenset[str]  # role names, and "platform", the route's permission admits
    ok: int = 200
    sees: frozenset[str] | None = None  # principals ("a:case_worker") who see the object
    needs: frozenset[str] | None = None  # roles the action further needs, among those who see
    owner: str | None = None  # the object is this principal's own: everyone else gets 404
    hidden: int = 404
    data: Data | None = None
    multipart: bool = False  # an API upload: the data goes as a form, not JSON
    lands: tuple[str, ...] = ()  # where a page's successful redirect may lead
    public: bool = False  # the public portal: anonymous visitors are answered like anyone

    def expected(self, principal: str, *, api: bool) -> int:
        if self.public:
            return self.ok
        if principal == "anonymous":
            return 401 if api else 302
        role = principal.rpartition(":")[2]
        if role not in self.allowed:
            return 403
        if self.owner is not None and principal != self.owner:
            return 404
        if self.sees is not None and principal not in self.sees:
            return self.hidden
        if self.needs is not None and role not in self.needs:
            return 403
        return self.ok


# The routes of every matrix test, by the test's module: tests/test_route_coverage.py reads them.
REGISTRY: dict[str, list[Route]] = {}


def each(routes: Iterable[Route], principals: Iterable[str] = PRINCIPALS) -> Any:
    """Parametrize a test over ``routes`` × ``principals`` (as ``route``, ``principal``), and
    register the routes for the coverage check."""
    routes = list(routes)
    names = [r.name for r in routes]
    duplicates = {n for n in names if names.count(n) > 1}
    assert not duplicates, f"route names must be unique in a matrix: {sorted(duplicates)}"
    by_route = pytest.mark.parametrize("route", routes, ids=names)
    by_principal = pytest.mark.parametrize("principal", list(principals))

    def decorate(test: Callable[..., Any]) -> Any:
        REGISTRY.setdefault(test.__module__, []).extend(routes)
        return by_route(by_principal(test))

    return decorate


def client_for(world: World, principal: str) -> Client:
    """A client signed in (two-factor verified) as ``principal``: "anonymous", "platform" or
    "<a|b>:<role>"."""
    if principal == "anonymous":
        return Client()
    if principal == "platform":
        return sign_in(Client(), world.platform_admin)
    org, role = principal.split(":")
    membership = getattr(world, org)[role]
    return sign_in(Client(), membership.user, membership)


def is_api(url: str) -> bool:
    return url.startswith("/api/")


def send(
    client: Client, method: str, url: str, data: dict[str, Any] | None, *, multipart: bool = False
) -> HttpResponse:
    """A page gets its data as a form (or query); the API as JSON (``{}`` for a bodiless
    write), an upload as multipart."""
    call = getattr(client, method)
    if not is_api(url) or multipart or method == "get":
        return call(url, data=data)
    return call(url, data=json.dumps(data or {}), content_type="application/json")


# --- What a refused request must leave as it was.

# Written by any signed-in request, refused or not: the session and its bookkeeping.
_VOLATILE = {"sessions.Session", "accounts.UserSession", "otp_totp.TOTPDevice"}
_VOLATILE_PREFIXES = ("axes.",)
# The record of the refusal itself (opennrm/audit/denials.py) is the one row a refusal adds.
_AUDIT = "audit.AuditEvent"
# Reference data loaded by migrations (hundreds of rows): counted, not read row by row.
_REFERENCE = {
    "screening.Indicator",
    "screening.Questionnaire",
    "auth.Permission",
    "contenttypes.ContentType",
}
_DENIAL = "access.denied"


def snapshot() -> dict[str, tuple[int, str]]:
    """Every table's row count and a digest of its rows, as stored."""
    tables: dict[str, tuple[int, str]] = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in apps.get_models():
            label = model._meta.label
            if label in _VOLATILE or label.startswith(_VOLATILE_PREFIXES):
                continue
            key = model._meta.pk
            table, pk = quote(model._meta.db_table), quote(key.column or key.attname)
            if label in _REFERENCE:
                cursor.execute(f"SELECT COUNT(*), MAX({pk}) FROM {table}")  # noqa: S608
                count, last = cursor.fetchone()
                tables[label] = (count, repr(last))
                continue
            sql = f"SELECT * FROM {table}"  # noqa: S608 (model metadata)
            params: list[str] = []
            if label == _AUDIT:
                sql += f" WHERE {quote('action')} <> %s"
                params.append(_DENIAL)
            cursor.execute(f"{sql} ORDER BY {pk}", params)
            rows = cursor.fetchall()
            tables[label] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return tables


def changed(before: dict[str, tuple[int, str]], after: dict[str, tuple[int, str]]) -> list[str]:
    return [
        f"{label} ({before[label][0]} → {after[label][0]} rows)"
        for label in before
        if before[label] != after.get(label)
    ]


# --- The check.


def check(world: World, route: Route, principal: str) -> HttpResponse:
    """Make ``route``'s request as ``principal`` and assert what every matrix asserts."""
    url = route.url(world)
    data = route.data(world) if route.data else None
    client = client_for(world, principal)
    api = is_api(url)
    expected = route.expected(principal, api=api)
    refused = expected != route.ok or (principal == "anonymous" and not route.public)
    before = snapshot() if refused else None
    response = send(client, route.method, url, data, multipart=route.multipart)
    said = f"{route.name} ({route.method.upper()} {url}) as {principal}"
    assert response.status_code == expected, (
        f"{said}: {response.status_code}, expected {expected}: {response.content[:300]!r}"
    )
    if api and expected >= 400:
        assert response["Content-Type"] == PROBLEM, f"{said}: not problem+json"
    if not api and principal == "anonymous" and not route.public:
        assert response["Location"].startswith(SIGN_IN), f"{said}: not sent to sign in"
    if before is not None:
        moved = changed(before, snapshot())
        assert not moved, f"{said} was refused ({expected}) but changed {', '.join(moved)}"
    if not api and expected == 302 and principal != "anonymous" and route.lands:
        assert response["Location"].startswith(route.lands), (
            f"{said}: lands on {response['Location']}"
        )
    return response
