from datetime import datetime
from uuid import UUID

from ninja import Schema


class MembershipOut(Schema):
    id: UUID
    organization_id: UUID
    organization_name: str
    role: str


class MeOut(Schema):
    id: UUID
    email: str
    full_name: str
    is_platform_admin: bool
    active_membership: MembershipOut | None
    permissions: list[str]
    memberships: list[MembershipOut]


class OrganizationIn(Schema):
    name: str
    org_type: str
    country: str
    city: str = ""
    phone: str = ""


class OrganizationPatch(Schema):
    version: int
    name: str | None = None
    org_type: str | None = None
    country: str | None = None
    city: str | None = None
    phone: str | None = None
    is_active: bool | None = None


class OrganizationOut(Schema):
    id: UUID
    name: str
    org_type: str
    country: str
    city: str
    phone: str
    is_active: bool
    version: int
    created_at: datetime
