"""Returns: recording, validation naming the field, arrival scheduling the follow-ups at 3, 6
and 12 months, follow-ups due, the idempotent notification command, encryption and audit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from opennrm.accounts import services as account_services
from opennrm.accounts.timezones import local_today
from opennrm.audit.models import AuditEvent
from opennrm.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from opennrm.notifications.models import Notification
from opennrm.returns import selectors, services
from opennrm.returns.models import ReintegrationFollowUp, ReturnRecord
from opennrm.returns.services import add_months
from tests.cases.factories import open_diana
from tests.conftest import World
from tests.returns.factories import PASSPORT, arrive, days_ago, record_return


@pytest.fixture
def diana(world: World):
    return open_diana(world.a["case_worker"])


def test_add_months_keeps_the_day_or_takes_the_months_last() -> None:
    assert add_months(date(2026, 1, 15), 3) == date(2026, 4, 15)
    assert add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert add_months(date(2025, 11, 30), 12) == date(2026, 11, 30)


def test_a_return_is_recorded_with_its_document_encrypted(world: World, diana) -> None:
    record = record_return(
        world.a["case_worker"], diana, receiving_organization=str(world.org_b.uuid)
    )
    assert record.organization == world.org_a and record.receiving_organization == world.org_b
    with connection.cursor() as cursor:
        cursor.execute("SELECT document_number FROM returns_returnrecord")
        (raw,) = cursor.fetchone()
    assert PASSPORT not in raw
    event = AuditEvent.objects.get(action="return.create")
    assert "document_number" in event.fields and PASSPORT not in str(event.fields)
    with pytest.raises(ValidationFailed) as twice:
        record_return(world.a["case_worker"], diana)
    assert "case" in twice.value.errors


@pytest.mark.parametrize(
    "fields, bad",
    [
        ({"destination_country": "XX"}, "destination_country"),
        ({"destination_country": ""}, "destination_country"),
        ({"document_type": "visa"}, "document_type"),
        ({"document_type": "", "document_number": "AB123"}, "document_type"),
        ({"travel_date": "2026-02-30"}, "travel_date"),
        ({"travel_date": date(2005, 8, 1)}, "travel_date"),  # before she left the exploitation
        ({"travel_date": timezone.localdate() + timedelta(days=400)}, "travel_date"),
        (
            {"receiving_organization": "00000000-0000-4000-8000-000000000000"},
            "receiving_organization",
        ),
        ({"route": "x" * 201}, "route"),
        ({"eye_colour": "brown"}, "eye_colour"),
    ],
)
def test_bad_return_input_is_refused_naming_the_field(world: World, diana, fields, bad) -> None:
    with pytest.raises(ValidationFailed) as refused:
        record_return(world.a["case_worker"], diana, **fields)
    assert bad in refused.value.errors
    assert not ReturnRecord.objects.exists()


def test_arrival_schedules_follow_ups_at_3_6_and_12_months(world: World, diana) -> None:
    record = record_return(world.a["case_worker"], diana, travel_date=date(2025, 11, 30))
    arrive(world.a["case_worker"], record, arrived_on=date(2025, 12, 1))
    due = {f.months: f.due_on for f in ReintegrationFollowUp.objects.all()}
    assert due == {3: date(2026, 3, 1), 6: date(2026, 6, 1), 12: date(2026, 12, 1)}
    assert AuditEvent.objects.filter(action="follow_up.schedule").count() == 3
    record.refresh_from_db()
    # A corrected arrival date moves the follow-ups not yet done.
    arrive(world.a["case_worker"], record, arrived_on=date(2025, 12, 2))
    assert ReintegrationFollowUp.objects.get(months=3).due_on == date(2026, 3, 2)
    assert ReintegrationFollowUp.objects.count() == 3


@pytest.mark.parametrize(
    "arrived_on, message_part",
    [
        (None, "arrival"),
        ("not a date", "YYYY-MM-DD"),
        ("future", "future"),
        ("before travel", "before the travel date"),
    ],
)
def test_bad_arrival_is_refused_naming_the_field(world: World, diana, arrived_on, message_part):
    record = record_return(world.a["case_worker"], diana, travel_date=days_ago(10))
    if arrived_on == "future":
        arrived_on = local_today(world.org_a) + timedelta(days=1)
    elif arrived_on == "before travel":
        arrived_on = days_ago(11)
    with pytest.raises(ValidationFailed) as refused:
        arrive(world.a["case_worker"], record, arrived_on=arrived_on)
    assert list(refused.value.errors) == ["arrived_on"]
    assert message_part in " ".join(refused.value.errors["arrived_on"])
    assert not ReintegrationFollowUp.objects.exists()


def test_arrival_needs_a_travel_date_and_then_keeps_it(world: World, diana) -> None:
    record = record_return(world.a["case_worker"], diana, travel_date=None)
    with pytest.raises(ValidationFailed) as refused:
        arrive(world.a["case_worker"], record, arrived_on=days_ago(1))
    assert "arrived_on" in refused.value.errors
    actor = world.actor(world.a["case_worker"])
    record = services.return_update(
        actor=actor, record=record, version=record.version, travel_date=days_ago(5)
    )
    record = arrive(world.a["case_worker"], record, arrived_on=days_ago(3))
    for travel_date in (None, days_ago(2)):
        with pytest.raises(ValidationFailed) as refused:
            services.return_update(
                actor=actor, record=record, version=record.version, travel_date=travel_date
            )
        assert "travel_date" in refused.value.errors
    with pytest.raises(Conflict):
        services.return_update(actor=actor, record=record, version=1, route="By air")


def test_only_return_workers_of_visible_cases(world: World, diana) -> None:
    with pytest.raises(PermissionDenied):
        record_return(world.a["data_analyst"], diana)
    colleague = account_services.membership_create(
        actor=world.platform,
        organization=world.org_a,
        email="colleague.a@example.org",
        full_name="Colleague A",
        role="case_worker",
        password="a-long-test-password-1",
    )
    with pytest.raises(NotFound):  # a case worker who neither owns the case nor is on its team
        record_return(colleague, diana)
    with pytest.raises(NotFound):
        record_return(world.b["supervisor"], diana)
    record = record_return(world.a["supervisor"], diana)
    with pytest.raises(NotFound):
        selectors.return_get(actor=world.actor(world.b["case_worker"]), return_id=record.uuid)


def test_follow_up_recording(world: World, diana) -> None:
    record = arrive(world.a["case_worker"], record_return(world.a["case_worker"], diana))
    actor = world.actor(world.a["case_worker"])
    three = ReintegrationFollowUp.objects.get(months=3)
    for fields, bad in [
        ({"done_on": None, "outcome": "stable"}, "done_on"),
        ({"done_on": days_ago(101), "outcome": "stable"}, "done_on"),  # before the arrival
        ({"done_on": local_today(world.org_a) + timedelta(days=1), "outcome": "stable"}, "done_on"),
        ({"done_on": days_ago(1), "outcome": ""}, "outcome"),
        ({"done_on": days_ago(1), "outcome": "cured"}, "outcome"),
    ]:
        with pytest.raises(ValidationFailed) as refused:
            services.follow_up_record(actor=actor, follow_up=three, version=1, **fields)
        assert bad in refused.value.errors, fields
    done = services.follow_up_record(
        actor=actor,
        follow_up=three,
        version=1,
        done_on=days_ago(1),
        outcome="needs_support",
        notes="Looking for work; school for the child",
    )
    assert done.is_done and done.recorded_by == world.a["case_worker"].user
    event = AuditEvent.objects.get(action="follow_up.record")
    assert sorted(event.fields) == ["done_on", "notes", "outcome"]
    assert record.arrived_on is not None
    with pytest.raises(NotFound):
        services.follow_up_record(
            actor=world.actor(world.b["case_worker"]),
            follow_up=three,
            version=2,
            done_on=days_ago(1),
            outcome="stable",
        )


def test_follow_ups_due_are_overdue_or_within_14_days(world: World, diana) -> None:
    arrive(world.a["case_worker"], record_return(world.a["case_worker"], diana))  # 100 days ago
    second = open_diana(world.a["case_worker"])
    today = local_today(world.org_a)
    soon = add_months(today, -3) + timedelta(days=10)  # its 3-month follow-up is due in 10 days
    arrive(
        world.a["case_worker"],
        record_return(world.a["case_worker"], second, travel_date=soon),
        arrived_on=soon,
    )
    due = selectors.follow_ups_due(actor=world.actor(world.a["case_worker"]))
    assert [f.return_record.case for f in due.overdue] == [diana]
    assert [f.return_record.case for f in due.upcoming] == [second]
    assert all(f.months == 3 for f in due.overdue + due.upcoming)
    assert selectors.follow_ups_due(actor=world.actor(world.b["supervisor"])).overdue == []
    supervisor = selectors.follow_ups_due(actor=world.actor(world.a["supervisor"]))
    assert len(supervisor.overdue) == 1 and len(supervisor.upcoming) == 1


def test_the_notify_command_is_idempotent_and_names_no_person(world: World, diana) -> None:
    arrive(world.a["case_worker"], record_return(world.a["case_worker"], diana))
    call_command("returns_notify_due", verbosity=0)
    notes = Notification.objects.filter(kind="followup.due")
    recipients = {n.recipient_id for n in notes}
    assert recipients == {world.a["case_worker"].user_id, world.a["supervisor"].user_id}
    message = notes.first().text
    assert diana.number in message and "3-month" in message
    for name in ("Диана", "Каримова", "Diana", "Karimova"):
        assert name not in message
    assert notes.first().url == f"/returns/cases/{diana.uuid}/"
    call_command("returns_notify_due", verbosity=0)
    assert notes.count() == 2  # nothing announced twice
    # Six months on, the 6-month follow-up is announced, once.
    later = local_today(world.org_a) + timedelta(days=100)
    assert services.follow_ups_notify_due(today=later) == 1
    assert services.follow_ups_notify_due(today=later) == 0
    assert AuditEvent.objects.filter(action="follow_up.notify", actor=None).count() == 2
