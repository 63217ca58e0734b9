"""Every page and every API operation is in a permission matrix (tests/support/matrix.py).

The matrix tests register their routes as they are imported; this test imports every test module
that uses the harness, works out the URL pattern each registered route reaches (its URL resolved
against the URLconf) and compares them with every page pattern of the URLconf and every operation
of the API schema. A new page or operation fails here, named, until a matrix test lists it.
"""

from __future__ import annotations

import dataclasses
import importlib
import re
from collections.abc import Iterator
from pathlib import Path

from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from opennrm.api.api import api
from tests.conftest import World
from tests.support import matrix

TESTS = Path(__file__).resolve().parent

# Pages open to everyone by design, outside the permission model (signing in, the language),
# and where they are tested instead.
PUBLIC = {
    "/accounts/login/": "tests/accounts/test_sign_in.py",
    "/accounts/logout/": "tests/accounts/test_sign_in.py",
    "/accounts/two-factor/setup/": "tests/accounts/test_sign_in.py",
    "/accounts/two-factor/verify/": "tests/accounts/test_sign_in.py",
    "/accounts/password-reset/": "tests/accounts/test_sign_in.py",
    "/accounts/password-reset/sent/": "tests/accounts/test_sign_in.py",
    "/accounts/password-reset/<uidb64>/<token>/": "tests/accounts/test_sign_in.py",
    "/accounts/password-reset/complete/": "tests/accounts/test_sign_in.py",
    "/i18n/setlang/": "tests/browser/test_login_language.py (Django's own view)",
}
API = "/api/"
CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")  # Django's <uuid:case_id>, OpenAPI's {case_id}


def _page_patterns(patterns: list, prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _page_patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield "/" + prefix + str(pattern.pattern)


def pages() -> set[str]:
    """Every page pattern of the URLconf, as "/cases/<uuid:case_id>/"."""
    return {p for p in _page_patterns(get_resolver().url_patterns) if not p.startswith(API)}


def operations() -> set[str]:
    """Every API operation, as "POST /api/v1/cases/{case_id}/status"."""
    return {
        f"{method.upper()} {path}"
        for path, item in api.get_openapi_schema()["paths"].items()
        for method in item
    }


def import_matrix_tests() -> None:
    """Import every test module that declares a matrix, so that it registers its routes."""
    for path in sorted(TESTS.rglob("test_*.py")):
        if "tests.support.matrix" in path.read_text(encoding="utf-8"):
            relative = path.relative_to(TESTS.parent).with_suffix("")
            importlib.import_module(".".join(relative.parts))


def reached(world: World, route: matrix.Route) -> str:
    """The page pattern or API operation ``route``'s request reaches."""
    path = route.url(world).split("?")[0]
    match = resolve(path)
    pattern = "/" + match.route
    if not path.startswith(API):
        return pattern
    operation = CONVERTER.sub(r"{\1}", pattern)
    return f"{route.method.upper()} {operation}"


def covered(world: World) -> tuple[set[str], list[str]]:
    """What the registered routes reach, and the routes whose URL reaches nothing."""
    import_matrix_tests()
    found: set[str] = set()
    stale: list[str] = []
    for module, routes in sorted(matrix.REGISTRY.items()):
        for route in routes:
            # As in its own test: a fresh memo (Diana's case...), and what it made rolled back.
            with transaction.atomic():
                try:
                    found.add(reached(dataclasses.replace(world, made={}), route))
                except Resolver404:
                    stale.append(f"{module}: {route.name!r} ({route.method.upper()})")
                transaction.set_rollback(True)
    return found, stale


def test_every_page_and_api_operation_is_in_a_permission_matrix(world: World) -> None:
    found, stale = covered(world)
    missing_pages = sorted(pages() - found - PUBLIC.keys())
    missing_operations = sorted(operations() - found)
    assert not (missing_pages or missing_operations), (
        "Routes with no permission-matrix entry (add a Route for each to the matrix test of "
        "its app, see tests/support/matrix.py):\n  "
        + "\n  ".join([*missing_pages, *missing_operations])
    )
    assert not stale, "Matrix routes that reach no page or operation:\n  " + "\n  ".join(stale)


def test_the_coverage_check_sees_every_kind_of_route(world: World) -> None:
    """It knows the case pages, the account pages and every router of the API."""
    found, _stale = covered(world)
    assert "/cases/<uuid:case_id>/person/save/" in pages() & found
    assert "/members/<uuid:membership_id>/role/" in pages() & found
    assert "/accounts/switch/" in pages() & found
    routers = {op.split()[1].split("/")[3] for op in operations()}
    assert routers >= {"cases", "signals", "screenings", "referrals", "directory", "returns"}
    assert {op.split()[1].split("/")[3] for op in found if " /api/" in op} == routers
    assert not PUBLIC.keys() & found  # a public page needs no exemption once in a matrix
