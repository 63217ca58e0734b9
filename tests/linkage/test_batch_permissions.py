"""Every page of the batch duplicate search: anonymous, the platform admin and every role of two
organizations. Within the organization: supervisors only, each of their own runs. National: the
data analyst of the national coordinator only (organization A is made the coordinator); every
other member gets the page-not-found answer, as for a page that does not exist."""

from __future__ import annotations

from opennrm.linkage.models_batch import LinkageScope
from tests.conftest import World
from tests.linkage.batch_factories import finished_run, make_coordinator
from tests.support.matrix import EVERY_MEMBER, Route, check, each

SUPERVISOR = frozenset({"supervisor"})
A_SUPERVISOR = frozenset({"a:supervisor"})
A_ANALYST = frozenset({"a:data_analyst"})


def _a_run(world: World):
    return finished_run(world.org_a)


def _national_run(world: World):
    make_coordinator(world.org_a)
    return finished_run(world.org_a, LinkageScope.NATIONAL)


def _national(suffix: str = ""):
    def url(world: World) -> str:
        make_coordinator(world.org_a)
        return f"/linkage/national/{suffix}"

    return url


ROUTES = [
    Route("runs", "get", lambda w: "/linkage/runs/", SUPERVISOR),
    Route(
        "run start",
        "post",
        lambda w: "/linkage/runs/start/",
        SUPERVISOR,
        ok=302,
        lands=("/linkage/runs/",),
    ),
    Route(
        "run", "get", lambda w: f"/linkage/runs/{_a_run(w).uuid}/", SUPERVISOR, sees=A_SUPERVISOR
    ),
    Route(
        "run progress",
        "get",
        lambda w: f"/linkage/runs/{_a_run(w).uuid}/progress/",
        SUPERVISOR,
        sees=A_SUPERVISOR,
    ),
    Route("national", "get", _national(), EVERY_MEMBER, sees=A_ANALYST),
    Route(
        "national start",
        "post",
        _national("start/"),
        EVERY_MEMBER,
        sees=A_ANALYST,
        ok=302,
        lands=("/linkage/national/",),
    ),
    Route(
        "national run",
        "get",
        lambda w: f"/linkage/national/{_national_run(w).uuid}/",
        EVERY_MEMBER,
        sees=A_ANALYST,
    ),
    Route(
        "national progress",
        "get",
        lambda w: f"/linkage/national/{_national_run(w).uuid}/progress/",
        EVERY_MEMBER,
        sees=A_ANALYST,
    ),
]


@each(ROUTES)
def test_access(world, route, principal):
    check(world, route, principal)


def test_a_coordinator_analyst_of_another_org_is_not_the_coordinator(world, signed_in):
    """B's analyst holds LINKAGE_NATIONAL too, but B is not the coordinator: not found."""
    make_coordinator(world.org_a)
    client = signed_in(world.b["data_analyst"].user, world.b["data_analyst"])
    assert client.get("/linkage/national/").status_code == 404
    assert client.post("/linkage/national/start/").status_code == 404
