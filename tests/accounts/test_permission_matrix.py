"""Every account page and endpoint: anonymous, every role of two organizations, the platform admin.

Refusals: anonymous pages redirect to sign-in (the API answers 401); a role without the permission
gets 403; an object of another organization (or another user's) is 404, as if it did not exist.
The rules, and that a refused write changes nothing, are checked by tests/support/matrix.py.
"""

from __future__ import annotations

from opennrm.accounts import services
from tests.conftest import World
from tests.support.matrix import EVERY_MEMBER, IN_A, PLATFORM, Route, check, each


def _token_of_a_case_worker(world: World) -> str:
    token, _raw = services.api_token_create(
        actor=world.actor(world.a["case_worker"]), name="sync", days=5
    )
    return f"/tokens/{token.uuid}/revoke/"


MEMBER_VIEWERS = frozenset({"supervisor", "organization_admin"})
MEMBER_MANAGERS = frozenset({"organization_admin"})


def _member(world: World) -> str:
    return f"/members/{world.a['case_worker'].uuid}/"


ENDPOINTS = [
    Route("home", "get", lambda w: "/", EVERY_MEMBER | PLATFORM),
    Route("members", "get", lambda w: "/members/", MEMBER_VIEWERS),
    Route(
        "member add",
        "post",
        lambda w: "/members/",
        MEMBER_MANAGERS,
        ok=302,
        data=lambda w: {
            "email": "new@example.org",
            "full_name": "New Person",
            "role": "case_worker",
        },
    ),
    Route("member detail", "get", _member, MEMBER_VIEWERS, sees=IN_A),
    Route(
        "member role",
        "post",
        lambda w: _member(w) + "role/",
        MEMBER_MANAGERS,
        ok=302,
        sees=IN_A,
        data=lambda w: {"role": "supervisor"},
    ),
    Route(
        "member deactivate",
        "post",
        lambda w: _member(w) + "deactivate/",
        MEMBER_MANAGERS,
        ok=302,
        sees=IN_A,
    ),
    Route("refused access", "get", lambda w: "/access-denials/", MEMBER_MANAGERS),
    Route("tokens", "get", lambda w: "/tokens/", EVERY_MEMBER),
    Route(
        "token create",
        "post",
        lambda w: "/tokens/",
        EVERY_MEMBER,
        data=lambda w: {"name": "laptop", "days": 10},
    ),
    # Only the owner may revoke a token; everyone else who manages tokens gets 404.
    Route(
        "token revoke",
        "post",
        _token_of_a_case_worker,
        EVERY_MEMBER,
        ok=302,
        owner="a:case_worker",
    ),
    # Only one's own membership can be switched to: anyone else's is 404, as if it did not exist.
    Route(
        "switch organization",
        "post",
        lambda w: "/accounts/switch/",
        EVERY_MEMBER,
        ok=302,
        owner="a:case_worker",
        data=lambda w: {"membership": str(w.a["case_worker"].uuid)},
        lands=("/",),
    ),
    # An organization admin's settings of their own organization (each admin their own).
    Route("organization settings", "get", lambda w: "/organization/", MEMBER_MANAGERS),
    Route(
        "organization settings save",
        "post",
        lambda w: "/organization/",
        MEMBER_MANAGERS,
        ok=302,
        data=lambda w: {
            "time_zone": "Asia/Almaty",
            "identification_by": "organization",
            "reasonable_grounds_days": 5,
            "reflection_days": 30,
            "version": w.org_a.version,
        },
        lands=("/organization/",),
    ),
    Route(
        "api organization settings",
        "get",
        lambda w: "/api/v1/organization/settings",
        MEMBER_MANAGERS,
    ),
    Route(
        "api organization settings patch",
        "patch",
        lambda w: "/api/v1/organization/settings",
        MEMBER_MANAGERS,
        data=lambda w: {"version": w.org_a.version, "time_zone": "Asia/Tashkent"},
    ),
    Route("organizations", "get", lambda w: "/platform/organizations/", PLATFORM),
    Route(
        "organization create",
        "post",
        lambda w: "/platform/organizations/",
        PLATFORM,
        ok=302,
        data=lambda w: {"name": "Shelter C", "org_type": "NGO", "country": "KG", "city": "Osh"},
    ),
    Route(
        "organization edit",
        "get",
        lambda w: f"/platform/organizations/{w.org_a.uuid}/",
        PLATFORM,
    ),
    Route(
        "organization save",
        "post",
        lambda w: f"/platform/organizations/{w.org_a.uuid}/",
        PLATFORM,
        ok=302,
        data=lambda w: {
            "name": "Crisis Centre A2",
            "org_type": "NGO",
            "country": "KZ",
            "version": w.org_a.version,
        },
    ),
    Route("api me", "get", lambda w: "/api/v1/me", EVERY_MEMBER | PLATFORM),
    Route("api organizations", "get", lambda w: "/api/v1/organizations", PLATFORM),
    Route(
        "api organization create",
        "post",
        lambda w: "/api/v1/organizations",
        PLATFORM,
        ok=201,
        data=lambda w: {"name": "Shelter C", "org_type": "NGO", "country": "KG"},
    ),
    Route(
        "api organization get",
        "get",
        lambda w: f"/api/v1/organizations/{w.org_a.uuid}",
        PLATFORM,
    ),
    Route(
        "api organization patch",
        "patch",
        lambda w: f"/api/v1/organizations/{w.org_a.uuid}",
        PLATFORM,
        data=lambda w: {"version": w.org_a.version, "city": "Astana"},
    ),
]


@each(ENDPOINTS)
def test_access(world: World, route: Route, principal: str) -> None:
    check(world, route, principal)
