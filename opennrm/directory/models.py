"""The service directory: what each organization offers, where, in which languages, and the
hotline numbers by country.

Everything here is about organizations, never about persons: contacts are an organization's own
phone and e-mail, public information that every member may read (the public portal will show the
hotline numbers). Languages and countries are stored as ``;ru;kk;`` text so that "offers it in
Uzbek" and "serves Tajikistan" are portable LIKE filters on SQLite and PostgreSQL alike.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opennrm.cases.choices import ServiceType
from opennrm.cases.fields import MultiChoiceField


class DirectoryEntry(models.Model):
    """One service an organization offers: its type, where, in which languages, when, how many
    places are free, and how to reach the organization for it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="directory_entries"
    )
    service_type = models.CharField(_("service"), max_length=30, choices=ServiceType.choices)
    description = models.TextField(_("description"), blank=True)
    languages = MultiChoiceField(_("languages"))  # ISO 639-1 (or 639-3) codes
    countries = MultiChoiceField(_("countries served"))  # ISO 3166 alpha-2 codes
    region = models.CharField(_("region or cities served"), max_length=200, blank=True)
    hours = models.CharField(_("hours"), max_length=200, blank=True)
    capacity_free = models.PositiveIntegerField(_("places free"), null=True, blank=True)
    capacity_total = models.PositiveIntegerField(_("places in all"), null=True, blank=True)
    capacity_unit = models.CharField(_("places are"), max_length=60, blank=True)
    contact_phone = models.CharField(_("organization's phone"), max_length=20, blank=True)
    contact_email = models.EmailField(_("organization's e-mail"), blank=True)
    is_active = models.BooleanField(_("listed"), default=True)
    # Made up for the demo: the contact details are invented, never to be published.
    is_demo = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["organization__name", "service_type", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(service_type__in=ServiceType.values), name="directory_entry_type"
            ),
            models.CheckConstraint(
                condition=Q(capacity_free__isnull=True)
                | Q(capacity_total__isnull=True)
                | Q(capacity_free__lte=models.F("capacity_total")),
                name="directory_entry_capacity",
            ),
        ]
        indexes = [
            models.Index(fields=["is_active", "service_type"], name="directory_entry_type_idx"),
            models.Index(fields=["organization", "is_active"], name="directory_entry_org_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.service_type}"


class HotlineNumber(models.Model):
    """A number people in a country can call for help: who answers, when, in which languages,
    and whether the call is free."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="hotline_numbers"
    )
    country = models.CharField(_("country"), max_length=2)  # ISO 3166 alpha-2
    number = models.CharField(_("number"), max_length=20)  # E.164, or a short number's digits
    languages = MultiChoiceField(_("languages"))
    hours = models.CharField(_("hours"), max_length=200, blank=True)
    free_of_charge = models.BooleanField(_("free of charge"), default=False)
    is_active = models.BooleanField(_("listed"), default=True)
    is_demo = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["country", "organization__name", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "number"],
                condition=Q(is_active=True),
                name="hotline_number_unique_listed",
            ),
        ]
        indexes = [models.Index(fields=["is_active", "country"], name="hotline_number_country")]

    def __str__(self) -> str:
        return f"{self.country} {self.number}"
