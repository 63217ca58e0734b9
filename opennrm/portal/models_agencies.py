"""The registry of licensed recruitment and travel agencies that the portal searches (0027).

Kept by the regulator of a country (``accounts.Role.REGULATOR``) through the services in
``portal.agencies``; read by anyone through the public lookup. Nothing here is about a person.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

__all__ = [
    "Agency",
    "AgencyKind",
    "AgencyRegistryUpdate",
    "AgencyStatus",
    "JobOfferCheckCount",
    "RegistryUpdateSource",
]


class AgencyStatus(models.TextChoices):
    ACTIVE = "active", _("Licensed")
    SUSPENDED = "suspended", _("Licence suspended")
    REVOKED = "revoked", _("Licence revoked")
    EXPIRED = "expired", _("Licence expired")


class AgencyKind(models.TextChoices):
    RECRUITMENT = "recruitment", _("Recruitment agency")
    TRAVEL = "travel", _("Travel agency")


class Agency(models.Model):
    """A licensed (or formerly licensed) agency: one licence number per country."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166 alpha-2 code"))
    licence_number = models.CharField(_("licence number"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=AgencyKind.choices)
    status = models.CharField(_("status"), max_length=20, choices=AgencyStatus.choices)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    issuing_authority = models.CharField(_("issuing authority"), max_length=200)
    city = models.CharField(_("city"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    # The name and the licence number folded for search: lower-case Latin letters and digits,
    # Cyrillic transliterated (portal.agencies.search_key), so "ОРИЕНТ" finds "Orient".
    name_key = models.CharField(max_length=400, editable=False)
    licence_key = models.CharField(max_length=60, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            # Licence numbers compared as folded ("KZ-0012" is "kz 0012"): one agency per licence.
            models.UniqueConstraint(
                fields=["country", "licence_key"], name="agency_licence_country"
            ),
            models.CheckConstraint(
                condition=Q(status__in=AgencyStatus.values), name="agency_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=AgencyKind.values), name="agency_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.licence_number})"


class RegistryUpdateSource(models.TextChoices):
    FORM = "form", _("Edited on the page")
    IMPORT = "import", _("Imported from a file")


class AgencyRegistryUpdate(models.Model):
    """One change of the registry (an edit or an import): when, by whom, how many rows; the
    public page shows only when."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    country = models.CharField(max_length=2)
    source = models.CharField(max_length=10, choices=RegistryUpdateSource.choices)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=RegistryUpdateSource.values),
                name="agency_registry_update_source_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country} {self.source} {self.at:%Y-%m-%d}"


class JobOfferCheckCount(models.Model):
    """How many job-offer checks were made on a day, and how often each warning sign was found
    (``sign`` empty: the checks themselves). Nothing a person entered is kept (decision 0027)."""

    day = models.DateField()
    sign = models.CharField(max_length=40, blank=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day", "sign"]
        constraints = [
            models.UniqueConstraint(fields=["day", "sign"], name="job_offer_count_day_sign"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.sign or 'checks'}: {self.count}"
