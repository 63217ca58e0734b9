"""Every page and endpoint of the duplicate check: anonymous, the platform admin and every role
of two organizations (tests/support/matrix.py).

The check is for those who open cases (``persons.match``). Hints and requests are for case
workers and supervisors (``matching.hints``, ``matching.requests``). A hint is its asker's own:
anyone else gets 404. A request is answered by the organization it was sent to: the asking side
gets 404.
"""

from __future__ import annotations

from tests.support.matrix import Route, check, each

from .factories import hint_for_a, request_from_a

MATCH = frozenset({"hotline_operator", "case_worker", "supervisor"})
HINTS = frozenset({"case_worker", "supervisor"})
B_ANSWERS = frozenset({"b:case_worker", "b:supervisor"})


def hint_url(suffix: str):
    return lambda w: f"{suffix}".replace("HINT", str(hint_for_a(w).uuid))


def request_url(suffix: str):
    return lambda w: f"{suffix}".replace("REQUEST", str(request_from_a(w).uuid))


def requests_page(world) -> str:
    request_from_a(world)
    return "/linkage/requests/"


def person(world) -> dict:
    hint_for_a(world)
    return {"family_name": "Yusupova"}


ROUTES = [
    Route("check", "post", lambda w: "/linkage/check/", MATCH, data=person),
    Route(
        "hint ask page", "get", hint_url("/linkage/hints/HINT/ask/"), HINTS, owner="a:case_worker"
    ),
    Route(
        "hint ask",
        "post",
        hint_url("/linkage/hints/HINT/ask/"),
        HINTS,
        owner="a:case_worker",
        ok=302,
        data=lambda w: {"message": "Please call"},
        lands=("/linkage/requests/",),
    ),
    Route("requests", "get", requests_page, HINTS),
    Route(
        "request answer",
        "post",
        request_url("/linkage/requests/REQUEST/answer/"),
        HINTS,
        sees=B_ANSWERS,
        ok=302,
        data=lambda w: {"answer": "decline"},
        lands=("/linkage/requests/",),
    ),
    Route("api matches", "post", lambda w: "/api/v1/persons/matches", MATCH, data=person),
    Route(
        "api hint ask",
        "post",
        hint_url("/api/v1/linkage/hints/HINT/ask"),
        HINTS,
        owner="a:case_worker",
        ok=201,
        data=lambda w: {"message": ""},
    ),
    Route("api requests", "get", lambda w: "/api/v1/linkage/requests", HINTS),
    Route(
        "api request answer",
        "post",
        request_url("/api/v1/linkage/requests/REQUEST/answer"),
        HINTS,
        sees=B_ANSWERS,
        data=lambda w: {"answer": "accept"},
    ),
]


@each(ROUTES)
def test_access(world, route, principal):
    response = check(world, route, principal)
    if route.name in ("check", "api matches") and response.status_code == 200:
        body = response.content.decode()
        # Only those who may see hints across organizations learn of B's record.
        role = principal.rpartition(":")[2]
        marker = "Hotline B" if route.name == "api matches" else "exists at Hotline B"
        if principal.startswith("a:") and role in HINTS:
            assert marker in body
        else:
            assert marker not in body
