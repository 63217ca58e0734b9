"""Work waiting in organizations A and B, of every kind the worklist shows, through the services."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from opennrm.accounts import permissions as perms
from opennrm.accounts.timezones import local_today
from opennrm.cases import services as cases
from opennrm.cases.choices import IdentificationStage
from opennrm.cases.models import Case, IdentificationDecision, SupportPlan
from opennrm.hotline.models import Signal
from opennrm.notifications.models import Kind
from opennrm.notifications.services import notification_send
from opennrm.referrals import services as referrals
from opennrm.referrals.models import Referral
from opennrm.returns.models import ReintegrationFollowUp, ReturnRecord
from tests.cases.factories import open_diana
from tests.conftest import World
from tests.hotline.factories import record as record_signal
from tests.referrals.factories import consent_to, send
from tests.returns.factories import arrive, record_return

NOTICE = "A notice for the worklist test"


@dataclass
class Work:
    """What ``make_work`` made, by kind: n of each."""

    today: date
    overdue_cases: list[Case] = field(default_factory=list)  # decision due, referral overdue
    decisions: list[IdentificationDecision] = field(default_factory=list)
    sent: list[Referral] = field(default_factory=list)  # A -> B, overdue
    received: list[Referral] = field(default_factory=list)  # B -> A
    plans: list[SupportPlan] = field(default_factory=list)
    returned: list[ReturnRecord] = field(default_factory=list)  # arrived 200 days ago
    follow_ups: list[ReintegrationFollowUp] = field(default_factory=list)  # due, not done
    travelling: list[ReturnRecord] = field(default_factory=list)  # travel in 3 days
    signals: list[Signal] = field(default_factory=list)  # follow-up due today


def make_work(world: World, n: int = 1) -> Work:
    """n items of each kind: A's case worker owns every case of A; A's hotline operator took
    the signals; B's case worker referred n cases to A."""
    worker = world.a["case_worker"]
    actor = world.actor(worker)
    today = local_today(world.org_a)
    work = Work(today=today)
    for _ in range(n):
        case = open_diana(worker)
        work.overdue_cases.append(case)
        work.decisions.append(
            cases.identification_propose(
                actor=actor,
                case=case,
                stage=IdentificationStage.PRESUMED,
                grounds="Passport taken; wages withheld.",
                decided_by_type="NGO",
            )
        )
        # The reasonable-grounds deadline passed yesterday.
        Case.objects.filter(pk=case.pk).update(identification_due_on=today - timedelta(days=1))
        consent_to(world, case)
        referral = send(world, case)
        Referral.objects.filter(pk=referral.pk).update(deadline=timezone.now() - timedelta(hours=1))
        work.sent.append(referral)
        work.plans.append(
            cases.support_plan_create(
                actor=actor, case=case, plan_type="Health", planned_end_on=today - timedelta(days=2)
            )
        )
        returned = open_diana(worker)
        record = record_return(worker, returned, travel_date=today - timedelta(days=200))
        work.returned.append(arrive(worker, record))
        going = open_diana(worker)
        work.travelling.append(record_return(worker, going, travel_date=today + timedelta(days=3)))
        work.signals.append(record_signal(world.a["hotline_operator"], follow_up_on=today))
        work.received.append(_refer_to_a(world))
    work.follow_ups = list(
        ReintegrationFollowUp.objects.filter(
            return_record__in=work.returned, due_on__lte=today
        ).order_by("id")
    )
    with transaction.atomic():
        notification_send(
            organization=world.org_a,
            kind=Kind.FOLLOWUP_DUE,
            message=gettext_noop(NOTICE),
            url="/stats/hotline/",
            permission=perms.HOTLINE_STATS_VIEW,
        )
    return work


def _refer_to_a(world: World) -> Referral:
    sender = world.b["case_worker"]
    actor = world.actor(sender)
    case = open_diana(sender)
    cases.consent_record(
        actor=actor,
        case=case,
        purpose="referral",
        method="written",
        recipient_organization=world.org_a,
    )
    values: dict[str, Any] = {
        "to_organization": world.org_a,
        "reason": "AdditionalServicesRequired",
        "services_requested": ["Legal"],
        "shared_fields": ["given_name", "citizenship"],
    }
    return referrals.referral_send(actor=actor, case=case, **values)
