"""Cases, identification decisions, support plans and services, consent, notes, attachments."""

import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opennrm.crypto.fields import EncryptedJSONField, EncryptedTextField
from opennrm.people.models import Gender
from opennrm.web import phone_display

from .choices import (
    AccommodationNeed,
    CaseStatus,
    ConsentMethod,
    ConsentPurpose,
    ContactChannel,
    ContactSafety,
    DatePrecision,
    DecisionMakingOrganization,
    DecisionSource,
    DecisionState,
    ExploitationType,
    ForcedLabourIndustry,
    HistoricEventType,
    IdentificationStage,
    MethodOfControl,
    PerpetratorRole,
    RecruitmentMethod,
    RecruitmentPlatform,
    RelationshipToTrafficker,
    RiskLevel,
    ServiceStatus,
    ServiceType,
    SexExploitationType,
    SupportPlanType,
    TraffickingStatus,
)
from .fields import MultiChoiceField

User = settings.AUTH_USER_MODEL
if TYPE_CHECKING:
    from opennrm.accounts.models import User as Member


class Case(models.Model):
    """One person's case at one organization. Exploitation and route are statistical: plain."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="cases"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="cases")
    number = models.CharField(_("case number"), max_length=32)
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.ACTIVE
    )
    closure_reason = EncryptedTextField(_("reason for closure"), blank=True)
    owner = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    team: "models.ManyToManyField[Member, Any]" = models.ManyToManyField(
        User, related_name="case_teams", blank=True
    )
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    trafficking_status = models.CharField(
        _("trafficking status"),
        max_length=40,
        choices=TraffickingStatus.choices,
        default=TraffickingStatus.POSSIBLE,
    )
    trafficking_status_decided_by = models.CharField(
        _("decided by (organization type)"),
        max_length=40,
        choices=DecisionMakingOrganization.choices,
        blank=True,
    )
    # The decision in force that set the trafficking status (who decided, when, the reference).
    status_decision = models.ForeignKey(
        "IdentificationDecision",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    # Identification deadlines in the organization's local days (decision 0014), set when their
    # clock starts: on opening, and on a reasonable-grounds decision. None once decided.
    identification_due_on = models.DateField(
        _("identification decision due"), null=True, blank=True
    )
    reflection_ends_on = models.DateField(
        _("recovery and reflection period ends"), null=True, blank=True
    )
    exploitation_types = MultiChoiceField(
        _("types of exploitation"), choices_class=ExploitationType
    )
    forced_labour_industry = models.CharField(
        _("forced labour industry"), max_length=60, choices=ForcedLabourIndustry.choices, blank=True
    )
    sex_exploitation_types = MultiChoiceField(
        _("types of sexual exploitation"), choices_class=SexExploitationType
    )
    methods_of_control = MultiChoiceField(_("methods of control"), choices_class=MethodOfControl)
    recruitment_methods = MultiChoiceField(
        _("methods of recruitment"), choices_class=RecruitmentMethod
    )
    recruitment_platforms = MultiChoiceField(
        _("recruitment websites and apps"), choices_class=RecruitmentPlatform
    )
    relationship_to_trafficker = models.CharField(
        _("relationship to trafficker"),
        max_length=20,
        choices=RelationshipToTrafficker.choices,
        blank=True,
    )
    age_when_trafficked = models.PositiveSmallIntegerField(
        _("age when trafficked"), null=True, blank=True
    )
    perpetrator_roles = MultiChoiceField(_("perpetrators' roles"), choices_class=PerpetratorRole)
    country_of_origin = models.CharField(_("country of origin"), max_length=2, blank=True)
    transit_countries = models.JSONField(_("transit countries"), default=list, blank=True)
    country_of_exploitation = models.CharField(
        _("country of exploitation"), max_length=2, blank=True
    )
    city_of_exploitation = models.CharField(_("city of exploitation"), max_length=100, blank=True)
    recruited_on = models.DateField(_("date of recruitment"), null=True, blank=True)
    exploitation_began_on = models.DateField(_("exploitation began"), null=True, blank=True)
    exited_on = models.DateField(_("date of exit"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="case_number_unique"),
            models.CheckConstraint(condition=Q(status__in=CaseStatus.values), name="case_status"),
            models.CheckConstraint(
                condition=Q(trafficking_status__in=TraffickingStatus.values),
                name="case_trafficking_status",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "-opened_on", "-id"], name="case_org_opened"),
            models.Index(fields=["organization", "status", "-opened_on"], name="case_org_status"),
            # The person rides in the owner's index, so a case worker's persons (the scope of
            # her name search, ``selectors.case_visible_persons``) are read from the index
            # alone: 15,000 of them at 1,000,000 cases were 13,000 table pages on PostgreSQL.
            models.Index(
                fields=["organization", "owner", "-opened_on", "person"],
                name="case_org_owner_person",
            ),
            # Cases closed in a few days (the statistics of a month the period cuts, decision
            # 0030): without it, every closed case of the organization was read.
            models.Index(
                fields=["organization", "status", "closed_on"], name="case_org_status_closed"
            ),
            models.Index(
                fields=["organization", "identification_due_on"], name="case_org_identification_due"
            ),
        ]

    def __str__(self) -> str:
        return self.number


class IdentificationDecision(models.Model):
    """A decision that the person is a presumed or identified victim (or is not a victim): this
    organization's own (proposed, then approved by another supervisor), the competent
    authority's as recorded here, or the sending organization's, received with a referral."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="decisions")
    source = models.CharField(
        _("decided by"), max_length=20, choices=DecisionSource.choices, default=DecisionSource.OWN
    )
    stage = models.CharField(_("stage"), max_length=20, choices=IdentificationStage.choices)
    state = models.CharField(
        _("state"), max_length=20, choices=DecisionState.choices, default=DecisionState.PROPOSED
    )
    # The trafficking status the decision gives the case once in force.
    outcome = models.CharField(
        _("outcome"),
        max_length=40,
        choices=TraffickingStatus.choices,
        default=TraffickingStatus.POSSIBLE,
    )
    grounds = EncryptedTextField(_("grounds"), blank=True)
    decided_by_type = models.CharField(
        _("decided by (organization type)"),
        max_length=40,
        choices=DecisionMakingOrganization.choices,
    )
    # Who decided, by name: the authority, or the organization that decided before a referral.
    # An organization's name, never a person's.
    decided_by_name = models.CharField(_("decided by (name)"), max_length=200, blank=True)
    reference = EncryptedTextField(_("reference number"), blank=True)
    decided_on = models.DateField(_("date of the decision"), null=True, blank=True)
    # The person asked for the conclusive decision before the reflection period ended.
    requested_early = models.BooleanField(
        _("asked for before the end of the reflection period"), default=False
    )
    reconsiders = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="reconsiderations",
        null=True,
        blank=True,
        verbose_name=_("reconsiders"),
    )
    new_information = EncryptedTextField(_("new information"), blank=True)
    proposed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["proposed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=DecisionState.values), name="decision_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(source__in=DecisionSource.values), name="decision_source_valid"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=TraffickingStatus.values), name="decision_outcome_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stage} {self.state}"


