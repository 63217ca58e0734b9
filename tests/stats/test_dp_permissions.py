"""Every page of differentially private releases: anonymous, the platform admin and every role
of two organizations. The data analyst of each organization only (STATS_RELEASE), each seeing
their own organization's releases; another organization's release is not found."""

from __future__ import annotations

from opennrm.stats.models_dp import Release
from tests.conftest import World
from tests.stats.dp_factories import a_release
from tests.support.matrix import Route, check, each

ANALYST = frozenset({"data_analyst"})
A_ANALYST = frozenset({"a:data_analyst"})


def _release(world: World) -> str:
    return f"/stats/releases/{a_release(world, 'a').uuid}/"


def _new_release(world: World) -> dict:
    return {"tables": ["year_sex"], "epsilon": "0.5", "first_year": "2024", "last_year": "2026"}


ROUTES = [
    Route("releases", "get", lambda w: "/stats/releases/", ANALYST),
    Route(
        "release create",
        "post",
        lambda w: "/stats/releases/",
        ANALYST,
        ok=302,
        data=_new_release,
        lands=("/stats/releases/",),
    ),
    Route("release", "get", _release, ANALYST, sees=A_ANALYST),
]


@each(ROUTES)
def test_access(world, route, principal):
    check(world, route, principal)
    if route.name == "release create" and principal.endswith(":data_analyst"):
        organization = world.org_a if principal.startswith("a:") else world.org_b
        assert Release.objects.filter(budget__organization=organization).count() == 1
