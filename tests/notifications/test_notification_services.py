"""notification_send: who is notified, inside the caller's transaction, and the e-mail copy."""

from __future__ import annotations

import pytest
from django.core import mail

from opennrm.accounts import permissions as perms
from opennrm.accounts import services as account_services
from opennrm.audit.models import AuditEvent
from opennrm.notifications import selectors, services
from opennrm.notifications.models import Notification
from tests.conftest import ROLES, World
from tests.notifications.factories import latest_for, send

ALL_ROLES = len(ROLES)  # the world has one member of each role in each organization


def test_every_active_member_is_notified_when_no_permission_is_named(world: World) -> None:
    assert send(world.org_a) == ALL_ROLES
    assert Notification.objects.filter(organization=world.org_a).count() == ALL_ROLES
    assert not Notification.objects.filter(organization=world.org_b).exists()


def test_only_roles_holding_the_permission_are_notified(world: World) -> None:
    count = send(world.org_b, permission=perms.REFERRALS_RESPOND)
    notified = {n.recipient_id for n in Notification.objects.filter(organization=world.org_b)}
    holders = {
        m.user_id
        for m in world.b.values()
        if perms.REFERRALS_RESPOND in perms.role_permissions(m.role)
    }
    assert count == len(holders) == len(notified) and notified == holders
    # Case workers, supervisors, service providers, liaisons; never the analyst or the admin.
    assert world.b["data_analyst"].user_id not in notified
    assert world.b["organization_admin"].user_id not in notified


def test_the_acting_user_is_left_out_and_deactivated_members_too(world: World) -> None:
    platform = world.platform
    account_services.membership_deactivate(actor=platform, membership=world.a["data_analyst"])
    count = send(world.org_a, exclude=world.a["case_worker"].user)
    assert count == ALL_ROLES - 2
    recipients = set(
        Notification.objects.filter(organization=world.org_a).values_list("recipient", flat=True)
    )
    assert world.a["case_worker"].user_id not in recipients
    assert world.a["data_analyst"].user_id not in recipients


@pytest.mark.django_db(transaction=True)
def test_it_runs_only_inside_the_callers_transaction(world: World) -> None:
    with pytest.raises(RuntimeError):
        services.notification_send(
            organization=world.org_a, kind="referral.new", message="x", url="/"
        )


def test_it_knows_its_kinds_and_links_only_inside_opennrm(world: World) -> None:
    with pytest.raises(ValueError):
        send(world.org_a, kind="gossip")
    with pytest.raises(ValueError):
        send(world.org_a, url="https://elsewhere.example/")


def test_a_rolled_back_change_leaves_no_notification(world: World) -> None:
    from django.db import transaction

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        services.notification_send(
            organization=world.org_a, kind="referral.new", message="x", url="/"
        )
        raise Boom
    assert not Notification.objects.exists()


def test_no_email_unless_switched_on(world: World, settings, django_capture_on_commit_callbacks):
    settings.OPENNRM_EMAIL_NOTIFICATIONS = False
    with django_capture_on_commit_callbacks(execute=True):
        send(world.org_a)
    assert mail.outbox == []


def test_email_after_commit_one_per_member_without_identifying_data(
    world: World, settings, django_capture_on_commit_callbacks
) -> None:
    settings.OPENNRM_EMAIL_NOTIFICATIONS = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send(
            world.org_b,
            permission=perms.REFERRALS_RESPOND,
            message="New referral R-2005-0001 from Crisis Centre A: legal, medical",
            url="/referrals/5d6f0a1e-0000-4000-8000-000000000001/",
        )
    assert mail.outbox == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 4
    for message in mail.outbox:
        assert len(message.to) == 1
        assert "R-2005-0001" in message.body
        assert "/referrals/5d6f0a1e-0000-4000-8000-000000000001/" in message.body
        for name in ("Диана", "Каримова", "Diana", "Karimova"):
            assert name not in message.body and name not in message.subject
    assert {m.to[0] for m in mail.outbox} == {
        world.b[role].user.email
        for role in ("case_worker", "supervisor", "service_provider", "law_enforcement_liaison")
    }


def test_mark_read_one_and_all_only_ones_own(world: World) -> None:
    send(world.org_a)
    send(world.org_a, kind="referral.overdue")
    worker = world.actor(world.a["case_worker"])
    other = world.actor(world.a["supervisor"])
    assert selectors.notification_unread_count(actor=worker) == 2
    mine = latest_for(world.a["case_worker"])
    services.notification_mark_read(actor=worker, notification=mine)
    assert selectors.notification_unread_count(actor=worker) == 1
    # The supervisor cannot mark the case worker's notification, nor even find it.
    from opennrm.errors import NotFound

    with pytest.raises(NotFound):
        selectors.notification_get(actor=other, notification_id=mine.uuid)
    with pytest.raises(NotFound):
        services.notification_mark_read(actor=other, notification=mine)
    assert services.notification_mark_all_read(actor=worker) == 1
    assert selectors.notification_unread_count(actor=worker) == 0
    assert selectors.notification_unread_count(actor=other) == 2
    events = AuditEvent.objects.filter(action__startswith="notification.")
    assert {e.action for e in events} == {"notification.read", "notification.read_all"}
    assert all(e.fields == ["read_at"] for e in events)


def test_notifications_are_per_organization(world: World) -> None:
    """A member of two organizations sees, in each, that organization's notifications only."""
    account_services.membership_create(
        actor=world.platform,
        organization=world.org_b,
        email=world.a["case_worker"].user.email,
        full_name="",
        role="case_worker",
    )
    send(world.org_b)
    in_a = world.actor(world.a["case_worker"])
    assert selectors.notification_unread_count(actor=in_a) == 0


def test_each_reader_reads_the_message_in_their_own_language(world: World, client) -> None:
    """Kept as its English source and values: the sender's language does not fix the reader's."""
    from django.utils import translation

    from tests.conftest import sign_in

    with translation.override("en"):
        send(
            world.org_a,
            message="New referral %(number)s from %(organization)s.",
            params={"number": "R-2005-0001", "organization": "Crisis Centre B"},
        )
    member = world.a["case_worker"]
    notice = latest_for(member)
    assert notice.text == "New referral R-2005-0001 from Crisis Centre B."
    with translation.override("ru"):
        russian = notice.text
    assert russian != notice.text and "R-2005-0001" in russian and "Crisis Centre B" in russian
    reader = sign_in(client, member.user, member)
    page = reader.get("/api/v1/notifications", HTTP_ACCEPT_LANGUAGE="ru").json()
    assert page["items"][0]["message"] == russian


def test_a_translation_that_does_not_fit_its_values_falls_back_to_english(world: World) -> None:
    from opennrm.notifications.models import render_message

    assert render_message("%(number)s was sent.", {"number": "R-1"}) == "R-1 was sent."
    assert render_message("%(missing)s was sent.", {"number": "R-1"}) == "%(missing)s was sent."