class HistoricEvent(models.Model):
    """A recruitment, transit or exploitation event (``hte_``): one stop of the route.

    The date may be unknown (empty) or partial: ``date_precision`` says whether the day, only the
    month or only the year is known, and ``occurred_on`` is then the first day of that period.
    A stop removed in the pages is kept, marked removed (``removed_at``), like any part of a case.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    event_type = models.CharField(_("type"), max_length=20, choices=HistoricEventType.choices)
    occurred_on = models.DateField(_("date"), null=True, blank=True)
    date_precision = models.CharField(
        _("how much of the date is known"), max_length=5, choices=DatePrecision.choices, blank=True
    )
    country = models.CharField(_("country"), max_length=2, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    description = EncryptedTextField(_("description"), blank=True)
    removed_at = models.DateTimeField(null=True, blank=True, editable=False)
    removed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["occurred_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(event_type__in=HistoricEventType.values), name="historic_event_type"
            ),
            # A date and how much of it is known go together; no precision without a date.
            models.CheckConstraint(
                condition=Q(occurred_on__isnull=True, date_precision="")
                | Q(occurred_on__isnull=False, date_precision__in=DatePrecision.values),
                name="historic_event_date_precision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.occurred_on}"


class SupportPlan(models.Model):
    """The plan of help for a case (``spl_``)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="plans")
    plan_type = models.CharField(_("type"), max_length=40, choices=SupportPlanType.choices)
    objectives = EncryptedTextField(_("objectives"), blank=True)
    action_plan = EncryptedTextField(_("action plan"), blank=True)
    planned_end_on = models.DateField(_("planned end"), null=True, blank=True)
    ended_on = models.DateField(_("actual end"), null=True, blank=True)

    def __str__(self) -> str:
        return self.plan_type


