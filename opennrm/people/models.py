"""Persons: identifying data encrypted at rest, statistical data plain (HTCDS ``prs_``)."""

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opennrm.crypto.fields import EncryptedJSONField, EncryptedTextField


class Gender(models.TextChoices):
    """HTCDS ``prs_Gender``."""

    FEMININE = "Feminine", _("Female")
    MASCULINE = "Masculine", _("Male")
    TRANSGENDER_FEMININE = "TransgenderFeminine", _("Transgender feminine")
    TRANSGENDER_MASCULINE = "TransgenderMasculine", _("Transgender masculine")
    NON_CONFORMING = "NonConforming", _("Non-conforming")
    UNKNOWN = "NonSpecifiedUnknown", _("Not specified / unknown")


class MaritalStatus(models.TextChoices):
    """HTCDS ``prs_MaritalStatus``."""

    SINGLE = "Single", _("Single")
    MARRIED = "Married", _("Married")
    WIDOWED = "Widowed", _("Widowed")
    DIVORCED = "Divorced", _("Divorced")
    SEPARATED = "Separated", _("Separated")
    REGISTERED_PARTNERSHIP = "RegisteredPartnership", _("Registered partnership")


class Education(models.TextChoices):
    """HTCDS ``prs_HighestLevelOfEducation`` (ISCED 2011)."""

    EARLY_CHILDHOOD = "EarlyChildhoodEducation", _("Early childhood education")
    PRIMARY = "PrimaryEducation", _("Primary education")
    LOWER_SECONDARY = "LowerSecondaryEducation", _("Lower secondary education")
    UPPER_SECONDARY = "UpperSecondaryEducation", _("Upper secondary education")
    POST_SECONDARY = "PostSecondaryNonTertiaryEducation", _("Post-secondary non-tertiary")
    SHORT_TERTIARY = "ShortCycleTertiaryEducation", _("Short-cycle tertiary education")
    BACHELOR = "BachelorsOrEquivalentLevel", _("Bachelor's or equivalent")
    MASTER = "MastersOrEquivalentLevel", _("Master's or equivalent")
    DOCTORAL = "DoctoralOrEquivalentLevel", _("Doctoral or equivalent")


class AgeBand(models.TextChoices):
    """Age at identification in bands, so statistics never need the birth date."""

    CHILD_0_11 = "0-11", "0–11"
    CHILD_12_17 = "12-17", "12–17"
    ADULT_18_24 = "18-24", "18–24"
    ADULT_25_34 = "25-34", "25–34"
    ADULT_35_44 = "35-44", "35–44"
    ADULT_45_54 = "45-54", "45–54"
    ADULT_55 = "55+", "55+"
    UNKNOWN = "unknown", _("Unknown")


def other_names(names: Any) -> list[str]:
    """The spellings in a person's ``names`` list, as text: its items' values, blanks left out."""
    values = (item.get("value", "") if isinstance(item, dict) else item for item in names or [])
    return [v for v in values if isinstance(v, str) and v.strip()]


