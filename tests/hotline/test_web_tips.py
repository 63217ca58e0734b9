"""Web tips from the public portal: what the sender may give (a country, a phone, how to reach them
safely), bounded, encrypted where it may identify them, and cleared like a call's phone."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection

from opennrm.audit.models import AuditEvent
from opennrm.errors import ValidationFailed
from opennrm.hotline import services
from opennrm.hotline.models import Signal
from tests.support.clock import at

MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Asia/Tashkent"))
SAFE = "Only text messages after 6 pm, say it is the clinic"


def test_a_web_tip_keeps_the_country_and_how_to_reach_the_sender_encrypted(world):
    tip = services.web_tip_receive(
        organization=world.org_b,
        notes="Мою сестру держат в кафе.",
        country="KZ",
        phone="+998 90 765 43 21",
        safe_contact=SAFE,
        language="ru",
    )
    tip.refresh_from_db()
    assert (tip.country, tip.safe_contact, tip.phone) == ("KZ", SAFE, "+998907654321")
    with connection.cursor() as cursor:
        cursor.execute("SELECT safe_contact, country FROM hotline_signal WHERE id = %s", [tip.pk])
        raw_contact, raw_country = cursor.fetchone()
    assert "text messages" not in raw_contact and raw_country == "KZ"
    event = AuditEvent.objects.get(action="signal.receive")
    assert {"safe_contact", "country", "phone", "notes"} <= set(event.fields)
    assert SAFE not in str(event.fields)


def test_a_web_tip_is_at_most_4000_characters_and_every_bad_field_is_named_at_once(world):
    assert len(services.web_tip_receive(organization=world.org_b, notes="x" * 4000).notes) == 4000
    with pytest.raises(ValidationFailed) as refused:
        services.web_tip_receive(
            organization=world.org_b,
            notes="x" * 6000,
            country="XX",
            phone="12",
            safe_contact="y" * 501,
        )
    errors = refused.value.errors
    assert set(errors) == {"notes", "country", "phone", "safe_contact"}
    assert errors["notes"] == ["At most 4000 characters (this has 6000)."]
    assert Signal.objects.count() == 1


def test_how_to_reach_the_sender_is_cleared_with_the_phone(world, settings):
    settings.OPENNRM_HOTLINE_RETENTION_DAYS = 30
    operator = world.actor(world.b["hotline_operator"])
    with at(MONDAY):
        tip = services.web_tip_receive(
            organization=world.org_b, notes="Help", safe_contact=SAFE, country="KZ"
        )
        tip = services.signal_hand_on(actor=operator, signal=tip, version=tip.version)
    with at(MONDAY + timedelta(days=30)):
        call_command("hotline_clear_closed", stdout=StringIO())
    tip.refresh_from_db()
    assert tip.safe_contact == tip.notes == "" and tip.country == "KZ"
    event = AuditEvent.objects.get(action="signal.clear")
    assert set(event.fields) == {"notes", "safe_contact", "cleared_at"}


def test_the_signal_page_shows_the_country_and_how_to_reach_them_to_those_who_may(world, signed_in):
    tip = services.web_tip_receive(
        organization=world.org_b, notes="Help", safe_contact=SAFE, country="KZ"
    )
    operator = world.b["hotline_operator"]
    page = signed_in(operator.user, operator).get(f"/hotline/{tip.uuid}/").content.decode()
    assert "Kazakhstan" in page and SAFE in page


def test_the_api_gives_the_country_and_how_to_reach_the_sender(world, signed_in):
    tip = services.web_tip_receive(
        organization=world.org_b, notes="Help", safe_contact=SAFE, country="KZ"
    )
    member = world.b["hotline_operator"]
    response = signed_in(member.user, member).get(f"/api/v1/signals/{tip.uuid}")
    assert response.status_code == 200
    assert (response.json()["country"], response.json()["safe_contact"]) == ("KZ", SAFE)