class Service(models.Model):
    """A service given within a support plan, by the case's organization or another."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="services")
    plan = models.ForeignKey(
        SupportPlan, on_delete=models.PROTECT, related_name="services", null=True, blank=True
    )
    service_type = models.CharField(_("service"), max_length=30, choices=ServiceType.choices)
    provider = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.PLANNED
    )
    started_on = models.DateField(_("start"), null=True, blank=True)
    ended_on = models.DateField(_("end"), null=True, blank=True)
    destination_country = models.CharField(_("country of return"), max_length=2, blank=True)

    class Meta:
        indexes = [models.Index(fields=["service_type", "destination_country"])]

    def __str__(self) -> str:
        return self.service_type


class Consent(models.Model):
    """What the person agreed to, for one purpose; withdrawal is recorded, never deleted."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    # For referral: a named organization, or any organization of a type.
    recipient_organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    recipient_type = models.CharField(_("organization type"), max_length=40, blank=True)
    method = models.CharField(_("how it was given"), max_length=20, choices=ConsentMethod.choices)
    given_on = models.DateField(_("given on"))
    guardian_name = EncryptedTextField(_("guardian (for a child)"), blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawn_recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    withdrawal_reason = EncryptedTextField(_("reason for the withdrawal"), blank=True)

    class Meta:
        ordering = ["recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(purpose__in=ConsentPurpose.values), name="consent_purpose"
            )
        ]

    def __str__(self) -> str:
        return self.purpose

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None


class Note(models.Model):
    """A case note (``cco_CaseComment``), encrypted."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notes")
    body = EncryptedTextField(_("note"))
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"note {self.uuid}"


class NumberKind(models.TextChoices):
    """What a number counts; each kind has its own sequence per organization and year."""

    CASE = "case", _("case")
    REFERRAL = "referral", _("referral")


class NumberSequence(models.Model):
    """The last number an organization gave to one kind of record in a year, taken under a row
    lock (``opennrm.cases.numbers.number_take``)."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)
    kind = models.CharField(max_length=20, choices=NumberKind.choices)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "year"], name="number_sequence_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=NumberKind.values), name="number_sequence_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.last}"


class Perpetrator(models.Model):
    """Someone who took part in the trafficking (HTCDS ``per_``). Who they are, how to reach
    them and where they were are encrypted like the person; role, relationship, sex and
    nationality stay plain for statistics. Removal marks the record; it is never deleted."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="perpetrators")
    roles = MultiChoiceField(_("role in the process"), choices_class=PerpetratorRole)
    relationship = models.CharField(
        _("relationship to the person"),
        max_length=20,
        choices=RelationshipToTrafficker.choices,
        blank=True,
    )
    name = EncryptedTextField(_("name or description"))
    phones = EncryptedJSONField(_("phone numbers"), blank=True, default=list)
    vehicles = EncryptedJSONField(_("vehicles"), blank=True, default=list)
    places = EncryptedJSONField(_("places"), blank=True, default=list)
    actions = EncryptedTextField(_("what they did"), blank=True)
    sex = models.CharField(_("sex"), max_length=30, choices=Gender.choices, blank=True)
    nationality = models.CharField(_("nationality"), max_length=2, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("removed by"),
    )

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(relationship__in=[*RelationshipToTrafficker.values, ""]),
                name="perpetrator_relationship",
            ),
            models.CheckConstraint(
                condition=Q(sex__in=[*Gender.values, ""]), name="perpetrator_sex"
            ),
        ]

    def __str__(self) -> str:
        return f"perpetrator {self.uuid}"

    def phones_shown(self) -> list[str]:
        return [phone_display(phone) for phone in self.phones]

    def role_labels(self) -> list[str]:
        names = dict(PerpetratorRole.choices)
        return [str(names.get(role, role)) for role in self.roles]


class PerpetratorShare(models.Model):
    """A supervisor's choice to let the organization's law-enforcement liaison read the
    perpetrator records of one case, until withdrawn. Kept after withdrawal, as history."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="perpetrator_shares")
    shared_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("shared by")
    )
    shared_at = models.DateTimeField(_("shared at"), auto_now_add=True)
    withdrawn_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("sharing stopped by"),
    )
    withdrawn_at = models.DateTimeField(_("sharing stopped at"), null=True, blank=True)

    class Meta:
        ordering = ["-shared_at", "-id"]
        constraints = [
            # One share in force per case at most.
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(withdrawn_at__isnull=True),
                name="perpetrator_share_one_in_force",
            )
        ]

    def __str__(self) -> str:
        return f"perpetrator share {self.uuid}"


