"""Returns count days where the organization is: an arrival "today" at 01:00 in Almaty is not in
the future, and a reintegration follow-up is overdue or due on the organization's date."""

from __future__ import annotations

from datetime import date

from opennrm.accounts.models import Membership
from opennrm.notifications.models import Notification
from opennrm.returns import selectors, services
from opennrm.returns.models import FollowUpOutcome, ReintegrationFollowUp, ReturnRecord
from tests.cases.factories import open_diana
from tests.returns.factories import arrive, record_return
from tests.support.clock import ALMATY_1AM, at, istanbul_member

A_TODAY = date(2026, 3, 10)  # in Almaty at ALMATY_1AM; UTC's date is 9 March, Istanbul's too


def _returned(membership: Membership, arrived_on: date) -> ReturnRecord:
    case = open_diana(membership)
    record = record_return(membership, case, travel_date=arrived_on)
    return arrive(membership, record, arrived_on=arrived_on)


def _due(record: ReturnRecord, months: int) -> ReintegrationFollowUp:
    return ReintegrationFollowUp.objects.get(return_record=record, months=months)


def test_at_1am_in_almaty_an_arrival_today_is_recorded(world):
    worker = world.a["case_worker"]
    with at(ALMATY_1AM):
        record = _returned(worker, A_TODAY)
        assert record.arrived_on == A_TODAY
        assert _due(record, 3).due_on == date(2026, 6, 10)
        # A follow-up is recorded from 14 days before it is due (decision 0018): this one, due
        # on 24 March, opens on 10 March, Almaty's today, though UTC's is still 9 March.
        follow_up = _due(_returned(worker, date(2025, 12, 24)), 3)
        assert follow_up.window_opens_on == A_TODAY
        done = services.follow_up_record(
            actor=world.actor(worker),
            follow_up=follow_up,
            version=follow_up.version,
            done_on=A_TODAY,
            outcome=FollowUpOutcome.values[0],
        )
        assert done.done_on == A_TODAY


def test_a_follow_up_due_yesterday_in_almaty_is_overdue_though_utc_says_today(world, signed_in):
    worker = world.a["case_worker"]
    with at(ALMATY_1AM):
        record = _returned(worker, date(2025, 12, 9))  # the 3-month follow-up: 9 March
        due = selectors.follow_ups_due(actor=world.actor(worker))
        assert due.today == A_TODAY
        assert due.overdue == [_due(record, 3)]
        assert due.upcoming == []
        page = signed_in(worker.user, worker).get("/returns/follow-ups/")
        assert page.context["due"].overdue == [_due(record, 3)]


def test_follow_ups_are_announced_by_each_organizations_date(world):
    worker, istanbul = world.a["case_worker"], istanbul_member(world)
    with at(ALMATY_1AM):  # 10 March in Almaty, still 9 March (23:00) in Istanbul
        overdue = _returned(worker, date(2025, 12, 9))  # due 9 March: overdue in Almaty
        almaty_soon = _returned(worker, date(2025, 12, 24))  # due in 14 days, Almaty's count
        istanbul_soon = _returned(istanbul, date(2025, 12, 24))  # 15 days ahead in Istanbul
        assert services.follow_ups_notify_due() == 2
    assert _due(overdue, 3).notified_at is not None
    assert _due(almaty_soon, 3).notified_at is not None
    assert _due(istanbul_soon, 3).notified_at is None
    messages = set(
        Notification.objects.filter(organization=world.org_a).values_list("message", flat=True)
    )
    assert any("overdue since" in m for m in messages)
    assert any("is due on" in m for m in messages)
    assert not Notification.objects.filter(organization=istanbul.organization).exists()
