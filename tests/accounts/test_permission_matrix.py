"""Every account page and endpoint: anonymous, every role of two organizations, the platform admin.

Refusals: anonymous pages redirect to sign-in (the API answers 401); a role without the permission
gets 403; an object of another organization (or another user's) is 404, as if it did not exist.
The rules, and that a refused write changes nothing, are checked by tests/support/matrix.py.
"""

from __future__ import annotations

from django.test import Client

from opennrm.accounts import services
from opennrm.accounts.models import RoleGrant, UserSession
from tests.conftest import PASSWORD, World, sign_in
from tests.support.matrix import EVERY_MEMBER, IN_A, PLATFORM, Route, check, each


def _token_of_a_case_worker(world: World) -> str:
    token, _raw = services.api_token_create(
        actor=world.actor(world.a["case_worker"]), name="sync", days=5
    )
    return f"/tokens/{token.uuid}/revoke/"


MEMBER_VIEWERS = frozenset({"supervisor", "organization_admin"})
MEMBER_MANAGERS = frozenset({"organization_admin"})


def _pending_grant(world: World) -> RoleGrant:
    """A's admin asks for A's data analyst to become a supervisor: a role reading identifying
    data, which waits for a second person (A has no other admin: the platform admin)."""

    def make() -> RoleGrant:
        services.membership_change_role(
            actor=world.actor(world.a["organization_admin"]),
            membership=world.a["data_analyst"],
            role="supervisor",
        )
        return RoleGrant.objects.get(membership=world.a["data_analyst"])

    return world.once("grant", make)


def _other_session_of_a_case_worker(world: World) -> str:
    """A second session of A's case worker (another device), to be ended from elsewhere."""
    member = world.a["case_worker"]
    sign_in(Client(), member.user, member)
    session = UserSession.objects.filter(user=member.user).latest("id")
    return f"/accounts/sessions/{session.uuid}/end/"


NEW_PASSWORD = "another-long-test-password-9"
# A's only admin asked for the grant, and may not decide their own request (403); a second
# admin's decision is in tests/accounts/test_role_grants.py.
NOBODY: frozenset[str] = frozenset()
SIGNED_IN = EVERY_MEMBER | PLATFORM


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
    Route(
        "member deactivate user",
        "post",
        lambda w: _member(w) + "deactivate-user/",
        MEMBER_MANAGERS,
        ok=302,
        sees=IN_A,
    ),
    Route(
        "role requests",
        "get",
        lambda w: (_pending_grant(w), "/members/role-requests/")[1],
        MEMBER_MANAGERS,
    ),
    Route(
        "role request approve",
        "post",
        lambda w: f"/members/role-requests/{_pending_grant(w).uuid}/approve/",
        MEMBER_MANAGERS,
        ok=302,
        sees=IN_A,
        needs=NOBODY,
    ),
    Route(
        "role request refuse",
        "post",
        lambda w: f"/members/role-requests/{_pending_grant(w).uuid}/refuse/",
        MEMBER_MANAGERS,
        ok=302,
        sees=IN_A,
        needs=NOBODY,
    ),
    Route(
        "platform role requests",
        "get",
        lambda w: (_pending_grant(w), "/platform/role-requests/")[1],
        PLATFORM,
    ),
    Route(
        "platform role request approve",
        "post",
        lambda w: f"/platform/role-requests/{_pending_grant(w).uuid}/approve/",
        PLATFORM,
        ok=302,
    ),
    Route(
        "platform role request refuse",
        "post",
        lambda w: f"/platform/role-requests/{_pending_grant(w).uuid}/refuse/",
        PLATFORM,
        ok=302,
    ),
    # One's own account: every signed-in user, the platform admin too.
    Route("password change form", "get", lambda w: "/accounts/password/", SIGNED_IN),
    Route(
        "password change",
        "post",
        lambda w: "/accounts/password/",
        SIGNED_IN,
        ok=302,
        data=lambda w: {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
        lands=("/accounts/sessions/",),
    ),
    Route("sessions", "get", lambda w: "/accounts/sessions/", SIGNED_IN),
    # Only one's own session can be ended: anyone else's is 404.
    Route(
        "session end",
        "post",
        _other_session_of_a_case_worker,
        SIGNED_IN,
        ok=302,
        owner="a:case_worker",
        lands=("/accounts/sessions/",),
    ),
    Route(
        "sessions end others",
        "post",
        lambda w: "/accounts/sessions/end-others/",
        SIGNED_IN,
        ok=302,
        lands=("/accounts/sessions/",),
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
        data=lambda w: {"time_zone": "Asia/Almaty", "version": w.org_a.version},
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
    Route("api members", "get", lambda w: "/api/v1/members", MEMBER_VIEWERS),
    Route(
        "api member",
        "get",
        lambda w: f"/api/v1/members/{w.a['case_worker'].uuid}",
        MEMBER_VIEWERS,
        sees=IN_A,
    ),
    Route(
        "api member role",
        "post",
        lambda w: f"/api/v1/members/{w.a['case_worker'].uuid}/role",
        MEMBER_VIEWERS,  # the member is looked up first (404 to B), then the right to manage
        sees=IN_A,
        needs=MEMBER_MANAGERS,
        data=lambda w: {"role": "supervisor"},
    ),
    Route(
        "api member deactivate",
        "post",
        lambda w: f"/api/v1/members/{w.a['case_worker'].uuid}/deactivate",
        MEMBER_VIEWERS,  # the member is looked up first (404 to B), then the right to manage
        sees=IN_A,
        needs=MEMBER_MANAGERS,
    ),
    Route(
        "api member deactivate user",
        "post",
        lambda w: f"/api/v1/members/{w.a['case_worker'].uuid}/deactivate-user",
        MEMBER_VIEWERS,  # the member is looked up first (404 to B), then the right to manage
        sees=IN_A,
        needs=MEMBER_MANAGERS,
    ),
    Route(
        "api role requests",
        "get",
        lambda w: (_pending_grant(w), "/api/v1/members/role-requests")[1],
        MEMBER_MANAGERS,
    ),
    Route(
        "api role request approve",
        "post",
        lambda w: f"/api/v1/members/role-requests/{_pending_grant(w).uuid}/approve",
        MEMBER_MANAGERS,
        sees=IN_A,
        needs=NOBODY,
    ),
    Route(
        "api role request refuse",
        "post",
        lambda w: f"/api/v1/members/role-requests/{_pending_grant(w).uuid}/refuse",
        MEMBER_MANAGERS,
        sees=IN_A,
        needs=NOBODY,
    ),
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
