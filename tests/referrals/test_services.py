"""The referral services: consent, override, anonymous notification, answers, transfer,
deadlines, overdue notices and consent withdrawal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from opennrm import events
from opennrm.audit.models import AuditEvent
from opennrm.cases import services as cases
from opennrm.cases.events import ConsentWithdrawn
from opennrm.cases.models import Case
from opennrm.errors import NotFound, PermissionDenied, ValidationFailed
from opennrm.notifications.models import Notification
from opennrm.people.models import PersonName
from opennrm.referrals import selectors, services
from opennrm.referrals.models import Referral
from tests.cases.factories import REASON, open_diana
from tests.conftest import World
from tests.referrals.factories import (
    SHARED,
    UNSHARED_VALUES,
    consent_to,
    diana_consenting,
    police,
    send,
)
from tests.support.events import held_back


def test_a_referral_carries_only_the_chosen_fields(world: World) -> None:
    case = diana_consenting(world)
    referral = send(world, case)
    assert referral.status == "pending" and referral.number.startswith("CCA-R-")
    assert referral.shared_fields == SHARED
    assert set(referral.shared_values) == set(SHARED)
    assert referral.shared_values["given_name"] == "Диана"
    assert referral.deadline - referral.sent_at == timedelta(days=2)
    event = AuditEvent.objects.get(action="referral.send", object_id=referral.uuid)
    assert "shared_values" in event.fields and "consent" in event.fields
    # Hotline B's members who may answer are told, with no word about the person.
    notices = Notification.objects.filter(organization=world.org_b, kind="referral.new")
    roles = set(notices.values_list("recipient__memberships__role", flat=True))
    assert roles == {"case_worker", "supervisor", "service_provider", "law_enforcement_liaison"}
    for notice in notices:
        assert referral.number in notice.text and "Диана" not in notice.text
        assert notice.url == f"/referrals/{referral.uuid}/"


def test_the_minimum_is_shared_by_default(world: World) -> None:
    referral = send(world, diana_consenting(world), shared_fields=None, note="")
    assert referral.shared_values == {
        "citizenship": "UZ",
        "gender": "Feminine",
        "age_band": "25-34",
    }


def test_without_consent_the_referral_is_refused_and_nothing_is_saved(world: World) -> None:
    case = open_diana(world.a["case_worker"])
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        send(world, case)
    assert "consent" in caught.value.errors
    assert not Referral.objects.exists() and AuditEvent.objects.count() == before


def test_consent_to_another_organization_or_withdrawn_does_not_cover(world: World) -> None:
    case = open_diana(world.a["case_worker"])
    other, _liaison = police(world)
    consent_to(world, case, other)
    with pytest.raises(ValidationFailed) as caught:
        send(world, case)
    assert "consent" in caught.value.errors
    consent = consent_to(world, case)
    cases.consent_withdraw(
        actor=world.actor(world.a["case_worker"]), consent=consent, reason=REASON
    )
    with pytest.raises(ValidationFailed):
        send(world, case)


def test_consent_to_an_organization_type_covers_it(world: World) -> None:
    case = open_diana(world.a["case_worker"])
    consent = cases.consent_record(
        actor=world.actor(world.a["case_worker"]),
        case=case,
        purpose="referral",
        method="verbal",
        recipient_type="Hotline",
    )
    assert send(world, case).consent == consent


def test_override_needs_its_permission_and_is_audited_with_its_reason(world: World) -> None:
    case = open_diana(world.a["case_worker"])
    reason = "She is in danger tonight; the shelter must know."
    with pytest.raises(PermissionDenied):
        send(world, case, override_reason=reason)
    assert not Referral.objects.exists()
    referral = send(world, case, by="supervisor", override_reason=reason)
    assert referral.consent is None and referral.overridden_by == world.a["supervisor"].user
    assert referral.override_reason == reason
    event = AuditEvent.objects.get(action="referral.override_consent", object_id=referral.uuid)
    assert event.fields == ["overridden_by", "override_reason"]
    assert event.actor == world.a["supervisor"].user
    assert reason not in str(list(AuditEvent.objects.values_list()))
    flagged = selectors.referral_attention(actor=world.actor(world.a["supervisor"]))
    assert list(flagged) == [referral]


def test_an_anonymous_notification_goes_to_police_without_identifying_fields(world: World) -> None:
    case = open_diana(world.a["case_worker"])  # no consent at all
    unit, _liaison = police(world)
    with pytest.raises(ValidationFailed) as caught:
        send(world, case, kind="anonymous", to_organization=unit)
    assert set(caught.value.errors) == {"shared_fields", "note"}
    with pytest.raises(ValidationFailed) as caught:
        send(world, case, kind="anonymous", shared_fields=["gender"], note="")
    assert set(caught.value.errors) == {"to_organization"}
    referral = send(
        world,
        case,
        kind="anonymous",
        to_organization=unit,
        services_requested=[],
        shared_fields=["citizenship", "gender", "age_band", "exploitation"],
        note="",
    )
    assert referral.consent is None and referral.overridden_by is None
    values = referral.shared_values
    assert set(values) == {"citizenship", "gender", "age_band", "exploitation"}
    text = str(values)
    for secret in ["Диана", *UNSHARED_VALUES]:
        assert secret not in text
    assert values["exploitation"]["city_of_exploitation"] == "Almaty"


def test_a_case_worker_accepting_opens_b_own_case_with_only_the_shared_fields(world: World) -> None:
    referral = send(world, diana_consenting(world))
    accepted = services.referral_accept(
        actor=world.actor(world.b["case_worker"]), referral=referral
    )
    assert accepted.status == "accepted" and accepted.answered_by == world.b["case_worker"].user
    b_case = accepted.to_case
    assert b_case.organization == world.org_b and b_case.owner == world.b["case_worker"].user
    person = b_case.person
    assert person.given_name == "Диана" and person.citizenship == "UZ"
    assert (person.family_name, person.patronymic, person.phones, person.documents) == (
        "",
        "",
        [],
        [],
    )
    assert person.names == [] and person.birth_year == ""
    assert b_case.exploitation_types == []  # the exploitation summary was not shared
    answered = Notification.objects.filter(organization=world.org_a, kind="referral.answered")
    assert answered.exists()


def test_a_service_provider_accepts_and_works_from_the_referral(world: World) -> None:
    referral = send(world, diana_consenting(world))
    cases_before = Case.objects.count()
    services.referral_accept(actor=world.actor(world.b["service_provider"]), referral=referral)
    referral.refresh_from_db()
    assert referral.status == "accepted" and referral.to_case is None
    assert Case.objects.count() == cases_before


def test_answers_follow_the_steps(world: World) -> None:
    referral = send(world, diana_consenting(world))
    b = world.actor(world.b["service_provider"])
    a = world.actor(world.a["case_worker"])
    with pytest.raises(NotFound):
        services.referral_accept(actor=a, referral=referral)  # A cannot answer its own
    with pytest.raises(NotFound):
        services.referral_withdraw(actor=b, referral=referral)  # B cannot withdraw it
    with pytest.raises(PermissionDenied):
        services.referral_accept(actor=world.actor(world.b["hotline_operator"]), referral=referral)
    with pytest.raises(ValidationFailed) as caught:
        services.referral_complete(actor=b, referral=referral, outcome="Done")
    assert "status" in caught.value.errors
    with pytest.raises(ValidationFailed) as caught:
        services.referral_decline(actor=b, referral=referral, reason="  ")
    assert "reason" in caught.value.errors
    services.referral_accept(actor=b, referral=referral)
    with pytest.raises(ValidationFailed):
        services.referral_withdraw(actor=a, referral=referral)
    done = services.referral_complete(actor=b, referral=referral, outcome="Seen by the doctor.")
    assert done.status == "completed" and done.completed_at and done.outcome
    actions = list(
        AuditEvent.objects.filter(object_id=referral.uuid)
        .exclude(action="read")
        .values_list("action", flat=True)
    )
    assert actions == ["referral.send", "referral.accept", "referral.complete"]


def test_decline_and_withdraw(world: World) -> None:
    case = diana_consenting(world)
    first = send(world, case)
    declined = services.referral_decline(
        actor=world.actor(world.b["case_worker"]), referral=first, reason="No capacity."
    )
    assert declined.status == "declined" and declined.declined_at and declined.decline_reason
    second = send(world, case)
    withdrawn = services.referral_withdraw(
        actor=world.actor(world.a["case_worker"]), referral=second
    )
    assert withdrawn.status == "withdrawn" and withdrawn.withdrawn_by == world.a["case_worker"].user
    assert Notification.objects.filter(organization=world.org_b, kind="referral.withdrawn").exists()


def test_a_transfer_gives_b_the_case_and_closes_a_case_as_referred(world: World) -> None:
    case = diana_consenting(world)
    with pytest.raises(PermissionDenied):
        send(world, case, kind="transfer")  # a case worker may not transfer
    transfer = send(world, case, by="supervisor", kind="transfer", services_requested=[])
    with pytest.raises(ValidationFailed) as caught:
        send(world, case, by="supervisor", kind="transfer", services_requested=[])
    assert "case" in caught.value.errors
    with pytest.raises(PermissionDenied):
        services.referral_accept(actor=world.actor(world.b["case_worker"]), referral=transfer)
    accepted = services.referral_accept(actor=world.actor(world.b["supervisor"]), referral=transfer)
    assert accepted.to_case.organization == world.org_b
    case.refresh_from_db()
    assert case.status == "ClosedReferred" and "Hotline B" in case.closure_reason
    assert Notification.objects.filter(organization=world.org_a, kind="transfer.answered").exists()
    with pytest.raises(ValidationFailed):
        services.referral_complete(
            actor=world.actor(world.b["supervisor"]), referral=transfer, outcome="x"
        )


def test_a_closed_case_is_not_referred(world: World) -> None:
    case = diana_consenting(world)
    cases.case_change_status(
        actor=world.actor(world.a["supervisor"]), case=case, status="Closed", reason="Home."
    )
    with pytest.raises(ValidationFailed) as caught:
        send(world, case, by="supervisor")
    assert "case" in caught.value.errors


def test_deadlines_come_from_the_settings(world: World) -> None:
    case = diana_consenting(world)
    urgent = send(world, case, urgency="urgent")
    assert urgent.deadline - urgent.sent_at == timedelta(hours=2)
    low = send(world, case, urgency="low")
    assert low.deadline - low.sent_at == timedelta(days=7)
    with override_settings(OPENNRM_REFERRAL_DEADLINES={"urgent": 1, "low": timedelta(days=3)}):
        urgent = send(world, case, urgency="urgent")
        low = send(world, case, urgency="low")
    assert urgent.deadline - urgent.sent_at == timedelta(hours=1)
    assert low.deadline - low.sent_at == timedelta(days=3)


def test_overdue_referrals_are_notified_once_to_both_sides(world: World) -> None:
    referral = send(world, diana_consenting(world), urgency="urgent")
    assert services.referral_overdue_notify() == 0
    later = timezone.now() + timedelta(hours=3)
    assert services.referral_overdue_notify(now=later) == 1
    assert services.referral_overdue_notify(now=later) == 0
    overdue = Notification.objects.filter(kind="referral.overdue")
    assert {n.organization for n in overdue} == {world.org_a, world.org_b}
    assert (
        AuditEvent.objects.filter(action="referral.overdue", object_id=referral.uuid).count() == 1
    )


def test_consent_withdrawal_withdraws_pending_and_clears_b_copy(world: World) -> None:
    case = open_diana(world.a["case_worker"])
    consent = consent_to(world, case)
    pending = send(world, case)
    accepted = send(world, case)
    services.referral_accept(actor=world.actor(world.b["case_worker"]), referral=accepted)
    accepted.refresh_from_db()
    b_person = accepted.to_case.person
    assert PersonName.objects.filter(person=b_person).exists()
    a = world.actor(world.a["case_worker"])
    # The clean-up held back (no handler of ConsentWithdrawn runs)...
    with held_back(ConsentWithdrawn):
        cases.consent_withdraw(actor=a, consent=consent, reason=REASON)
    # ...the selectors already withhold the shares from B.
    b = world.actor(world.b["case_worker"])
    shares = selectors.referral_shares(actor=b, referral=Referral.objects.get(pk=accepted.pk))
    assert not shares.available and shares.values == {}
    assert services.referral_consent_withdrawn(actor=a, consent=consent) == 2
    assert services.referral_consent_withdrawn(actor=a, consent=consent) == 0
    pending.refresh_from_db()
    accepted.refresh_from_db()
    assert pending.status == "withdrawn" and accepted.status == "accepted"
    b_person.refresh_from_db()
    assert b_person.given_name == "" and b_person.citizenship == "UZ"
    assert not PersonName.objects.filter(person=b_person).exists()
    event = AuditEvent.objects.get(action="person.shares_revoked", object_id=b_person.uuid)
    assert event.fields == ["given_name"]
    # B's record, B's log: written under the receiving organization, by A's member.
    assert event.organization == world.org_b and event.actor == a.user
    assert Notification.objects.filter(organization=world.org_b, kind="consent.withdrawn").count()
    # A's own case keeps everything.
    case.person.refresh_from_db()
    assert case.person.family_name == "Каримова"


def test_consent_withdrawal_reaches_referrals_through_the_event_registry(world: World) -> None:
    assert services.on_consent_withdrawn in events.handlers_of(ConsentWithdrawn)
    case = open_diana(world.a["case_worker"])
    consent = consent_to(world, case)
    accepted = send(world, case)
    services.referral_accept(actor=world.actor(world.b["case_worker"]), referral=accepted)
    accepted.refresh_from_db()
    b_person = accepted.to_case.person
    a = world.actor(world.a["case_worker"])
    cases.consent_withdraw(actor=a, consent=consent, reason=REASON)
    # Carried out in consent_withdraw's own transaction, by the registered handler.
    accepted.refresh_from_db()
    b_person.refresh_from_db()
    assert accepted.shares_revoked_at is not None and b_person.given_name == ""
    cleared = AuditEvent.objects.get(action="person.shares_revoked", object_id=b_person.uuid)
    assert cleared.organization == world.org_b and cleared.actor == a.user
    carried = AuditEvent.objects.get(action="referral.consent_withdrawn", object_id=accepted.uuid)
    assert carried.organization == world.org_a
    withdrawn = AuditEvent.objects.get(action="consent.withdraw", object_id=consent.uuid)
    assert withdrawn.id < carried.id  # after the consent, in the same chain


def test_a_failing_handler_rolls_the_withdrawal_back(world: World) -> None:
    case = open_diana(world.a["case_worker"])
    consent = consent_to(world, case)
    send(world, case)

    def broken(event: ConsentWithdrawn) -> None:
        raise RuntimeError("handler failed")

    with held_back(ConsentWithdrawn):
        events.subscribe(ConsentWithdrawn)(broken)
        with pytest.raises(RuntimeError):
            cases.consent_withdraw(
                actor=world.actor(world.a["case_worker"]), consent=consent, reason=REASON
            )
    consent.refresh_from_db()
    assert consent.withdrawn_on is None
    assert not AuditEvent.objects.filter(action="consent.withdraw").exists()
    assert events.handlers_of(ConsentWithdrawn) == (services.on_consent_withdrawn,)


def test_only_the_sending_side_carries_out_a_withdrawal(world: World) -> None:
    case = diana_consenting(world)
    consent = case.consents.get()
    with pytest.raises(PermissionDenied):
        services.referral_consent_withdrawn(
            actor=world.actor(world.b["service_provider"]), consent=consent
        )
    with pytest.raises(NotFound):
        services.referral_consent_withdrawn(
            actor=world.actor(world.b["case_worker"]), consent=consent
        )


def test_a_referral_abroad_is_like_any_other(world: World) -> None:
    # Crisis Centre A is in Kazakhstan, Hotline B in Uzbekistan.
    referral = send(world, diana_consenting(world))
    assert referral.from_organization.country == "KZ" and referral.to_organization.country == "UZ"
    assert list(selectors.referral_inbox(actor=world.actor(world.b["case_worker"]))) == [referral]


def test_figures_count_without_reading_content(world: World) -> None:
    case = diana_consenting(world)
    first = send(world, case)
    second = send(world, case, services_requested=["Medical"])
    send(world, case, urgency="urgent")
    services.referral_accept(actor=world.actor(world.b["service_provider"]), referral=first)
    services.referral_decline(
        actor=world.actor(world.b["service_provider"]), referral=second, reason="Full."
    )
    Referral.objects.filter(urgency="urgent").update(deadline=timezone.now() - timedelta(hours=1))
    stats = selectors.referral_stats(actor=world.actor(world.a["supervisor"]))
    sent = stats.sent.totals
    assert (sent.total, sent.accepted, sent.declined, sent.pending, sent.overdue) == (3, 1, 1, 1, 1)
    assert sent.acceptance_rate == 0.5 and sent.median_response is not None
    assert [f.label for f in stats.sent.by_organization] == ["Hotline B"]
    by_service = {f.label: f.total for f in stats.sent.by_service}
    assert by_service == {"Medical": 3, "Legal": 2}
    received = selectors.referral_stats(actor=world.actor(world.b["supervisor"])).received
    assert received.totals.total == 3
    assert [f.label for f in received.by_organization] == ["Crisis Centre A"]
    with pytest.raises(PermissionDenied):
        selectors.referral_stats(actor=world.actor(world.a["case_worker"]))
