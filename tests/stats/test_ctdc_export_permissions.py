"""The pages of the CTDC microdata export: anonymous, the platform admin and every role of two
organizations. The data analyst of each organization exports that organization's own cases."""

from __future__ import annotations

from tests.support.matrix import Route, check, each

ANALYST = frozenset({"data_analyst"})

ROUTES = [
    Route("ctdc export report", "get", lambda w: "/stats/ctdc/", ANALYST),
    Route("ctdc export download", "get", lambda w: "/stats/ctdc/export.csv", ANALYST),
]


@each(ROUTES)
def test_access(world, route, principal):
    response = check(world, route, principal)
    if response.status_code == 200 and route.name == "ctdc export download":
        assert response.content.decode().startswith("yearOfRegistration;Datasource;gender;")
