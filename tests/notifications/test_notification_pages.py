"""The notifications page, the unread count in the page header, and the API list."""

from __future__ import annotations

import pytest

from opennrm.notifications.models import Notification
from tests.conftest import ROLES, World, sign_in
from tests.notifications.factories import latest_for, send


@pytest.fixture
def worker(world: World, client):
    return sign_in(client, world.a["case_worker"].user, world.a["case_worker"])


def test_header_shows_the_unread_count_and_the_page_lists_them(world: World, worker) -> None:
    html = worker.get("/").content.decode()
    assert 'href="/notifications/"' in html and 'class="badge"' not in html
    send(world.org_a, message="Referral R-2005-0001 from Crisis Centre A", url="/referrals/")
    send(world.org_a, kind="followup.due", message="A 3-month follow-up is due", url="/returns/")
    home = worker.get("/")
    assert home.context["unread_notifications"] == 2
    listed = worker.get("/notifications/")
    html = listed.content.decode()
    assert "Referral R-2005-0001 from Crisis Centre A" in html and 'href="/referrals/"' in html
    assert "A 3-month follow-up is due" in html
    assert html.count('class="unread"') == 2


def test_mark_one_read_by_htmx_then_all(world: World, worker) -> None:
    send(world.org_a)
    send(world.org_a)
    first = latest_for(world.a["case_worker"])
    response = worker.post(f"/notifications/{first.uuid}/read/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="notification-{first.uuid}"' in response.content.decode()
    assert "Mark read" not in response.content.decode()
    assert worker.get("/").context["unread_notifications"] == 1
    unread = worker.get("/notifications/?show=unread")
    assert len(unread.context["notifications"]) == 1
    response = worker.post("/notifications/read-all/")
    assert response.status_code == 302
    assert worker.get("/").context["unread_notifications"] == 0
    # The others' copies stay unread.
    # Two notifications to each member of A, of which the worker read both.
    assert Notification.objects.filter(read_at__isnull=True).count() == 2 * (len(ROLES) - 1)


def test_the_page_is_paginated(world: World, worker) -> None:
    for _ in range(27):
        send(world.org_a, permission="cases.update")
    first = worker.get("/notifications/")
    assert len(first.context["notifications"]) == 25 and first.context["has_next"]
    second = worker.get("/notifications/?page=2")
    assert len(second.context["notifications"]) == 2 and not second.context["has_next"]


def test_api_list_is_paginated_and_filters_unread(world: World, worker) -> None:
    for _ in range(3):
        send(world.org_a)
    one = latest_for(world.a["case_worker"])
    worker.post(f"/api/v1/notifications/{one.uuid}/read", content_type="application/json")
    page = worker.get("/api/v1/notifications?limit=2").json()
    assert len(page["items"]) == 2 and page["next_offset"] == 2
    assert set(page["items"][0]) == {"id", "kind", "message", "url", "created_at", "read_at"}
    unread = worker.get("/api/v1/notifications?unread=true").json()
    assert len(unread["items"]) == 2
    assert worker.post("/api/v1/notifications/read-all").json() == {"marked": 2}
    assert worker.get("/api/v1/notifications/unread-count").json() == {"unread": 0}
