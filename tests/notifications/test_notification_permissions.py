"""Every notifications page and endpoint: anonymous, every role of two organizations, the
platform admin. Every member has a notifications page; a notification is its recipient's alone:
anyone else (the same organization or the other one) gets 404 for it. The rules, problem+json,
and that a refusal changes nothing: tests/support/matrix.py.
"""

from __future__ import annotations

from tests.conftest import World
from tests.notifications.factories import latest_for, send
from tests.support.matrix import EVERY_MEMBER, Route, check, each

SECRET = "Referral R-2005-0001 from Crisis Centre A"


def of_a_case_worker(world: World):
    def make():
        send(world.org_a, message=SECRET)
        return latest_for(world.a["case_worker"])

    return world.once("notification", make)


def page(suffix: str = ""):
    def url(world: World) -> str:
        of_a_case_worker(world)
        return f"/notifications/{suffix}"

    return url


def api(suffix: str = ""):
    def url(world: World) -> str:
        of_a_case_worker(world)
        return f"/api/v1/notifications{suffix}"

    return url


PAGES = [
    Route("list", "get", page(), EVERY_MEMBER),
    Route("list unread", "get", page("?show=unread"), EVERY_MEMBER),
    Route("read all", "post", page("read-all/"), EVERY_MEMBER, ok=302),
    Route(
        "read",
        "post",
        lambda w: f"/notifications/{of_a_case_worker(w).uuid}/read/",
        EVERY_MEMBER,
        ok=302,
        owner="a:case_worker",
    ),
]
ENDPOINTS = [
    Route("api list", "get", api(), EVERY_MEMBER),
    Route("api unread count", "get", api("/unread-count"), EVERY_MEMBER),
    Route("api read all", "post", api("/read-all"), EVERY_MEMBER),
    Route(
        "api read",
        "post",
        lambda w: f"/api/v1/notifications/{of_a_case_worker(w).uuid}/read",
        EVERY_MEMBER,
        owner="a:case_worker",
    ),
]


@each(PAGES + ENDPOINTS)
def test_access(world: World, route: Route, principal: str) -> None:
    response = check(world, route, principal)
    notification = of_a_case_worker(world)
    notification.refresh_from_db()
    if route.name.endswith(("read", "read all")) and principal != "a:case_worker":
        assert notification.read_at is None  # nobody else marks it read
    ok = response.status_code == 200
    if ok and route.name in ("list", "api list"):
        text = response.content.decode()
        # Each member sees their own copy: never another user's notification.
        assert str(notification.uuid) not in text or principal == "a:case_worker"
        assert (SECRET in text) == principal.startswith("a:")
    if ok and route.name == "api list":
        assert len(response.json()["items"]) == (1 if principal.startswith("a:") else 0)
    if ok and route.name == "api unread count":
        assert response.json()["unread"] == (1 if principal.startswith("a:") else 0)
