"""The home worklist: each item appears for the people who do that work and for nobody else
(two organizations, every role), links straight to where it is done, and costs the same number
of queries for 1 item of each kind as for 20."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opennrm.worklist.selectors import worklist_counts
from tests.conftest import World, sign_in
from tests.support.matrix import PRINCIPALS, client_for
from tests.worklist.factories import NOTICE, Work, make_work

RESPONDERS = ("case_worker", "supervisor", "service_provider", "law_enforcement_liaison")

# (item, the section it is in, where it links, who sees it)
Item = tuple[str, str, Callable[[Work], str], frozenset[str]]
ITEMS: list[Item] = [
    (
        "decision awaiting approval, not the proposer's",
        "work-decisions",
        lambda w: reverse("cases:identification", args=[w.decisions[0].case.uuid]),
        frozenset({"a:supervisor"}),
    ),
    (
        "my case: identification decision due",
        "work-cases",
        lambda w: reverse("cases:identification", args=[w.overdue_cases[0].uuid]),
        frozenset({"a:case_worker", "a:supervisor"}),
    ),
    (
        "my case: a referral's answer overdue",
        "work-cases",
        lambda w: reverse("referrals:detail", args=[w.sent[0].uuid]),
        frozenset({"a:case_worker", "a:supervisor"}),
    ),
    (
        "my case: support plan's end passed",
        "work-cases",
        lambda w: reverse("cases:plan", args=[w.overdue_cases[0].uuid]),
        frozenset({"a:case_worker", "a:supervisor"}),
    ),
    (
        "my case: reintegration follow-up due",
        "work-cases",
        lambda w: reverse("returns:case_return", args=[w.returned[0].case.uuid]),
        frozenset({"a:case_worker", "a:supervisor"}),
    ),
    (
        "referral waiting for B's answer",
        "work-referrals-in",
        lambda w: reverse("referrals:detail", args=[w.sent[0].uuid]),
        frozenset(f"b:{role}" for role in RESPONDERS),
    ),
    (
        "referral waiting for A's answer",
        "work-referrals-in",
        lambda w: reverse("referrals:detail", args=[w.received[0].uuid]),
        frozenset(f"a:{role}" for role in RESPONDERS),
    ),
    (
        "referral A sent that still waits",
        "work-referrals-out",
        lambda w: reverse("referrals:detail", args=[w.sent[0].uuid]),
        frozenset({"a:case_worker", "a:supervisor"}),
    ),
    (
        "referral B sent that still waits",
        "work-referrals-out",
        lambda w: reverse("referrals:detail", args=[w.received[0].uuid]),
        frozenset({"b:case_worker", "b:supervisor"}),
    ),
    (
        "return follow-up due",
        "work-follow-ups",
        lambda w: (
            reverse("returns:case_return", args=[w.follow_ups[0].return_record.case.uuid])
            + f"#follow-up-{w.follow_ups[0].months}"
        ),
        frozenset({"a:case_worker", "a:supervisor"}),
    ),
    (
        "return due",
        "work-returns",
        lambda w: reverse("returns:case_return", args=[w.travelling[0].case.uuid]),
        frozenset({"a:case_worker", "a:supervisor"}),
    ),
    (
        "hotline follow-up due",
        "work-signals",
        lambda w: reverse("hotline:signal_detail", args=[w.signals[0].uuid]),
        frozenset({"a:hotline_operator", "a:supervisor"}),
    ),
    (
        "unread notification",
        "work-notifications",
        lambda w: "/stats/hotline/",
        frozenset({"a:hotline_operator", "a:supervisor", "a:data_analyst"}),
    ),
]


def section(html: str, section_id: str) -> str:
    """The HTML of one section of the worklist; empty when the page has no such section."""
    match = re.search(rf'<section class="card" id="{section_id}">(.*?)</section>', html, re.S)
    return match.group(1) if match else ""


@pytest.fixture
def work(world: World) -> Work:
    return make_work(world)


@pytest.mark.parametrize("principal", [p for p in PRINCIPALS if p != "anonymous"])
def test_each_item_appears_for_the_right_people_only(world: World, work: Work, principal) -> None:
    response = client_for(world, principal).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    for name, section_id, link, seers in ITEMS:
        shown = f'href="{link(work)}"' in section(html, section_id)
        assert shown == (principal in seers), f"{name}: shown={shown} to {principal}"
    assert (NOTICE in html) == (principal in ITEMS[-1][3])


def test_a_supervisor_sees_the_worker_of_each_case(world: World, work: Work) -> None:
    html = client_for(world, "a:supervisor").get("/").content.decode()
    assert "Case worker A" in section(html, "work-cases")
    assert "Hotline operator A" in section(html, "work-signals")
    worker_html = client_for(world, "a:case_worker").get("/").content.decode()
    assert "Case worker A" not in section(worker_html, "work-cases")


def test_the_links_lead_where_the_work_is_done(world: World, work: Work) -> None:
    """Each link of the supervisor's worklist opens for the supervisor (a follow-up's link is
    the return page at the follow-up's form)."""
    client = client_for(world, "a:supervisor")
    for _name, _section, link, seers in ITEMS:
        if "a:supervisor" in seers:
            url = link(work).split("#")[0]
            assert client.get(url).status_code == 200, url


