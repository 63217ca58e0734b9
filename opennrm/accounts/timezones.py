"""Organizations' time zones: the default for a country, and "now" and "today" where they work.

Times are stored in UTC. Each request runs in its organization's zone (``OrganizationTimeZone
Middleware``, the API's authentication), so pages show and forms read local time; services and
selectors compute "today" with ``local_today(organization)``, whoever calls them (a page, the
API, the worker), so a date is never refused as "in the future" because UTC is a day behind.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, tzinfo
from functools import cache
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from .models import Organization

DEFAULT_TIME_ZONE = "UTC"

# The zone an organization of a country gets unless its admin chooses another (the capital's,
# or the most populous one's). Countries not listed start in UTC.
COUNTRY_TIME_ZONES: dict[str, str] = {
    "AE": "Asia/Dubai",
    "AF": "Asia/Kabul",
    "AM": "Asia/Yerevan",
    "AZ": "Asia/Baku",
    "BY": "Europe/Minsk",
    "CN": "Asia/Shanghai",
    "DE": "Europe/Berlin",
    "GB": "Europe/London",
    "GE": "Asia/Tbilisi",
    "IN": "Asia/Kolkata",
    "IR": "Asia/Tehran",
    "KG": "Asia/Bishkek",
    "KR": "Asia/Seoul",
    "KZ": "Asia/Almaty",
    "MD": "Europe/Chisinau",
    "MN": "Asia/Ulaanbaatar",
    "PK": "Asia/Karachi",
    "RU": "Europe/Moscow",
    "TH": "Asia/Bangkok",
    "TJ": "Asia/Dushanbe",
    "TM": "Asia/Ashgabat",
    "TR": "Europe/Istanbul",
    "UA": "Europe/Kyiv",
    "UZ": "Asia/Tashkent",
}


@cache
def time_zone_names() -> frozenset[str]:
    """Every IANA zone name this installation knows (the ``tzdata`` package guarantees them)."""
    return frozenset(zoneinfo.available_timezones())


def time_zone_choices() -> list[tuple[str, str]]:
    """The zones to pick from, by name (``Asia/Almaty``)."""
    return [(name, name) for name in sorted(time_zone_names())]


def time_zone_default(country: str) -> str:
    """The zone an organization in ``country`` (ISO 3166 alpha-2) starts with; UTC if unknown."""
    return COUNTRY_TIME_ZONES.get((country or "").strip().upper(), DEFAULT_TIME_ZONE)


def validate_time_zone(value: str) -> None:
    """Refuse a name that is not an IANA time zone (the model field's validator)."""
    if value not in time_zone_names():
        raise ValidationError(
            _("Not a known time zone; choose one from the list (for example Asia/Almaty)."),
            code="invalid_time_zone",
        )


def organization_zone(organization: Organization | None) -> tzinfo:
    """The organization's zone; without an organization, the zone active now (UTC by default)."""
    if organization is None:
        return timezone.get_current_timezone()
    try:
        return zoneinfo.ZoneInfo(organization.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.get_default_timezone()


def local_now(organization: Organization | None) -> datetime:
    """The present moment, on the organization's clock (an aware datetime)."""
    return timezone.localtime(timezone.now(), organization_zone(organization))


def local_today(organization: Organization | None) -> date:
    """Today's date where the organization is: what "today" and "in the future" mean for it."""
    return local_now(organization).date()


def local_date(moment: datetime, organization: Organization | None) -> date:
    """The organization's calendar date of an aware moment."""
    return timezone.localtime(moment, organization_zone(organization)).date()


def as_aware(moment: datetime, organization: Organization | None) -> datetime:
    """An aware datetime as given; a naive one read as the organization's wall-clock time."""
    if timezone.is_aware(moment):
        return moment
    return timezone.make_aware(moment, organization_zone(organization))
