"""The test world's "today": its organizations are in Almaty and Tashkent (UTC+5), and every
service reads the organization's own day. From 19:00 UTC that is already tomorrow, so a test that
types UTC's date writes a day the service sees as yesterday (before an acceptance, say)."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from django.utils import timezone

WORLD_ZONE = ZoneInfo("Asia/Almaty")  # and Tashkent: both UTC+5


def world_today() -> date:
    return timezone.localdate(timezone=WORLD_ZONE)
