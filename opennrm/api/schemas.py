from datetime import datetime
from typing import Annotated
from uuid import UUID

from ninja import Field, Schema

from opennrm.accounts.models import IdentificationBy, OrganizationType, Role

from .common import In, OneOf


class MembershipOut(Schema):
    id: UUID
    organization_id: UUID
    organization_name: str
    role: Annotated[str, OneOf(Role)]


class MeOut(Schema):
    id: UUID
    email: str
    full_name: str
    is_platform_admin: bool
    active_membership: MembershipOut | None
    permissions: list[str]
    memberships: list[MembershipOut]


TIME_ZONE_DESCRIPTION = (
    'IANA time zone name (e.g. Asia/Almaty): the organization\'s "today", and the zone of '
    "a date-time given without an offset. Empty: the country's zone."
)


# Date-times are answered in UTC with their offset (``…Z``); this describes those taken in.
LOCAL_DATETIME_DESCRIPTION = (
    "ISO 8601 date-time. With an offset (2026-12-03T01:00+05:00, or Z for UTC) it is that "
    "moment; without one, it is the wall-clock time of the organization's time zone."
)


class OrganizationIn(In):
    name: str
    org_type: Annotated[str, OneOf(OrganizationType)]
    country: str
    city: str = ""
    phone: str = ""
    time_zone: str = Field("", description=TIME_ZONE_DESCRIPTION)


class OrganizationPatch(In):
    version: int
    name: str | None = None
    org_type: Annotated[str, OneOf(OrganizationType)] | None = None
    country: str | None = None
    city: str | None = None
    phone: str | None = None
    time_zone: str | None = Field(None, description=TIME_ZONE_DESCRIPTION)
    is_active: bool | None = None


class OrganizationOut(Schema):
    id: UUID
    name: str
    org_type: Annotated[str, OneOf(OrganizationType)]
    country: str
    city: str
    phone: str
    time_zone: str
    is_active: bool
    version: int
    created_at: datetime


class OrganizationSettingsOut(Schema):
    """The active organization's own settings."""

    time_zone: str = Field(description=TIME_ZONE_DESCRIPTION)
    identification_by: Annotated[str, OneOf(IdentificationBy)]
    reasonable_grounds_days: int = Field(
        description="The reasonable-grounds decision is due this many days after the case opens."
    )
    reflection_days: int = Field(
        description="The recovery and reflection period, from the approved reasonable-grounds "
        "decision."
    )
    match_hints: bool = Field(
        description="Whether the organization takes part in the duplicate check across "
        "organizations (reciprocal: off, its persons are never offered and its members see no "
        "hints)."
    )
    version: int


class OrganizationSettingsPatch(In):
    """A setting left out keeps its value."""

    version: int
    time_zone: str | None = Field(None, description=TIME_ZONE_DESCRIPTION)
    identification_by: Annotated[str, OneOf(IdentificationBy)] | None = None
    reasonable_grounds_days: int | None = Field(None, description="1 to 90.")
    reflection_days: int | None = Field(None, description="30 to 365.")
    match_hints: bool | None = None
