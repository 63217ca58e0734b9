"""The referral lists say how many referrals the member sees are overdue (both directions),
counted by ``selectors.overdue_count`` through the visibility gate."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from opennrm.referrals import selectors, services
from opennrm.referrals.models import Referral
from tests.conftest import World, sign_in
from tests.referrals.factories import diana_consenting, send


def _client(world: World, org: str, role: str) -> Client:
    membership = getattr(world, org)[role]
    return sign_in(Client(), membership.user, membership)


def _late(referral: Referral) -> None:
    Referral.objects.filter(pk=referral.pk).update(deadline=timezone.now() - timedelta(minutes=5))


def test_the_lists_show_the_overdue_count_of_what_the_member_sees(world: World) -> None:
    case = diana_consenting(world)
    first, second = send(world, case, urgency="urgent"), send(world, case)
    send(world, case)  # still within its deadline
    _late(first)
    _late(second)
    for org, role, url in (
        ("a", "supervisor", "/referrals/sent/"),
        ("a", "case_worker", "/referrals/sent/"),
        ("b", "case_worker", "/referrals/"),
        ("b", "service_provider", "/referrals/"),
    ):
        html = _client(world, org, role).get(url).content.decode()
        assert "2 referrals you see are overdue" in html, (org, role)
    assert selectors.overdue_count(actor=world.actor(world.b["supervisor"])) == 2
    # Answered referrals are no longer overdue; one left.
    services.referral_decline(
        actor=world.actor(world.b["case_worker"]), referral=first, reason="No capacity."
    )
    html = _client(world, "b", "case_worker").get("/referrals/").content.decode()
    assert "1 referral you see is overdue" in html


def test_nothing_overdue_says_nothing_and_another_organization_counts_none(world: World) -> None:
    case = diana_consenting(world)
    _late(send(world, case))
    receiver = world.actor(world.b["case_worker"])
    assert selectors.overdue_count(actor=receiver) == 1
    # A member of A who cannot see the case (not owner, not on the team) counts nothing sent.
    html = _client(world, "a", "hotline_operator").get("/referrals/sent/").content.decode()
    assert 'id="referrals-overdue"' not in html