class Person(models.Model):
    """A person recorded by one organization.

    Identifying fields are encrypted; names are searchable only through ``PersonName`` tokens.
    ``names`` holds every spelling as ``{"kind", "value", "script"}`` so each keeps its script.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="persons"
    )
    # Identifying: encrypted at rest.
    given_name = EncryptedTextField(_("given name"), blank=True)
    family_name = EncryptedTextField(_("family name"), blank=True)
    patronymic = EncryptedTextField(_("patronymic or middle name"), blank=True)
    names = EncryptedJSONField(_("other names and spellings"), blank=True, default=list)
    birth_date = EncryptedTextField(_("birth date"), blank=True)  # ISO 8601
    birth_year = EncryptedTextField(_("birth year"), blank=True)
    approximate_age = EncryptedTextField(_("approximate age"), blank=True)
    documents = EncryptedJSONField(_("identity documents"), blank=True, default=list)
    phones = EncryptedJSONField(_("phone numbers"), blank=True, default=list)
    # What each number is ({"+77011234567": "mobile"}; HTCDS prs_MobilePhone, prs_HomePhone): only
    # numbers among ``phones``, and not every number has a kind. Encrypted: its keys are numbers.
    phone_kinds = EncryptedJSONField(_("kinds of phone numbers"), blank=True, default=dict)
    address = EncryptedTextField(_("address"), blank=True)
    # The address's other parts (HTCDS prs_Mailing*): city, state, postal_code, country (ISO);
    # ``address`` holds the street and house. Encrypted together: an address identifies.
    address_parts = EncryptedJSONField(_("address details"), blank=True, default=dict)
    # Provenance (decision 0013): for each identifying field received through a referral, the ids
    # of the consents it still depends on ({"family_name": [12, 7]}). Field names and ids only,
    # never a value; emptied field by field as the organization makes the data its own.
    held_under = models.JSONField(default=dict, blank=True)
    # Statistical: plain, so statistics never decrypt.
    gender = models.CharField(
        _("gender"), max_length=30, choices=Gender.choices, default=Gender.UNKNOWN
    )
    age_band = models.CharField(
        _("age band"), max_length=10, choices=AgeBand.choices, default=AgeBand.UNKNOWN
    )
    is_minor = models.BooleanField(_("minor at identification"), default=False)
    citizenship = models.CharField(_("citizenship"), max_length=2, blank=True)
    # HTCDS allows several: the first is ``citizenship`` (what the figures count), then these.
    other_citizenships = models.JSONField(_("other citizenships"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    marital_status = models.CharField(
        _("marital status"), max_length=30, choices=MaritalStatus.choices, blank=True
    )
    education = models.CharField(
        _("highest education"), max_length=40, choices=Education.choices, blank=True
    )
    number_of_children = models.PositiveSmallIntegerField(
        _("number of children"), null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(gender__in=Gender.values), name="person_gender"),
            models.CheckConstraint(
                condition=Q(age_band__in=AgeBand.values), name="person_age_band"
            ),
        ]
        indexes = [models.Index(fields=["organization", "gender", "citizenship"])]

    def __str__(self) -> str:
        return f"person {self.uuid}"

    def phones_kinded(self) -> list[tuple[str, str]]:
        """(number, what it is: "Mobile", "Home", "Work" or empty), in the person's order."""
        labels = dict(PhoneKind.choices)
        return [(n, str(labels.get(self.phone_kinds.get(n, ""), ""))) for n in self.phones]


class PhoneKind(models.TextChoices):
    # "phone" context: a home phone, not the home page.
    MOBILE = "mobile", pgettext_lazy("phone", "Mobile")
    HOME = "home", pgettext_lazy("phone", "Home")
    WORK = "work", pgettext_lazy("phone", "Work")


class DocumentType(models.TextChoices):
    PASSPORT = "passport", _("Passport")
    NATIONAL_ID = "national_id", _("National identity card")
    BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate")
    RESIDENCE_PERMIT = "residence_permit", _("Residence permit")
    TRAVEL_DOCUMENT = "travel_document", _("Travel document")
    OTHER = "other", _("Other")


class DocumentStatus(models.TextChoices):
    """Where an identity document is: a document taken by the trafficker is a means of control.

    Rows recorded before the status existed have none and read as held by the person."""

    HELD_BY_PERSON = "held_by_person", _("Held by the person")
    TAKEN_BY_TRAFFICKER = "taken_by_trafficker", _("Taken by the trafficker")
    LOST = "lost", _("Lost")
    HELD_BY_ORGANIZATION = "held_by_organization", _("Held by our organization")
    HELD_BY_AUTHORITIES = "held_by_authorities", _("Held by the authorities")


def document_status(document: dict) -> str:
    """The status of a stored document; rows older than the status are held by the person."""
    return document.get("status") or DocumentStatus.HELD_BY_PERSON


class PersonName(models.Model):
    """A keyed blind-index token of one name or of one word's key (``matching.names``), for
    search without decryption; the token alone is indexed for the check across organizations."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="name_tokens")
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    token = models.CharField(max_length=64)

    class Meta:
        # The person's id rides in both indexes, so the candidates of a name are read from the
        # index alone (people.search.persons_by_name: twice as fast at 100,000 persons, three
        # times across organizations; bench/results/matching-latency-2026-12-03.txt).
        indexes = [
            models.Index(
                fields=["organization", "token", "person"], name="personname_org_token_person"
            ),
            models.Index(fields=["token", "person"], name="personname_token_person"),
        ]

    def __str__(self) -> str:
        return f"name token of {self.person_id}"


class PersonPhone(models.Model):
    """A keyed blind-index token of one phone number (E.164), to recognize a caller again."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="phone_tokens")
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    token = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "token"], name="person_phone_unique")
        ]
        indexes = [models.Index(fields=["organization", "token"])]

    def __str__(self) -> str:
        return f"phone token of {self.person_id}"
