"""The permission matrix of one's own password and sessions, role requests, the user account's
deactivation and the members API: anonymous, every role of two organizations, the platform admin.
"""

from __future__ import annotations

from django.test import Client

from opennrm.accounts.models import RoleGrant, UserSession
from opennrm.accounts.selectors import session_key_hash
from tests.conftest import PASSWORD, World, sign_in
from tests.support.matrix import EVERY_MEMBER, IN_A, PLATFORM, Route, check, each

MEMBER_VIEWERS = frozenset({"supervisor", "organization_admin"})
MEMBER_MANAGERS = frozenset({"organization_admin"})
SIGNED_IN = EVERY_MEMBER | PLATFORM
NEW_PASSWORD = "a-brand-new-password-42"


def _other_session_of_a_case_worker(world: World) -> str:
    member = world.a["case_worker"]
    elsewhere = sign_in(Client(), member.user, member)
    session = UserSession.objects.get(key_hash=session_key_hash(elsewhere.session.session_key))
    return f"/accounts/sessions/{session.uuid}/end/"


def _grant(world: World, *, requested_by: str) -> RoleGrant:
    """An open request in organization A for its data analyst to become supervisor."""
    return RoleGrant.objects.create(
        membership=world.a["data_analyst"],
        role="supervisor",
        requested_by=world.a[requested_by].user,
    )


def _decided_by_an_admin(world: World, decision: str, *, api: bool = False) -> str:
    grant = _grant(world, requested_by="supervisor")
    if api:
        return f"/api/v1/members/role-requests/{grant.uuid}/{decision}"
    return f"/members/role-requests/{grant.uuid}/{decision}/"


def _decided_by_the_platform(world: World, decision: str) -> str:
    # Asked by A's only admin: nobody else in A may decide, so the platform admin does.
    grant = _grant(world, requested_by="organization_admin")
    return f"/platform/role-requests/{grant.uuid}/{decision}/"


def _member(world: World, api: bool = False) -> str:
    uuid = world.a["case_worker"].uuid
    return f"/api/v1/members/{uuid}" if api else f"/members/{uuid}/"


ROUTES = [
    Route("password page", "get", lambda w: "/accounts/password/", SIGNED_IN),
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
    # Only the user's own other session can be ended: anyone else's is 404.
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
    Route(
        "member deactivate user",
        "post",
        lambda w: _member(w) + "deactivate-user/",
        MEMBER_MANAGERS,
        ok=302,
        sees=IN_A,
    ),
    Route("role requests", "get", lambda w: "/members/role-requests/", MEMBER_MANAGERS),
    Route(
        "role request approve",
        "post",
        lambda w: _decided_by_an_admin(w, "approve"),
        MEMBER_MANAGERS,
        ok=302,
        sees=IN_A,
        lands=("/members/role-requests/",),
    ),
    Route(
        "role request refuse",
        "post",
        lambda w: _decided_by_an_admin(w, "refuse"),
        MEMBER_MANAGERS,
        ok=302,
        sees=IN_A,
        lands=("/members/role-requests/",),
    ),
    Route("platform role requests", "get", lambda w: "/platform/role-requests/", PLATFORM),
    Route(
        "platform role request approve",
        "post",
        lambda w: _decided_by_the_platform(w, "approve"),
        PLATFORM,
        ok=302,
        lands=("/platform/role-requests/",),
    ),
    Route(
        "platform role request refuse",
        "post",
        lambda w: _decided_by_the_platform(w, "refuse"),
        PLATFORM,
        ok=302,
        lands=("/platform/role-requests/",),
    ),
    Route("api members", "get", lambda w: "/api/v1/members", MEMBER_VIEWERS),
    Route("api member", "get", lambda w: _member(w, api=True), MEMBER_VIEWERS, sees=IN_A),
    Route(
        "api member role",
        "post",
        lambda w: _member(w, api=True) + "/role",
        MEMBER_MANAGERS,
        sees=IN_A,
        data=lambda w: {"role": "data_analyst"},
    ),
    Route(
        "api member deactivate",
        "post",
        lambda w: _member(w, api=True) + "/deactivate",
        MEMBER_MANAGERS,
        sees=IN_A,
    ),
    Route(
        "api member deactivate user",
        "post",
        lambda w: _member(w, api=True) + "/deactivate-user",
        MEMBER_MANAGERS,
        sees=IN_A,
    ),
    Route(
        "api role requests",
        "get",
        lambda w: "/api/v1/members/role-requests",
        MEMBER_MANAGERS,
    ),
    Route(
        "api role request approve",
        "post",
        lambda w: _decided_by_an_admin(w, "approve", api=True),
        MEMBER_MANAGERS,
        sees=IN_A,
    ),
    Route(
        "api role request refuse",
        "post",
        lambda w: _decided_by_an_admin(w, "refuse", api=True),
        MEMBER_MANAGERS,
        sees=IN_A,
    ),
]


@each(ROUTES)
def test_access(world: World, route: Route, principal: str) -> None:
    check(world, route, principal)