def test_a_member_without_work_is_told_so(world: World, signed_in) -> None:
    member = world.a["data_analyst"]
    html = signed_in(member.user, member).get("/").content.decode()
    assert "Nothing is waiting for you." in html
    assert 'id="work-' not in html


def test_a_busy_member_is_not_told_nothing_waits(world: World, work: Work) -> None:
    html = client_for(world, "a:case_worker").get("/").content.decode()
    assert "Nothing is waiting for you." not in html


def test_the_platform_admin_gets_the_platform_start(world: World) -> None:
    html = client_for(world, "platform").get("/").content.decode()
    assert "You administer the platform" in html
    assert "Nothing is waiting for you." not in html


# --- Counts in the navigation.


def _badges(html: str) -> dict[str, int]:
    """The count beside each navigation entry, by its link."""
    nav = re.search(r'<nav class="mainnav".*?</nav>', html, re.S)
    assert nav is not None
    found = re.findall(r'<a href="([^"]+)"[^>]*>[^<]*<span class="badge count"[^>]*>(\d+)<', nav[0])
    return {url: int(count) for url, count in found}


def test_the_navigation_counts_what_waits(world: World, work: Work) -> None:
    html = client_for(world, "a:supervisor").get("/cases/").content.decode()
    # 1 decision + 1 referral to answer + 1 hotline follow-up + 2 return follow-ups (3 and 6
    # months after an arrival 200 days ago).
    assert _badges(html) == {
        "/": 5,
        reverse("referrals:inbox"): 1,
        reverse("hotline:queue"): 1,
        reverse("returns:follow_ups_due"): 2,
    }
    assert _badges(client_for(world, "a:hotline_operator").get("/").content.decode()) == {
        "/": 1,
        reverse("hotline:queue"): 1,
    }
    assert _badges(client_for(world, "b:service_provider").get("/").content.decode()) == {
        "/": 1,
        reverse("referrals:inbox"): 1,
    }
    for quiet in ("a:data_analyst", "a:organization_admin", "b:hotline_operator"):
        assert _badges(client_for(world, quiet).get("/").content.decode()) == {}, quiet


def test_the_navigation_counts_take_one_query(world: World, work: Work) -> None:
    actor = world.actor(world.a["supervisor"])
    with CaptureQueriesContext(connection) as queries:
        counts = worklist_counts(actor=actor)
    assert counts["home"] == 5
    assert len(queries) == 1


# --- Query counts: constant in the number of items.


def _queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("principal", ["a:supervisor", "a:case_worker", "b:supervisor"])
def test_the_worklist_costs_the_same_for_1_and_20_items(world: World, principal) -> None:
    membership = world.a[principal[2:]] if principal.startswith("a:") else world.b[principal[2:]]
    client = sign_in(Client(), membership.user, membership)
    make_work(world, 1)
    client.get("/")  # warm the session and the per-process caches
    one = _queries(client)
    html_one = client.get("/").content.decode()
    make_work(world, 19)
    twenty = _queries(client)
    html_twenty = client.get("/").content.decode()
    assert html_twenty.count("<li>") > html_one.count("<li>")
    assert twenty == one, f"{one} queries with 1 item of each kind, {twenty} with 20"
