"""``audit_record`` takes the acting Actor and an app's action enum; pages name actions through
the registry, so the case page names no other app's action."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models, transaction

from opennrm.accounts.permissions import Actor
from opennrm.audit import actions
from opennrm.audit.actions import AuditAction, action_label, actions_register
from opennrm.audit.models import AuditEvent
from opennrm.audit.services import audit_record
from opennrm.cases.audit import CaseAction
from opennrm.hotline import services as hotline_services
from tests.cases.factories import DIANA_CASE, DIANA_PERSON
from tests.hotline.factories import record

ROOT = Path(__file__).resolve().parents[2] / "opennrm"


def test_the_event_takes_the_user_and_organization_of_the_actor(world):
    member = world.a["case_worker"]
    with transaction.atomic():
        event = audit_record(
            actor=world.actor(member), action=AuditAction.READ, obj=world.org_a, fields=["x"]
        )
    assert event.actor == member.user
    assert event.organization == world.org_a
    assert event.action == "read"


def test_another_organization_is_named_explicitly_and_a_job_acts_for_no_one(world):
    member = world.a["case_worker"]
    with transaction.atomic():
        under_b = audit_record(
            actor=world.actor(member), organization=world.org_b, action=AuditAction.READ
        )
        job = audit_record(actor=None, organization=world.org_b, action=AuditAction.READ)
        alone = audit_record(actor=Actor(user=member.user), action=AuditAction.READ)
    assert (under_b.actor, under_b.organization) == (member.user, world.org_b)
    assert (job.actor, job.organization) == (None, world.org_b)
    assert (alone.actor, alone.organization) == (member.user, None)


def test_a_bare_action_string_or_a_user_in_place_of_the_actor_is_refused(world):
    before = AuditEvent.objects.count()
    member = world.a["case_worker"]
    with transaction.atomic():
        with pytest.raises(TypeError, match="registered action enum"):
            audit_record(actor=world.actor(member), action="case.open")  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="Actor"):
            audit_record(actor=member.user, action=CaseAction.OPEN)
    assert AuditEvent.objects.count() == before


def test_every_app_registers_its_actions_and_a_value_belongs_to_one_app():
    for label in ("cases", "people", "hotline", "screening", "returns", "referrals"):
        module = __import__(f"opennrm.{label}.audit", fromlist=["*"])
        enums = [
            value
            for value in vars(module).values()
            if isinstance(value, type) and issubclass(value, models.TextChoices)
        ]
        assert enums, label
        for enum in enums:
            for action in enum:
                assert actions.action_registered(action), action
    assert action_label("case.open") == "Case opened"
    assert action_label("signal.open_case") == "Case opened from a hotline contact"
    assert action_label("no.such") == "no.such"

    class Clash(models.TextChoices):
        OPEN = "case.open", "Opened twice"

    with pytest.raises(ValueError, match="case.open"):
        actions_register(Clash)
    assert action_label("case.open") == "Case opened"


def test_every_action_a_service_writes_is_registered(world):
    """Every stored action, after work in many apps, has a label of its own app."""
    assert apps.ready
    for event_action in AuditEvent.objects.values_list("action", flat=True).distinct():
        assert action_label(event_action) != event_action, event_action


def test_the_case_page_names_no_action_itself():
    """The case views once listed the labels of the hotline's, screening's and returns' actions;
    each app now owns its labels."""
    views = ROOT / "cases" / "views"
    paths = sorted(views.glob("*.py")) if views.is_dir() else [ROOT / "cases" / "views.py"]
    source = "".join(path.read_text() for path in paths)
    quoted = set(re.findall(r"\"([a-z_]+\.[a-z_]+)\"", source))
    assert not quoted & set(actions._registry), quoted & set(actions._registry)


def test_case_history_shows_the_labels_of_other_apps(world, signed_in):
    worker = world.a["case_worker"]
    signal = record(worker)
    signal = hotline_services.signal_open_case(
        actor=world.actor(worker),
        signal=signal,
        version=signal.version,
        person=dict(DIANA_PERSON),
        opened_on=date(2005, 10, 3),
        **DIANA_CASE,
    )
    client = signed_in(worker.user, worker)
    html = client.get(f"/cases/{signal.case.uuid}/history/").content.decode()
    assert "Case opened from a hotline contact" in html  # hotline's label
    assert "Person recorded" in html  # people's label
    assert "Case opened" in html  # the case's own
    assert "signal.open_case" not in html
