"""The signal services: logging a contact, changing it, taking a web tip, opening a case."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from opennrm.accounts import permissions as perms
from opennrm.accounts.permissions import Actor
from opennrm.audit.models import AuditEvent
from opennrm.audit.services import audit_verify
from opennrm.cases.models import Case
from opennrm.crypto.keyring import blind_index
from opennrm.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from opennrm.hotline import services
from opennrm.hotline.models import Signal
from opennrm.people.models import Person
from tests.hotline.factories import DIANA_PHONE, record

SIGNAL_ROLES = {"hotline_operator", "case_worker", "supervisor"}


@pytest.fixture
def operator(world):
    return world.actor(world.b["hotline_operator"])


def test_a_call_needs_only_who_and_why(world, operator):
    before = timezone.now()
    signal = services.signal_record(actor=operator, caller_type="family", reason="safe_migration")
    assert signal.channel == "call"
    assert before <= signal.received_at <= timezone.now()
    assert signal.operator == operator.user and signal.organization == world.org_b
    assert signal.outcome == "" and signal.version == 1
    event = AuditEvent.objects.get(action="signal.record", object_id=signal.uuid)
    assert event.actor == operator.user and event.organization == world.org_b
    assert set(event.fields) == {"operator", "channel", "caller_type", "reason", "received_at"}


def test_every_field_and_the_audit_names_fields_never_values(world, operator):
    signal = services.signal_record(
        actor=operator,
        channel="chat",
        caller_type="potential_victim",
        reason="possible_trafficking",
        language="UZ",
        outcome="referred",
        follow_up_on=timezone.localdate() + timedelta(days=3),
        notes="  Passport taken by the employer in Almaty.  ",
        phone="+998 (90) 123-45-67",
    )
    signal.refresh_from_db()
    assert signal.language == "uz"
    assert signal.notes == "Passport taken by the employer in Almaty."
    assert signal.phone == "+998901234567"
    assert signal.phone_token == blind_index("+998901234567", purpose="phone")
    event = AuditEvent.objects.get(action="signal.record")
    assert {"notes", "phone", "follow_up_on", "outcome"} <= set(event.fields)
    dumped = str(list(AuditEvent.objects.values()))
    assert "Passport" not in dumped and "998901234567" not in dumped


def test_a_local_number_is_read_in_the_organization_s_country(world, operator):
    # Hotline B is in Uzbekistan: a number without its country code is an Uzbek one.
    signal = services.signal_record(
        actor=operator, caller_type="friend", reason="other", phone="90 123 45 67"
    )
    assert signal.phone == "+998901234567"


LONG = "x" * (services.MAX_NOTES + 1)


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("channel", {"channel": "fax"}),
        ("reason", {"reason": "smuggling"}),
        ("reason", {"reason": ""}),
        ("caller_type", {"caller_type": "neighbour"}),
        ("outcome", {"outcome": "solved"}),
        ("outcome", {"outcome": "case_opened"}),
        ("language", {"language": "xx"}),
        ("language", {"language": "russian"}),
        ("received_at", {"received_at": timezone.now() + timedelta(hours=2)}),
        ("received_at", {"received_at": "yesterday"}),
        ("follow_up_on", {"received_at": "2026-01-10T10:00", "follow_up_on": "2026-01-09"}),
        ("follow_up_on", {"follow_up_on": "2026-02-30"}),
        ("phone", {"phone": "12"}),
        ("phone", {"phone": "not a number"}),
        ("notes", {"notes": LONG}),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_saved(
    world, operator, field, changes
):
    data = {"caller_type": "potential_victim", "reason": "job_offer_check", **changes}
    with pytest.raises(ValidationFailed) as caught:
        services.signal_record(actor=operator, **data)
    assert field in caught.value.errors
    assert Signal.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="signal.").exists()
    message = " ".join(caught.value.errors[field])
    assert "123" not in message and "x" * 50 not in message


@pytest.mark.parametrize("role", ["service_provider", "law_enforcement_liaison", "data_analyst"])
def test_roles_without_the_right_cannot_log(world, role):
    with pytest.raises(PermissionDenied):
        record(world.b[role])
    assert Signal.objects.count() == 0


def test_update_is_version_checked_and_audited(world, operator):
    signal = record(world.b["hotline_operator"], phone=DIANA_PHONE)
    token = signal.phone_token
    updated = services.signal_update(
        actor=operator,
        signal=signal,
        version=1,
        outcome="information_given",
        phone="+7 701 555 01 42",
        notes="Gave the numbers of the consulate.",
    )
    assert updated.version == 2 and updated.phone_token != token
    event = AuditEvent.objects.get(action="signal.update")
    assert set(event.fields) == {"outcome", "phone", "notes"}
    with pytest.raises(Conflict):
        services.signal_update(actor=operator, signal=signal, version=1, outcome="no_action")
    # Nothing changed: no new version, no event.
    services.signal_update(actor=operator, signal=signal, version=2, outcome="information_given")
    assert Signal.objects.get().version == 2
    assert AuditEvent.objects.filter(action="signal.update").count() == 1
    cleared = services.signal_update(actor=operator, signal=signal, version=2, phone="")
    assert cleared.phone == "" and cleared.phone_token == ""


def test_another_organization_s_signal_is_not_found(world):
    signal = record(world.a["hotline_operator"])
    other = world.actor(world.b["supervisor"])
    with pytest.raises(NotFound):
        services.signal_update(actor=other, signal=signal, version=1, outcome="no_action")
    with pytest.raises(NotFound):
        services.signal_open_case(actor=other, signal=signal, version=1, person={})


def test_follow_up_done_and_a_new_follow_up(world, operator):
    today = timezone.localdate()
    signal = record(world.b["hotline_operator"], follow_up_on=today)
    signal = services.signal_update(actor=operator, signal=signal, version=1, followed_up_on=today)
    assert signal.followed_up_on == today and not signal.follow_up_open
    later = today + timedelta(days=7)
    signal = services.signal_update(actor=operator, signal=signal, version=2, follow_up_on=later)
    assert signal.follow_up_open and signal.followed_up_on is None
    with pytest.raises(ValidationFailed) as caught:
        services.signal_update(
            actor=operator, signal=signal, version=3, followed_up_on=today + timedelta(days=1)
        )
    assert "followed_up_on" in caught.value.errors
    plain = record(world.b["hotline_operator"])
    with pytest.raises(ValidationFailed) as caught:
        services.signal_update(actor=operator, signal=plain, version=1, followed_up_on=today)
    assert "followed_up_on" in caught.value.errors


def test_an_operator_takes_a_web_tip_once(world, operator):
    tip = services.web_tip_receive(
        organization=world.org_b, reason="job_offer_check", notes="Is this agency real?"
    )
    assert tip.channel == "web_tip" and tip.operator is None
    assert AuditEvent.objects.get(action="signal.receive").actor is None
    taken = services.signal_take(actor=operator, signal=tip)
    assert taken.operator == operator.user and taken.version == 2
    with pytest.raises(Conflict):
        services.signal_take(actor=world.actor(world.b["supervisor"]), signal=tip)
    with pytest.raises(NotFound):
        services.signal_take(actor=world.actor(world.a["hotline_operator"]), signal=tip)


def test_opening_a_case_from_a_signal(world, operator):
    signal = record(world.b["hotline_operator"], phone=DIANA_PHONE, language="uz")
    person = {"given_name": "Dilnoza", "gender": "Feminine", "phones": [DIANA_PHONE]}
    signal = services.signal_open_case(
        actor=operator,
        signal=signal,
        version=1,
        person=person,
        exploitation_types=["ForcedLabour"],
    )
    case = Case.objects.get()
    assert signal.case == case and signal.outcome == "case_opened" and signal.version == 2
    assert case.organization == world.org_b and case.owner == operator.user
    assert case.person.given_name == "Dilnoza" and case.exploitation_types == ["ForcedLabour"]
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions[-3:] == ["person.create", "case.open", "signal.open_case"]
    with pytest.raises(ValidationFailed) as caught:
        services.signal_open_case(actor=operator, signal=signal, version=2, person=person)
    assert "case" in caught.value.errors
    with pytest.raises(ValidationFailed) as caught:
        services.signal_update(actor=operator, signal=signal, version=2, outcome="referred")
    assert "outcome" in caught.value.errors
    assert audit_verify().ok


def test_a_refused_person_leaves_the_signal_as_it_was(world, operator):
    signal = record(world.b["hotline_operator"])
    with pytest.raises(ValidationFailed) as caught:
        services.signal_open_case(
            actor=operator,
            signal=signal,
            version=1,
            person={"given_name": "Dilnoza", "citizenship": "XX", "phones": ["12"]},
        )
    assert {"person.citizenship", "person.phones[0]"} <= set(caught.value.errors)
    assert Case.objects.count() == 0 and Person.objects.count() == 0
    signal.refresh_from_db()
    assert signal.case is None and signal.outcome == "" and signal.version == 1


def test_opening_a_case_needs_the_right_to_create_cases(world):
    membership = world.b["hotline_operator"]
    signal = record(membership)
    only_signals = Actor(
        user=membership.user,
        membership=membership,
        permissions=frozenset({perms.SIGNALS_VIEW, perms.SIGNALS_RECORD}),
    )
    with pytest.raises(PermissionDenied):
        services.signal_open_case(actor=only_signals, signal=signal, version=1, person={})
    assert Case.objects.count() == 0