class NeedsAssessment(models.Model):
    """Immediate needs and risks of the person, as assessed on a day. A new assessment replaces
    the current one (the newest recorded); the earlier ones stay, as history. What could locate
    or expose the person (how and when to reach them, the warning, health, children) is encrypted.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assessments")
    assessed_on = models.DateField(_("assessed on"))
    contact_safety = models.CharField(
        _("is it safe to contact the person"),
        max_length=20,
        choices=ContactSafety.choices,
        default=ContactSafety.UNKNOWN,
    )
    contact_channels = MultiChoiceField(_("contact by"), choices_class=ContactChannel)
    contact_when = EncryptedTextField(_("when to contact"), blank=True)
    contact_warning = EncryptedTextField(_("warning for anyone contacting the person"), blank=True)
    trafficker_risk = models.CharField(
        _("risk from the traffickers"),
        max_length=20,
        choices=RiskLevel.choices,
        default=RiskLevel.UNKNOWN,
    )
    trafficker_risk_details = EncryptedTextField(_("about the risk"), blank=True)
    health_needs = EncryptedTextField(_("health needs"), blank=True)
    children_count = models.PositiveSmallIntegerField(_("children"), null=True, blank=True)
    children_whereabouts = EncryptedTextField(_("where the children are"), blank=True)
    accommodation_need = models.CharField(
        _("accommodation"),
        max_length=20,
        choices=AccommodationNeed.choices,
        default=AccommodationNeed.UNKNOWN,
    )
    other_needs = EncryptedTextField(_("other urgent needs"), blank=True)
    interpreter_needed = models.BooleanField(_("interpreter needed"), default=False)
    interpreter_language = models.CharField(_("interpreter's language"), max_length=3, blank=True)
    assessed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(contact_safety__in=ContactSafety.values),
                name="assessment_contact_safety",
            ),
            models.CheckConstraint(
                condition=Q(trafficker_risk__in=RiskLevel.values), name="assessment_risk"
            ),
            models.CheckConstraint(
                condition=Q(accommodation_need__in=AccommodationNeed.values),
                name="assessment_accommodation",
            ),
        ]

    def __str__(self) -> str:
        return f"assessment {self.uuid}"

    def contact_channel_labels(self) -> list[str]:
        names = dict(ContactChannel.choices)
        return [str(names.get(channel, channel)) for channel in self.contact_channels]


class PersonalAccount(models.Model):
    """The person's own account of what happened, in sections, as told on a day. Each telling is
    kept; the newest comes first. Every section is encrypted."""

    SECTIONS = ("before", "recruitment", "journey", "exploitation", "ending", "wishes")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="accounts")
    told_on = models.DateField(_("told on"))
    language = models.CharField(_("language"), max_length=3, blank=True)
    with_interpreter = models.BooleanField(_("with an interpreter"), default=False)
    before = EncryptedTextField(_("life before leaving"), blank=True)
    recruitment = EncryptedTextField(_("recruitment"), blank=True)
    journey = EncryptedTextField(_("the journey"), blank=True)
    exploitation = EncryptedTextField(_("the exploitation"), blank=True)
    ending = EncryptedTextField(_("how it ended"), blank=True)
    wishes = EncryptedTextField(_("what the person wants now"), blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-told_on", "-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"account {self.uuid}"


from .attachments import Attachment  # noqa: E402, F401  (registers the model with the app)
