"""Signals: every contact that reaches a hotline (calls, chats, web tips), triaged into cases.

Most of a Central Asian hotline's contacts are not trafficking: a migrant checking a job offer,
someone asking how to work abroad safely. Those are first-class reasons here and are counted.
The caller's phone, name and the notes are encrypted; the phone is found again only through a
keyed blind-index token (``phone_token``), never by its value, and the name through the persons'
name keys (``known_caller``).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opennrm.crypto.fields import EncryptedTextField


class Channel(models.TextChoices):
    CALL = "call", _("Call")
    CHAT = "chat", _("Chat")
    MESSAGE = "message", _("Message")
    EMAIL = "email", _("E-mail")
    WEB_TIP = "web_tip", _("Web tip")
    WALK_IN = "walk_in", _("Walk-in")
    OUTREACH = "outreach", _("Outreach")


class CallerType(models.TextChoices):
    POTENTIAL_VICTIM = "potential_victim", _("Potential victim")
    FAMILY = "family", _("Family member")
    FRIEND = "friend", _("Friend")
    THIRD_PARTY = "third_party", _("Third party")
    PROFESSIONAL = "professional", _("Professional")
    ANONYMOUS = "anonymous", _("Anonymous")


class Reason(models.TextChoices):
    SAFE_MIGRATION = "safe_migration", _("Safe-migration advice")
    JOB_OFFER_CHECK = "job_offer_check", _("Job-offer check")
    MISSING_PERSON = "missing_person", _("Missing person")
    POSSIBLE_TRAFFICKING = "possible_trafficking", _("Possible trafficking")
    ASSISTANCE_REQUEST = "assistance_request", _("Assistance request")
    OTHER = "other", _("Other")


class Outcome(models.TextChoices):
    """What came of the signal; blank while it is not yet answered."""

    INFORMATION_GIVEN = "information_given", _("Information given")
    REFERRED = "referred", _("Referred")
    CASE_OPENED = "case_opened", _("Case opened")
    NO_ACTION = "no_action", _("No action")
    # HTCDS cas_Status ClosedReferred: handed on (to a crisis centre...) and the hotline's copy
    # closed; set only by ``signal_hand_on``, never chosen in the edit form.
    HANDED_ON = "handed_on", _("Handed on and closed")


class Signal(models.Model):
    """One contact with the hotline, logged by the operator who took it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="signals"
    )
    received_at = models.DateTimeField(_("received at"))
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, default=Channel.CALL
    )
    # ISO 639, one format (opennrm.validation): 639-1 when the language has it, else 639-3.
    language = models.CharField(_("language"), max_length=3, blank=True)
    caller_type = models.CharField(_("caller"), max_length=20, choices=CallerType.choices)
    reason = models.CharField(_("reason"), max_length=30, choices=Reason.choices)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    followed_up_on = models.DateField(_("followed up on"), null=True, blank=True)
    # Identifying and sensitive: encrypted at rest.
    notes = EncryptedTextField(_("notes"), blank=True)
    phone = EncryptedTextField(_("caller's phone"), blank=True)  # E.164
    phone_token = models.CharField(max_length=64, blank=True)  # blind_index(phone, "phone")
    # As the caller gave it, in any script: compared with the persons' names (known caller).
    caller_name = EncryptedTextField(_("caller's name"), blank=True)
    # A web tip's sender may say how to reach them without danger ("only text messages"): it may
    # name a time, a friend or a number, so it is encrypted and cleared like the phone.
    safe_contact = EncryptedTextField(_("how to reach them safely"), blank=True)
    # Where it happened or where the sender is (ISO 3166-1 alpha-2), when they said: statistical.
    country = models.CharField(_("country"), max_length=2, blank=True)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operator"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="signals",
        null=True,
        blank=True,
    )
    # Handed on and closed (the organization's day); the phone, name and notes are cleared
    # HOTLINE_CLOSED_RETENTION_DAYS later (``signals_clear_closed``), the figures stay.
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    cleared_at = models.DateTimeField(_("identifying data cleared at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="signal_channel"),
            models.CheckConstraint(
                condition=Q(caller_type__in=CallerType.values), name="signal_caller_type"
            ),
            models.CheckConstraint(condition=Q(reason__in=Reason.values), name="signal_reason"),
            models.CheckConstraint(
                condition=Q(outcome__in=[*Outcome.values, ""]), name="signal_outcome"
            ),
            # "Case opened" and the link to the case go together; a contact handed on keeps the
            # link to its (closed) case if it had one.
            models.CheckConstraint(
                condition=Q(outcome=Outcome.CASE_OPENED, case__isnull=False)
                | Q(outcome=Outcome.HANDED_ON)
                | (~Q(outcome=Outcome.CASE_OPENED) & Q(case__isnull=True)),
                name="signal_case_opened",
            ),
            # Closed exactly when handed on; cleared only once closed.
            models.CheckConstraint(
                condition=Q(outcome=Outcome.HANDED_ON, closed_on__isnull=False)
                | (~Q(outcome=Outcome.HANDED_ON) & Q(closed_on__isnull=True)),
                name="signal_closed_handed_on",
            ),
            models.CheckConstraint(
                condition=Q(cleared_at__isnull=True) | Q(closed_on__isnull=False),
                name="signal_cleared_closed",
            ),
            # Only a web tip can wait without an operator.
            models.CheckConstraint(
                condition=Q(operator__isnull=False) | Q(channel=Channel.WEB_TIP),
                name="signal_operator",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organization", "-received_at", "-id"], name="signal_org_received"
            ),
            models.Index(fields=["organization", "outcome", "received_at"], name="signal_org_open"),
            models.Index(
                fields=["organization", "follow_up_on"],
                condition=Q(follow_up_on__isnull=False, followed_up_on__isnull=True),
                name="signal_org_follow_up",
            ),
            models.Index(fields=["organization", "phone_token"], name="signal_org_phone"),
            models.Index(
                fields=["closed_on"],
                condition=Q(closed_on__isnull=False, cleared_at__isnull=True),
                name="signal_to_clear",
            ),
        ]

    def __str__(self) -> str:
        return f"signal {self.uuid}"

    @property
    def follow_up_open(self) -> bool:
        return self.follow_up_on is not None and self.followed_up_on is None and not self.closed

    @property
    def closed(self) -> bool:
        return self.closed_on is not None
