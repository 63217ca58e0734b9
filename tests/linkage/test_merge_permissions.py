"""Every merge page and endpoint: anonymous, the platform admin and every role of two
organizations. Merging is for supervisors (``persons.merge``) on cases of their organization:
Hotline B's supervisor gets 404 for Crisis Centre A's cases and merges, and a typed number of A's
case is "no case of that number" to her. The rules, problem+json, and that a refusal changes
nothing: tests/support/matrix.py.
"""

from __future__ import annotations

from opennrm.linkage.merge import person_merge
from opennrm.linkage.models_merge import PersonMerge
from tests.conftest import World
from tests.linkage.merge_factories import first_case, second_case, supervisor
from tests.support.matrix import IN_A, Route, check, each

MERGING = frozenset({"supervisor"})


def pair(world: World) -> str:
    return f"a={first_case(world).uuid}&b={second_case(world).uuid}"


def merge_of_a(world: World) -> PersonMerge:
    def make() -> PersonMerge:
        keep, absorb = first_case(world), second_case(world)
        return person_merge(
            actor=supervisor(world),
            keep=keep,
            absorb=absorb,
            keep_version=keep.person.version,
            absorb_version=absorb.person.version,
        )

    return world.once("merge", make)


def confirm(world: World) -> dict:
    return {
        "step": "confirm",
        "keep_version": first_case(world).person.version,
        "absorb_version": second_case(world).person.version,
        "given_name": "absorb",
        "family_name": "keep",
        "patronymic": "keep",
        "names": "both",
        "birth": "absorb",
        "gender": "keep",
        "citizenship": "keep",
        "languages": "both",
        "documents": "both",
        "phones": "both",
        "address": "absorb",
        "marital_status": "absorb",
        "education": "keep",
        "number_of_children": "keep",
    }


PAGES = [
    Route("merge find", "get", lambda w: "/linkage/merge/", MERGING),
    Route(
        "merge find post",
        "post",
        lambda w: "/linkage/merge/",
        MERGING,
        ok=302,
        sees=IN_A,
        hidden=200,  # "no case of that number": B's supervisor cannot tell A's cases exist
        data=lambda w: {
            "step": "find",
            "keep_number": first_case(w).number,
            "absorb_number": second_case(w).number,
        },
        lands=("/linkage/merge/?",),
    ),
    Route("merge compare", "get", lambda w: f"/linkage/merge/?{pair(w)}", MERGING, sees=IN_A),
    Route(
        "merge review",
        "post",
        lambda w: f"/linkage/merge/?{pair(w)}",
        MERGING,
        sees=IN_A,
        data=lambda w: {**confirm(w), "step": "review"},
    ),
    Route(
        "merge confirm",
        "post",
        lambda w: f"/linkage/merge/?{pair(w)}",
        MERGING,
        ok=302,
        sees=IN_A,
        data=confirm,
        lands=("/linkage/merges/",),
    ),
    Route("merge list", "get", lambda w: (merge_of_a(w), "/linkage/merges/")[1], MERGING),
    Route(
        "merge detail",
        "get",
        lambda w: f"/linkage/merges/{merge_of_a(w).uuid}/",
        MERGING,
        sees=IN_A,
    ),
    Route(
        "merge undo page",
        "get",
        lambda w: f"/linkage/merges/{merge_of_a(w).uuid}/undo/",
        MERGING,
        sees=IN_A,
    ),
    Route(
        "merge undo",
        "post",
        lambda w: f"/linkage/merges/{merge_of_a(w).uuid}/undo/",
        MERGING,
        ok=302,
        sees=IN_A,
        lands=("/linkage/merges/",),
    ),
]
ENDPOINTS = [
    Route("api merge list", "get", lambda w: (merge_of_a(w), "/api/v1/linkage/merges")[1], MERGING),
    Route(
        "api merge create",
        "post",
        lambda w: "/api/v1/linkage/merges",
        MERGING,
        ok=201,
        sees=IN_A,
        data=lambda w: {
            "keep": str(first_case(w).uuid),
            "absorb": str(second_case(w).uuid),
            "keep_version": first_case(w).person.version,
            "absorb_version": second_case(w).person.version,
            "choices": {"given_name": "absorb", "phones": "both"},
        },
    ),
    Route(
        "api merge undo",
        "post",
        lambda w: f"/api/v1/linkage/merges/{merge_of_a(w).uuid}/undo",
        MERGING,
        sees=IN_A,
    ),
]


@each(PAGES + ENDPOINTS)
def test_access(world: World, route: Route, principal: str) -> None:
    response = check(world, route, principal)
    text = response.content.decode()
    outside = principal.startswith("b:") or principal in ("anonymous", "platform")
    if outside and route.name != "merge find post":  # that form shows back what she typed
        # Nothing of A's persons or cases reaches anyone outside A.
        for value in ("Dilnoza", "Каримова", first_case(world).number, "KZ778899"):
            assert value not in text
    if response.status_code == 200 and route.name == "api merge list":
        assert len(response.json()["items"]) == (1 if principal.startswith("a:") else 0)
    if response.status_code == 200 and route.name == "merge list":
        assert (first_case(world).number in text) == principal.startswith("a:")
