"""The directory API, /api/v1/directory: services and hotline numbers of every organization
(``directory.view``); an organization's managers (``directory.manage``) list, change and withdraw
their own. Contacts are organizations' own, never persons'.

No ``from __future__ import annotations`` here: django-ninja reads the parameter annotations of
paginated operations through its decorator, where string annotations cannot be resolved.
"""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from opennrm.api import common
from opennrm.api.common import ERRORS, In, OneOf, Params, UuidOut
from opennrm.api.pagination import Page
from opennrm.cases.choices import ServiceType
from opennrm.directory import selectors, services
from opennrm.directory.models import DirectoryEntry, HotlineNumber

router = Router(tags=["directory"])


class DirectoryEntryIn(In):
    service_type: Annotated[str, OneOf(ServiceType)]
    description: str = ""
    languages: list[str] = []
    countries: list[str] = []
    region: str = ""
    hours: str = ""
    capacity_free: int | None = None
    capacity_total: int | None = None
    capacity_unit: str = ""
    contact_phone: str = ""
    contact_email: str = ""


class DirectoryEntryPatch(In):
    version: int
    service_type: Annotated[str, OneOf(ServiceType)] | None = None
    description: str | None = None
    languages: list[str] | None = None
    countries: list[str] | None = None
    region: str | None = None
    hours: str | None = None
    capacity_free: int | None = None
    capacity_total: int | None = None
    capacity_unit: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None


class HotlineNumberIn(In):
    country: str
    number: str
    languages: list[str] = []
    hours: str = ""
    free_of_charge: bool = False


class HotlineNumberPatch(In):
    version: int
    country: str | None = None
    number: str | None = None
    languages: list[str] | None = None
    hours: str | None = None
    free_of_charge: bool | None = None


class EntryFilters(Params):
    service_type: str = ""
    country: str = ""
    city: str = ""
    language: str = ""
    organization_id: UUID | None = None


class HotlineFiltersIn(Params):
    country: str = ""
    language: str = ""
    organization_id: UUID | None = None


class OrganizationRef(Schema):
    id: UUID
    name: str
    org_type: str
    country: str
    city: str


class DirectoryEntryOut(UuidOut):
    version: int
    organization: OrganizationRef
    service_type: Annotated[str, OneOf(ServiceType)]
    description: str
    languages: list[str]
    countries: list[str]
    region: str
    hours: str
    capacity_free: int | None
    capacity_total: int | None
    capacity_unit: str
    contact_phone: str
    contact_email: str
    is_listed: bool
    is_demo: bool
    updated_at: datetime

    @staticmethod
    def resolve_organization(obj: DirectoryEntry) -> dict:
        return _organization_ref(obj)

    @staticmethod
    def resolve_is_listed(obj: DirectoryEntry) -> bool:
        return obj.is_active


class HotlineNumberOut(UuidOut):
    version: int
    organization: OrganizationRef
    country: str
    number: str
    languages: list[str]
    hours: str
    free_of_charge: bool
    is_listed: bool
    is_demo: bool
    updated_at: datetime

    @staticmethod
    def resolve_organization(obj: HotlineNumber) -> dict:
        return _organization_ref(obj)

    @staticmethod
    def resolve_is_listed(obj: HotlineNumber) -> bool:
        return obj.is_active


def _organization_ref(obj: DirectoryEntry | HotlineNumber) -> dict:
    org = obj.organization
    return {
        "id": org.uuid,
        "name": org.name,
        "org_type": org.org_type,
        "country": org.country,
        "city": org.city,
    }


# --- Services offered.


@router.get("/services", response={200: list[DirectoryEntryOut], **ERRORS})
@paginate(Page)
def directory_entry_list(
    request: HttpRequest, filters: Query[EntryFilters]
) -> QuerySet[DirectoryEntry]:
    """Listed services of every organization, by service type, country, city and language."""
    return selectors.directory_entry_list(
        actor=common.actor(request), filters=selectors.DirectoryFilters(**filters.dict())
    )


