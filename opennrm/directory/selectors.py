"""Reads of the service directory. Every member may search it (``directory.view``); an
organization's managers (``directory.manage``) edit their own organization's entries only.

Directory data describes organizations, not persons: reads are not audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.db.models import Q, QuerySet

from opennrm.accounts import permissions as perms
from opennrm.accounts.models import Organization
from opennrm.accounts.permissions import Actor
from opennrm.cases.fields import has
from opennrm.errors import NotFound

from .models import DirectoryEntry, HotlineNumber


@dataclass
class DirectoryFilters:
    service_type: str = ""
    country: str = ""  # ISO 3166 alpha-2
    city: str = ""  # a city or region, matched in the organization's city and the area served
    language: str = ""  # ISO 639 code
    organization_id: UUID | None = None


def _listed_entries() -> QuerySet[DirectoryEntry]:
    return DirectoryEntry.objects.filter(is_active=True, organization__is_active=True)


def directory_entry_list(
    *, actor: Actor, filters: DirectoryFilters | None = None
) -> QuerySet[DirectoryEntry]:
    """Listed services of every organization, by service type, place and language.

    A service without countries of its own serves its organization's country.
    """
    actor.require(perms.DIRECTORY_VIEW)
    f = filters or DirectoryFilters()
    entries = _listed_entries()
    if f.service_type:
        entries = entries.filter(service_type=f.service_type)
    if f.country:
        country = f.country.strip().upper()
        entries = entries.filter(
            has("countries", country) | Q(countries="", organization__country=country)
        )
    if f.city:
        city = f.city.strip()
        entries = entries.filter(Q(organization__city__icontains=city) | Q(region__icontains=city))
    if f.language:
        entries = entries.filter(has("languages", f.language.strip().lower()))
    if f.organization_id:
        entries = entries.filter(organization__uuid=f.organization_id)
    return entries.select_related("organization").order_by(
        "organization__name", "service_type", "id"
    )


def directory_entry_get(*, actor: Actor, entry_id: UUID | str) -> DirectoryEntry:
    """One listed service; a withdrawn one is found by its own organization's managers only."""
    actor.require(perms.DIRECTORY_VIEW)
    visible = Q(is_active=True, organization__is_active=True)
    if actor.can(perms.DIRECTORY_MANAGE):
        visible |= Q(organization=actor.organization)
    try:
        return (
            DirectoryEntry.objects.filter(visible).select_related("organization").get(uuid=entry_id)
        )
    except (DirectoryEntry.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such service in the directory.") from None


def directory_entry_own(*, actor: Actor, entry_id: UUID | str) -> DirectoryEntry:
    """An entry of the actor's organization, for editing; NotFound for another's."""
    actor.require(perms.DIRECTORY_MANAGE)
    try:
        return DirectoryEntry.objects.select_related("organization").get(
            uuid=entry_id, organization=actor.organization
        )
    except (DirectoryEntry.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such service in the directory.") from None


@dataclass
class HotlineFilters:
    country: str = ""
    language: str = ""
    organization_id: UUID | None = None


def _listed_hotlines(filters: HotlineFilters | None) -> QuerySet[HotlineNumber]:
    f = filters or HotlineFilters()
    numbers = HotlineNumber.objects.filter(is_active=True, organization__is_active=True)
    if f.country:
        numbers = numbers.filter(country=f.country.strip().upper())
    if f.language:
        numbers = numbers.filter(has("languages", f.language.strip().lower()))
    if f.organization_id:
        numbers = numbers.filter(organization__uuid=f.organization_id)
    return numbers.select_related("organization").order_by(
        "country", "organization__name", "number"
    )


def hotline_number_list(
    *, actor: Actor, filters: HotlineFilters | None = None
) -> QuerySet[HotlineNumber]:
    """Listed hotline numbers, by country and language."""
    actor.require(perms.DIRECTORY_VIEW)
    return _listed_hotlines(filters)


def hotline_number_public_list(
    *, country: str = "", include_demo: bool = False
) -> QuerySet[HotlineNumber]:
    """The listed hotline numbers for the public portal (no actor: public information), without
    the demo ones (but on a demo install, which asks for them to show its portal working)."""
    numbers = _listed_hotlines(HotlineFilters(country=country))
    return numbers if include_demo else numbers.filter(is_demo=False)


def hotline_number_get(*, actor: Actor, hotline_id: UUID | str) -> HotlineNumber:
    """One listed hotline number; a withdrawn one only for its own organization's managers."""
    actor.require(perms.DIRECTORY_VIEW)
    visible = Q(is_active=True, organization__is_active=True)
    if actor.can(perms.DIRECTORY_MANAGE):
        visible |= Q(organization=actor.organization)
    try:
        return (
            HotlineNumber.objects.filter(visible)
            .select_related("organization")
            .get(uuid=hotline_id)
        )
    except (HotlineNumber.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such hotline number.") from None


def hotline_number_own(*, actor: Actor, hotline_id: UUID | str) -> HotlineNumber:
    """A hotline number of the actor's organization, for editing; NotFound for another's."""
    actor.require(perms.DIRECTORY_MANAGE)
    try:
        return HotlineNumber.objects.select_related("organization").get(
            uuid=hotline_id, organization=actor.organization
        )
    except (HotlineNumber.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such hotline number.") from None


@dataclass
class OrganizationDirectory:
    organization: Organization
    entries: list[DirectoryEntry]
    hotlines: list[HotlineNumber]


def directory_organization(*, actor: Actor, organization_id: UUID | str) -> OrganizationDirectory:
    """An active organization's page in the directory: its listed services and hotlines (the
    withdrawn ones too, to its own managers)."""
    actor.require(perms.DIRECTORY_VIEW)
    try:
        organization = Organization.objects.get(uuid=organization_id, is_active=True)
    except (Organization.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such organization.") from None
    own = actor.can(perms.DIRECTORY_MANAGE) and organization == actor.organization
    entries = DirectoryEntry.objects.filter(organization=organization)
    hotlines = HotlineNumber.objects.filter(organization=organization)
    if not own:
        entries, hotlines = entries.filter(is_active=True), hotlines.filter(is_active=True)
    return OrganizationDirectory(
        organization=organization,
        entries=list(entries.order_by("-is_active", "service_type", "id")),
        hotlines=list(hotlines.order_by("-is_active", "country", "number")),
    )


def organizations_offering(*, actor: Actor, service_type: str) -> QuerySet[Organization]:
    """Active organizations listing ``service_type``: for choosing where to refer."""
    actor.require(perms.DIRECTORY_VIEW)
    return Organization.objects.filter(
        is_active=True,
        directory_entries__is_active=True,
        directory_entries__service_type=service_type,
    ).distinct()
