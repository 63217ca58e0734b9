import re
import uuid

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opennrm.crypto.fields import EncryptedTextField

from .timezones import DEFAULT_TIME_ZONE, validate_time_zone


class OrganizationType(models.TextChoices):
    """HTCDS ``org_Type`` values, plus the hotline and international organization types."""

    NGO = "NGO", _("NGO")
    LAW_ENFORCEMENT = "LawEnforcement", _("Law enforcement")
    HEALTH_SERVICE = "HealthServiceOrganisation", _("Health service organisation")
    CENTRAL_GOVERNMENT = "CentralGovernmentOrganisation", _("Central government organisation")
    LOCAL_GOVERNMENT = "LocalGovernmentOrganisation", _("Local government organisation")
    IMMIGRATION = "ImmigrationService", _("Immigration service")
    LEGAL = "LegalService", _("Legal service")
    BUSINESS = "CorporateBusiness", _("Corporate business")
    SCHOOL = "SchoolOrCollege", _("School or college")
    HOTLINE = "Hotline", _("Hotline")
    INTERNATIONAL = "InternationalOrganization", _("International organization")


class Role(models.TextChoices):
    HOTLINE_OPERATOR = "hotline_operator", _("Hotline operator")
    CASE_WORKER = "case_worker", _("Case worker")
    SUPERVISOR = "supervisor", _("Supervisor")
    SERVICE_PROVIDER = "service_provider", _("Service provider")
    LAW_ENFORCEMENT_LIAISON = "law_enforcement_liaison", _("Law-enforcement liaison")
    DATA_ANALYST = "data_analyst", _("Data analyst")
    ORGANIZATION_ADMIN = "organization_admin", _("Organization admin")
    # Keeps the registry of licensed recruitment and travel agencies that the public portal
    # searches; no case, person or signal (decision 0027).
    REGULATOR = "regulator", _("Regulator (licensing authority)")


class IdentificationBy(models.TextChoices):
    """Who decides that a person is a victim of trafficking, for this organization's cases."""

    ORGANIZATION = "organization", _("This organization (proposal and approval)")
    AUTHORITY = "authority", _("The country's competent authority")


# Bounds of the identification periods (decision 0014). The reflection period is at least the
# 30 days of the Council of Europe Convention (art. 13), a floor we keep whatever the country.
REASONABLE_GROUNDS_DAYS = (1, 90)
REFLECTION_DAYS = (30, 365)


class Organization(models.Model):
    """An organization of the referral mechanism (HTCDS ``org_`` fields)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    org_type = models.CharField(_("type"), max_length=40, choices=OrganizationType.choices)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166 alpha-2 code"))
    city = models.CharField(_("city"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # Times are stored in UTC and shown, entered and counted in days in this zone.
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=DEFAULT_TIME_ZONE,
        validators=[validate_time_zone],
        help_text=_("IANA name, e.g. Asia/Almaty"),
    )
    # Identification (decision 0014): who decides, and the periods counted in local days.
    identification_by = models.CharField(
        _("identification is decided by"),
        max_length=20,
        choices=IdentificationBy.choices,
        default=IdentificationBy.ORGANIZATION,
    )
    reasonable_grounds_days = models.PositiveSmallIntegerField(
        _("reasonable-grounds decision due within (days)"),
        default=5,
        validators=[
            MinValueValidator(REASONABLE_GROUNDS_DAYS[0]),
            MaxValueValidator(REASONABLE_GROUNDS_DAYS[1]),
        ],
        help_text=_("Counted from the day the case is opened."),
    )
    reflection_days = models.PositiveSmallIntegerField(
        _("recovery and reflection period (days)"),
        default=30,
        validators=[MinValueValidator(REFLECTION_DAYS[0]), MaxValueValidator(REFLECTION_DAYS[1])],
        help_text=_("Counted from the approved reasonable-grounds decision."),
    )
    # Whether the organization's persons may be offered to other organizations as "a possible
    # record exists here" at their intake, and its members see such hints (decision 0021).
    # Reciprocal: an organization that opts out neither gives nor receives hints.
    match_hints = models.BooleanField(
        _("take part in the duplicate check across organizations"), default=True
    )
    # The national coordinator: its data analysts run linkage across organizations (counts and
    # pairs of case numbers, never names). Set by the platform administrator.
    national_coordinator = models.BooleanField(_("national coordinator"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(org_type__in=OrganizationType.values), name="organization_type_valid"
            ),
            models.UniqueConstraint(fields=["name", "country"], name="organization_name_country"),
            models.CheckConstraint(
                condition=Q(identification_by__in=IdentificationBy.values),
                name="organization_identification_by_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def number_prefix(self) -> str:
        """Initials of the organization's Latin name, for case and referral numbers ("" if none)."""
        return "".join(word[0] for word in re.findall(r"[A-Za-z]+", self.name)[:4]).upper()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_superuser", True)
        extra.setdefault("is_staff", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person working in the system; logs in with an e-mail address.

    ``is_superuser`` marks the platform admin, who manages organizations but has no membership
    and therefore sees no case content.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("e-mail"), unique=True)
    # Staff of anti-trafficking organizations can be at risk too: their names are encrypted.
    full_name = EncryptedTextField(_("full name"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(default=False)
    is_demo = models.BooleanField(default=False, editable=False)
    date_joined = models.DateTimeField(auto_now_add=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    def __str__(self) -> str:
        return self.email


class Membership(models.Model):
    """A user's role in one organization. A user may hold memberships in several."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=40, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"], name="membership_one_per_organization"
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.role})"


class UserSession(models.Model):
    """A session a user holds: listed on their sessions page, ended one by one or all at once.

    The session key is a secret (whoever has it is signed in): it is found by its SHA-256 and kept
    only encrypted, to end the session in the session store; URLs name the session by ``uuid``.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    key_hash = models.CharField(max_length=64, unique=True)
    session_key = EncryptedTextField()
    # "Firefox on Windows": what the user needs to recognise the device, nothing more.
    device = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"session of {self.user_id}"


class ApiToken(models.Model):
    """A personal API token, bound to one membership. Only its SHA-256 is stored."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class RoleGrantStatus(models.TextChoices):
    PENDING = "pending", _("awaiting approval")
    APPROVED = "approved", _("approved")
    REFUSED = "refused", _("refused")
    CANCELLED = "cancelled", _("cancelled")


class RoleGrant(models.Model):
    """A role that reads identifying data, asked for a member by one admin and decided by
    another: it takes effect only when approved (accounts.services.role_grant_approve)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="grants")
    role = models.CharField(_("role"), max_length=40, choices=Role.choices)
    # True when the grant is for a membership just made: approval also makes it active.
    activates = models.BooleanField(default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=RoleGrantStatus.choices, default=RoleGrantStatus.PENDING
    )
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="role_grant_role_valid"),
            models.CheckConstraint(
                condition=Q(status__in=RoleGrantStatus.values), name="role_grant_status_valid"
            ),
            # At most one open request per membership; a new one cancels the old.
            models.UniqueConstraint(
                fields=["membership"],
                condition=Q(status="pending"),
                name="role_grant_one_pending",
            ),
            models.CheckConstraint(
                condition=Q(status="pending", decided_by__isnull=True, decided_at__isnull=True)
                | (~Q(status="pending") & Q(decided_at__isnull=False)),
                name="role_grant_decided",
            ),
        ]

    def __str__(self) -> str:
        return f"role grant {self.uuid}"