@router.post("/services", response={201: DirectoryEntryOut, **ERRORS})
def directory_entry_create(request: HttpRequest, payload: DirectoryEntryIn) -> Status:
    """List a service of the caller's organization."""
    entry = services.directory_entry_create(actor=common.actor(request), **payload.dict())
    return Status(201, entry)


@router.get("/services/{entry_id}", response={200: DirectoryEntryOut, **ERRORS})
def directory_entry_get(request: HttpRequest, entry_id: UUID) -> DirectoryEntry:
    return selectors.directory_entry_get(actor=common.actor(request), entry_id=entry_id)


@router.patch("/services/{entry_id}", response={200: DirectoryEntryOut, **ERRORS})
def directory_entry_update(
    request: HttpRequest, entry_id: UUID, payload: DirectoryEntryPatch
) -> DirectoryEntry:
    """Change one of the organization's services; ``version`` must be the one read (409)."""
    actor = common.actor(request)
    entry = selectors.directory_entry_own(actor=actor, entry_id=entry_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    return services.directory_entry_update(actor=actor, entry=entry, version=version, **changes)


@router.post("/services/{entry_id}/withdraw", response={200: DirectoryEntryOut, **ERRORS})
def directory_entry_withdraw(request: HttpRequest, entry_id: UUID) -> DirectoryEntry:
    """Take one of the organization's services off the directory (kept, unlisted)."""
    actor = common.actor(request)
    entry = selectors.directory_entry_own(actor=actor, entry_id=entry_id)
    return services.directory_entry_withdraw(actor=actor, entry=entry)


@router.post("/services/{entry_id}/relist", response={200: DirectoryEntryOut, **ERRORS})
def directory_entry_relist(request: HttpRequest, entry_id: UUID) -> DirectoryEntry:
    """List a withdrawn service again."""
    actor = common.actor(request)
    entry = selectors.directory_entry_own(actor=actor, entry_id=entry_id)
    return services.directory_entry_relist(actor=actor, entry=entry)


# --- Hotline numbers.


@router.get("/hotlines", response={200: list[HotlineNumberOut], **ERRORS})
@paginate(Page)
def hotline_number_list(
    request: HttpRequest, filters: Query[HotlineFiltersIn]
) -> QuerySet[HotlineNumber]:
    """Listed hotline numbers, by country and language."""
    return selectors.hotline_number_list(
        actor=common.actor(request), filters=selectors.HotlineFilters(**filters.dict())
    )


@router.post("/hotlines", response={201: HotlineNumberOut, **ERRORS})
def hotline_number_create(request: HttpRequest, payload: HotlineNumberIn) -> Status:
    """List a hotline number run by the caller's organization."""
    hotline = services.hotline_number_create(actor=common.actor(request), **payload.dict())
    return Status(201, hotline)


@router.get("/hotlines/{hotline_id}", response={200: HotlineNumberOut, **ERRORS})
def hotline_number_get(request: HttpRequest, hotline_id: UUID) -> HotlineNumber:
    return selectors.hotline_number_get(actor=common.actor(request), hotline_id=hotline_id)


@router.patch("/hotlines/{hotline_id}", response={200: HotlineNumberOut, **ERRORS})
def hotline_number_update(
    request: HttpRequest, hotline_id: UUID, payload: HotlineNumberPatch
) -> HotlineNumber:
    """Change one of the organization's hotline numbers; ``version`` as read (409)."""
    actor = common.actor(request)
    hotline = selectors.hotline_number_own(actor=actor, hotline_id=hotline_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    return services.hotline_number_update(actor=actor, hotline=hotline, version=version, **changes)


@router.post("/hotlines/{hotline_id}/withdraw", response={200: HotlineNumberOut, **ERRORS})
def hotline_number_withdraw(request: HttpRequest, hotline_id: UUID) -> HotlineNumber:
    """Take one of the organization's hotline numbers off the directory."""
    actor = common.actor(request)
    hotline = selectors.hotline_number_own(actor=actor, hotline_id=hotline_id)
    return services.hotline_number_withdraw(actor=actor, hotline=hotline)
