"""Handing a contact on closes the hotline's copy (decision 0019): the outcome "handed on", its case
ClosedReferred, and after the retention the phone, the notes and the person's identifying data
cleared by a job, audited, while the figures keep counting the contact."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from opennrm.accounts.permissions import Actor
from opennrm.audit.models import AuditEvent
from opennrm.audit.services import audit_verify
from opennrm.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from opennrm.hotline import selectors, services
from opennrm.hotline.models import Outcome, Signal
from opennrm.people.models import Person
from tests.hotline.factories import DIANA_PHONE, record
from tests.support.clock import at

TASHKENT = ZoneInfo("Asia/Tashkent")  # organization B's zone
# 10:00 in Tashkent on 2 March 2026.
MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=TASHKENT)
PERSON = {
    "given_name": "Dilnoza",
    "family_name": "Karimova",
    "birth_year": 1999,
    "gender": "Feminine",
    "citizenship": "UZ",
    "languages": ["uz", "ru"],
    "phones": [DIANA_PHONE],
}


def _signal_with_case(world, operator: Actor, **fields) -> Signal:
    signal = record(
        world.b["hotline_operator"],
        reason="possible_trafficking",
        phone=DIANA_PHONE,
        notes="Passport taken by the employer in Almaty.",
        **fields,
    )
    return services.signal_open_case(actor=operator, signal=signal, version=1, person=PERSON)


def test_handing_on_closes_the_contact_and_its_case_as_referred(world):
    operator = world.actor(world.b["hotline_operator"])
    with at(MONDAY):
        signal = _signal_with_case(world, operator, follow_up_on=MONDAY.date() + timedelta(days=2))
        signal = services.signal_hand_on(actor=operator, signal=signal, version=signal.version)
    signal.refresh_from_db()
    assert signal.outcome == Outcome.HANDED_ON and signal.closed_on == MONDAY.date()
    assert signal.case is not None
    assert signal.case.status == "ClosedReferred" and signal.case.closed_on == MONDAY.date()
    events = AuditEvent.objects.order_by("id")
    assert list(events.values_list("action", flat=True))[-2:] == ["case.status", "signal.hand_on"]
    assert set(events.last().fields) == {"outcome", "closed_on"}
    # A closed contact is not changed any more, and leaves the follow-ups due.
    with pytest.raises(Conflict):
        services.signal_update(actor=operator, signal=signal, version=signal.version, notes="x")
    with pytest.raises(Conflict):
        services.signal_hand_on(actor=operator, signal=signal, version=signal.version)
    with at(MONDAY + timedelta(days=5)):
        assert selectors.signal_queue(actor=operator).follow_ups_due == []
        assert selectors.signal_stats(actor=operator).overdue_follow_ups == 0
    assert audit_verify().ok


def test_a_contact_without_a_case_is_handed_on_too(world):
    operator = world.actor(world.b["hotline_operator"])
    signal = record(world.b["hotline_operator"])
    signal = services.signal_hand_on(actor=operator, signal=signal, version=1)
    assert signal.outcome == "handed_on" and signal.closed_on is not None and signal.case is None


def test_the_outcome_is_only_set_by_handing_on(world):
    operator = world.actor(world.b["hotline_operator"])
    signal = record(world.b["hotline_operator"])
    with pytest.raises(ValidationFailed) as caught:
        services.signal_update(actor=operator, signal=signal, version=1, outcome="handed_on")
    assert "outcome" in caught.value.errors
    with pytest.raises(Conflict):
        services.signal_hand_on(actor=operator, signal=signal, version=7)
    signal.refresh_from_db()
    assert signal.outcome == "" and signal.closed_on is None


def test_closing_a_case_needs_the_hand_on_right(world):
    """A case worker logs contacts but does not close cases: handing on one with a case is
    refused and changes nothing."""
    operator = world.actor(world.b["hotline_operator"])
    signal = _signal_with_case(world, operator)
    worker = world.actor(world.b["case_worker"])
    with pytest.raises(PermissionDenied):
        services.signal_hand_on(actor=worker, signal=signal, version=signal.version)
    signal.refresh_from_db()
    assert signal.outcome == "case_opened" and signal.case.status == "Active"


def test_another_organization_cannot_hand_on(world):
    signal = record(world.b["hotline_operator"])
    with pytest.raises(NotFound):
        services.signal_hand_on(
            actor=world.actor(world.a["hotline_operator"]), signal=signal, version=1
        )
    signal.refresh_from_db()
    assert signal.closed_on is None


@pytest.mark.parametrize("days_after, cleared", [(29, False), (30, True)])
def test_the_retention_job_clears_identifying_data_and_keeps_the_figures(
    world, settings, days_after, cleared
):
    settings.OPENNRM_HOTLINE_RETENTION_DAYS = 30
    operator = world.actor(world.b["hotline_operator"])
    with at(MONDAY):
        signal = _signal_with_case(world, operator, caller_name="Дильноза Каримова")
        signal = services.signal_hand_on(actor=operator, signal=signal, version=signal.version)
        before = selectors.signal_stats(actor=operator)
    assert before.totals.total == 1 and before.totals.handed_on == 1 and before.totals.cases == 1
    with at(MONDAY + timedelta(days=days_after)):
        call_command("hotline_clear_closed", stdout=StringIO())
        after = selectors.signal_stats(actor=operator, today=MONDAY.date())
    signal.refresh_from_db()
    person = Person.objects.get(pk=signal.case.person_id)
    if not cleared:
        assert signal.phone and signal.notes and person.given_name == "Dilnoza"
        assert signal.caller_name == "Дильноза Каримова"
        assert signal.cleared_at is None
        return
    assert signal.phone == signal.notes == signal.phone_token == signal.caller_name == ""
    assert signal.cleared_at is not None
    assert person.given_name == person.family_name == person.birth_year == ""
    assert person.phones == [] and person.names == []
    assert not person.phone_tokens.exists() and not person.name_tokens.exists()
    # What the figures need stays: reason, channel, language, dates, outcome, sex, age band...
    assert (signal.reason, signal.channel, signal.outcome) == (
        "possible_trafficking",
        "call",
        "handed_on",
    )
    assert signal.received_at and signal.closed_on == MONDAY.date()
    assert person.gender == "Feminine" and person.citizenship == "UZ"
    assert person.languages == ["uz", "ru"] and person.age_band == "25-34"
    assert signal.case.status == "ClosedReferred" and signal.case.closure_reason == ""
    assert after.totals.total == 1 and after.totals.handed_on == 1 and after.totals.cases == 1
    # Audited as the job's, under B, naming fields only.
    clears = AuditEvent.objects.filter(action="signal.clear").order_by("id")
    assert {e.object_type for e in clears} == {"hotline.signal", "people.person", "cases.case"}
    assert all(e.actor is None and e.organization == world.org_b for e in clears)
    signal_event = clears.get(object_type="hotline.signal")
    assert set(signal_event.fields) == {"phone", "caller_name", "notes", "cleared_at"}
    assert "Dilnoza" not in str(list(clears.values_list("fields", flat=True)))
    # Nothing readable is left in the row either.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT phone, notes, caller_name FROM hotline_signal WHERE id = %s", [signal.pk]
        )
        assert cursor.fetchone() in (("", "", ""), (None, None, None))
    # Again: nothing more to do.
    with at(MONDAY + timedelta(days=days_after + 1)):
        assert services.signals_clear_closed() == 0
    assert audit_verify().ok


def test_the_retention_counts_in_the_organization_s_days(world, settings):
    """Closed on 2 March in Tashkent: the day after 30 days starts there at 19:00 UTC before."""
    settings.OPENNRM_HOTLINE_RETENTION_DAYS = 30
    operator = world.actor(world.b["hotline_operator"])
    with at(MONDAY):
        signal = services.signal_hand_on(
            actor=operator, signal=record(world.b["hotline_operator"], phone=DIANA_PHONE), version=1
        )
    # 1 April 00:30 in Tashkent is 31 March 19:30 UTC: 30 days after 2 March there.
    with at(datetime(2026, 4, 1, 0, 30, tzinfo=TASHKENT)):
        assert services.signals_clear_closed() == 1
    signal.refresh_from_db()
    assert signal.phone == ""


def test_a_case_reopened_since_keeps_its_person(world, settings):
    settings.OPENNRM_HOTLINE_RETENTION_DAYS = 0
    operator = world.actor(world.b["hotline_operator"])
    signal = _signal_with_case(world, operator)
    signal = services.signal_hand_on(actor=operator, signal=signal, version=signal.version)
    from opennrm.cases.services import case_change_status

    case_change_status(actor=world.actor(world.b["supervisor"]), case=signal.case, status="Active")
    assert services.signals_clear_closed() == 1
    signal.refresh_from_db()
    assert signal.phone == "" and signal.case.person.given_name == "Dilnoza"


def test_the_page_hands_on_after_confirmation(world, signed_in):
    membership = world.b["hotline_operator"]
    signal = record(membership, phone=DIANA_PHONE)
    client = signed_in(membership.user, membership)
    page = client.get(reverse("hotline:signal_detail", args=[signal.uuid]))
    assert b"Confirm: handed on, close" in page.content
    answer = client.post(
        reverse("hotline:signal_hand_on", args=[signal.uuid]), {"version": signal.version}
    )
    assert answer.status_code == 302
    signal.refresh_from_db()
    assert signal.outcome == "handed_on"
    page = client.get(reverse("hotline:signal_detail", args=[signal.uuid]))
    assert b"Confirm: handed on, close" not in page.content
    assert b"Closed on" in page.content and b"Edit the" not in page.content


def test_the_api_hands_on(world, signed_in):
    membership = world.b["hotline_operator"]
    signal = record(membership)
    client = signed_in(membership.user, membership)
    answer = client.post(
        f"/api/v1/signals/{signal.uuid}/hand-on",
        {"version": 1},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["outcome"] == "handed_on" and body["closed_on"] and body["cleared_at"] is None
    again = client.post(
        f"/api/v1/signals/{signal.uuid}/hand-on",
        {"version": body["version"]},
        content_type="application/json",
    )
    assert again.status_code == 409
