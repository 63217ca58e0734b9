"""The hotline works in local time: "received at" is pre-filled, read and shown on the
organization's clock, a naive API time is the organization's, and "today" is its date."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from django.test import Client

from opennrm.accounts.models import Role
from opennrm.accounts.services import api_token_create
from opennrm.hotline.models import Signal
from opennrm.hotline.selectors import signal_stats
from tests.conftest import World
from tests.hotline.factories import record
from tests.hotline.test_signal_pages import quick_call
from tests.support.clock import ALMATY_1AM, ISTANBUL_2330, at, istanbul_member

# Hotline B is in Tashkent, UTC+5 like Almaty: at ALMATY_1AM it is 01:00 on 10 March there.
B_TODAY = date(2026, 3, 10)
SIGNALS = "/api/v1/signals"


def _operator(world: World, signed_in) -> Client:
    member = world.b["hotline_operator"]
    return signed_in(member.user, member)


def _post(client: Client, body: dict, **extra: str):
    return client.post(SIGNALS, data=json.dumps(body), content_type="application/json", **extra)


def test_received_at_is_prefilled_and_read_in_local_time(world, signed_in):
    with at(ALMATY_1AM):
        client = _operator(world, signed_in)
        form = client.get("/hotline/new/").content.decode()
        assert 'value="2026-03-10T01:00"' in form  # not UTC's 2026-03-09T20:00
        # The operator logs a call taken a quarter of an hour ago, by the wall clock.
        response = client.post("/hotline/new/", quick_call(received_at="2026-03-10T00:45"))
        assert response.status_code == 302, response.content.decode()
        signal = Signal.objects.get()
        assert signal.received_at == datetime(2026, 3, 9, 19, 45, tzinfo=UTC)
        # Shown back on the organization's clock, on the signal page and in the queue.
        page = client.get(response["Location"]).content.decode()
        assert "Contact of 2026-03-10 00:45" in page
        queue = client.get("/hotline/").content.decode()
        assert '2026-03-10</span> <span class="nowrap">00:45' in queue
        edit = client.get(response["Location"]).content.decode()
        assert 'value="2026-03-10T00:45"' in edit

        refused = client.post("/hotline/new/", quick_call(received_at="2026-03-10T01:30"))
    assert refused.status_code == 200
    assert "This is in the future." in refused.content.decode()
    assert Signal.objects.count() == 1


def test_the_api_reads_a_naive_time_as_the_organizations_and_answers_with_an_offset(
    world, signed_in
):
    member = world.b["hotline_operator"]
    call = {"caller_type": "family", "reason": "missing_person"}
    with at(ALMATY_1AM):
        client = _operator(world, signed_in)
        naive = _post(client, {**call, "received_at": "2026-03-10T00:45"})
        assert naive.status_code == 201, naive.content
        assert naive.json()["received_at"] == "2026-03-09T19:45:00Z"
        offset = _post(client, {**call, "received_at": "2026-03-10T00:45+07:00"})
        assert offset.json()["received_at"] == "2026-03-09T17:45:00Z"
        future = _post(client, {**call, "received_at": "2026-03-10T01:30"})
        assert future.status_code == 422
        assert [e["field"] for e in future.json()["errors"]] == ["received_at"]
        # A bearer token's request runs in its organization's zone as well.
        _token, raw = api_token_create(actor=world.actor(member), name="sync", days=5)
        by_token = _post(
            Client(),
            {**call, "received_at": "2026-03-10T00:50"},
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )
        assert by_token.status_code == 201, by_token.content
        assert by_token.json()["received_at"] == "2026-03-09T19:50:00Z"
    assert Signal.objects.count() == 3


def test_a_follow_up_is_due_and_done_on_the_organizations_today(world, signed_in):
    member = world.b["hotline_operator"]
    with at(ALMATY_1AM):
        client = _operator(world, signed_in)
        signal = record(member, outcome="referred", follow_up_on=B_TODAY)
        queue = client.get("/hotline/").context["queue"]
        assert queue.today == B_TODAY
        assert queue.follow_ups_due == [signal]
        response = client.post(f"/hotline/{signal.uuid}/followed-up/", {"version": 1})
        assert response.status_code == 302
        signal.refresh_from_db()
        assert signal.followed_up_on == B_TODAY


def test_the_figures_count_a_call_at_0045_on_the_local_day(world):
    member = world.b["hotline_operator"]
    with at(ALMATY_1AM):
        record(member, received_at=datetime(2026, 3, 9, 19, 45, tzinfo=UTC))
        stats = signal_stats(actor=world.actor(world.b["supervisor"]))
    assert stats.today == B_TODAY
    assert [day.start for day in stats.days if day.total] == [B_TODAY]


def test_at_2330_in_istanbul_the_hotline_is_on_istanbuls_clock(world, signed_in):
    member = istanbul_member(world, Role.HOTLINE_OPERATOR)
    with at(ISTANBUL_2330):
        client = signed_in(member.user, member)
        assert 'value="2026-03-10T23:30"' in client.get("/hotline/new/").content.decode()
        response = client.post("/hotline/new/", quick_call(received_at="2026-03-10T23:20"))
        assert response.status_code == 302, response.content.decode()
        signal = Signal.objects.get(organization=member.organization)
        assert signal.received_at == datetime(2026, 3, 10, 20, 20, tzinfo=UTC)
        body = {"version": 1, "follow_up_on": "2026-03-10", "followed_up_on": "2026-03-11"}
        tomorrow = client.patch(
            f"{SIGNALS}/{signal.uuid}", data=json.dumps(body), content_type="application/json"
        )
        assert tomorrow.status_code == 422
        assert [e["field"] for e in tomorrow.json()["errors"]] == ["followed_up_on"]
        body["followed_up_on"] = "2026-03-10"
        today = client.patch(
            f"{SIGNALS}/{signal.uuid}", data=json.dumps(body), content_type="application/json"
        )
        assert today.status_code == 200, today.content
