from datetime import datetime
from typing import Annotated
from uuid import UUID

from ninja import Schema

from opennrm.accounts.models import OrganizationType, Role

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


class OrganizationIn(In):
    name: str
    org_type: Annotated[str, OneOf(OrganizationType)]
    country: str
    city: str = ""
    phone: str = ""


class OrganizationPatch(In):
    version: int
    name: str | None = None
    org_type: Annotated[str, OneOf(OrganizationType)] | None = None
    country: str | None = None
    city: str | None = None
    phone: str | None = None
    is_active: bool | None = None


class OrganizationOut(Schema):
    id: UUID
    name: str
    org_type: Annotated[str, OneOf(OrganizationType)]
    country: str
    city: str
    phone: str
    is_active: bool
    version: int
    created_at: datetime
