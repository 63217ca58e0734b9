"""Picklists of referrals. The reason is HTCDS ``cas_ReasonForOutgoingReferral`` (system names)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from opennrm.accounts.models import OrganizationType


class ReferralKind(models.TextChoices):
    REFERRAL = "referral", _("Referral")
    TRANSFER = "transfer", _("Case transfer")
    ANONYMOUS = "anonymous", _("Anonymous notification to law enforcement")


class ReferralStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Urgency(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    NORMAL = "normal", _("Normal")
    LOW = "low", _("Low")


class ReferralReason(models.TextChoices):
    """``cas_ReasonForOutgoingReferral`` (and ``cas_ReasonForIncomingReferral`` on B's side)."""

    ADDITIONAL_SERVICES = "AdditionalServicesRequired", _("Additional services required")
    MIGRATION = "MigrationOrChangeOfLocation", _("Migration or change of location")
    OTHER = "Other", _("Other")


class SharedField(models.TextChoices):
    """The fixed catalogue of what a referral may carry about the person, chosen one by one."""

    GIVEN_NAME = "given_name", _("Given name")
    FAMILY_NAME = "family_name", _("Family name")
    PATRONYMIC = "patronymic", _("Patronymic or middle name")
    OTHER_NAMES = "other_names", _("Other names and spellings")
    BIRTH = "birth", _("Birth date, birth year or approximate age")
    PHONES = "phones", _("Phone numbers")
    DOCUMENTS = "documents", _("Identity documents")
    ADDRESS = "address", _("Address")
    CITIZENSHIP = "citizenship", _("Citizenship")
    GENDER = "gender", _("Gender")
    AGE_BAND = "age_band", _("Age band")
    LANGUAGES = "languages", _("Languages")
    EXPLOITATION = "exploitation", _("Exploitation summary (types, control, route)")
    IDENTIFICATION = "identification", _("Identification decision (status, who decided, date)")


# Fields that name or locate the person: never in an anonymous notification.
IDENTIFYING_SHARED_FIELDS = frozenset(
    {
        SharedField.GIVEN_NAME,
        SharedField.FAMILY_NAME,
        SharedField.PATRONYMIC,
        SharedField.OTHER_NAMES,
        SharedField.BIRTH,
        SharedField.PHONES,
        SharedField.DOCUMENTS,
        SharedField.ADDRESS,
    }
)
# The person fields behind each identifying entry of the catalogue.
PERSON_FIELDS_OF: dict[str, tuple[str, ...]] = {
    SharedField.GIVEN_NAME: ("given_name",),
    SharedField.FAMILY_NAME: ("family_name",),
    SharedField.PATRONYMIC: ("patronymic",),
    SharedField.OTHER_NAMES: ("names",),
    SharedField.BIRTH: ("birth_date", "birth_year", "approximate_age"),
    SharedField.PHONES: ("phones",),
    SharedField.DOCUMENTS: ("documents",),
    SharedField.ADDRESS: ("address",),
}
STATISTICAL_SHARED_FIELDS = frozenset(SharedField.values) - IDENTIFYING_SHARED_FIELDS
# What a referral carries unless the sender chooses more: no one can be named from it.
MINIMUM_SHARED_FIELDS = (SharedField.CITIZENSHIP, SharedField.GENDER, SharedField.AGE_BAND)
# Receivers that need the identification decision to help (IOM organizes returns of identified
# victims): it is chosen for them unless the sender chooses otherwise (decision 0014).
IDENTIFICATION_FOR_TYPES = frozenset({OrganizationType.INTERNATIONAL})

# The case fields the exploitation summary copies.
EXPLOITATION_FIELDS = (
    "exploitation_types",
    "sex_exploitation_types",
    "forced_labour_industry",
    "methods_of_control",
    "recruitment_methods",
    "country_of_origin",
    "transit_countries",
    "country_of_exploitation",
    "city_of_exploitation",
)

# Statuses in which the receiver works with the shared fields; in the others they are hidden.
RECEIVER_SEES_SHARES = frozenset(
    {ReferralStatus.PENDING, ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED}
)


class RecordedDirection(models.TextChoices):
    """Which way a referral recorded from the organization's own files went (HTCDS ``cas_``
    incoming and outgoing referral fields)."""

    INCOMING = "incoming", _("Incoming: referred to us")
    OUTGOING = "outgoing", _("Outgoing: referred by us")


class RecordedSource(models.TextChoices):
    """Where a recorded referral was entered: by hand on the case page, or by an import."""

    PAGE = "page", _("Entered on the case page")
    IMPORT = "import", _("Imported from a file")
