"""Screening questionnaires (versioned data, multilingual) and the screenings of a case's person.

A questionnaire comes from a JSON file in ``questionnaires/`` (see ``loader``). Its weights live
there, so a correction is a new file version, never a code change; a version once used by a
screening is never changed in place. A screening's answers and result are sensitive: encrypted.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opennrm.crypto.fields import EncryptedJSONField

User = settings.AUTH_USER_MODEL


class Language(models.TextChoices):
    """The languages every question is written in; the codes are the interface's (settings)."""

    EN = "en", "English"
    RU = "ru", "Русский"
    KK = "kk", "Қазақша"
    UZ_LATN = "uz-latn", "Oʻzbekcha"


class Rule(models.TextChoices):
    """How answers become a result: the ILO/EC rule for adults or children, or none."""

    ILO_EC_ADULT = "ilo-ec-adult", _("ILO/EC rule for adults")
    ILO_EC_CHILD = "ilo-ec-child", _("ILO/EC rule for children")
    NONE = "none", _("No decision rule")


class Weight(models.TextChoices):
    STRONG = "strong", _("strong")
    MEDIUM = "medium", _("medium")
    WEAK = "weak", _("weak")
    NONE = "", _("unweighted")


class Answer(models.TextChoices):
    """The answers to a question. "Rather not say" is the person's own choice, kept as given
    and scored as not answered (``scoring``); "don't know" is an answer that counts as absent."""

    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Don't know")
    DECLINED = "declined", _("Rather not say")


class Mode(models.TextChoices):
    WORKER_LED = "worker_led", _("Asked by the worker")
    SELF_ANSWER = "self_answer", _("Answered by the person on a device")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    COMPLETED = "completed", _("Completed")


class Questionnaire(models.Model):
    """One version of an indicator list, as loaded from its file."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("code"), max_length=64)
    version = models.PositiveIntegerField(_("version"))
    rule = models.CharField(_("decision rule"), max_length=20, choices=Rule.choices)
    population = models.CharField(_("population"), max_length=10)  # adult, child, any
    exploitation = models.CharField(_("exploitation"), max_length=20)  # labour, sexual
    adapted = models.BooleanField(_("adapted"), default=False)
    title = models.JSONField(_("title"))  # {language: text}
    note = models.JSONField(_("note"), default=dict)  # {language: text}
    source = models.TextField(_("source"))
    dimensions = models.JSONField(_("dimensions"))  # [{"code", "title": {language: text}}]
    content_hash = models.CharField(max_length=64)  # SHA-256 of the file's content
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code", "version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="questionnaire_version"),
            models.CheckConstraint(condition=Q(rule__in=Rule.values), name="questionnaire_rule"),
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"

    def text(self, field: str, language: str) -> str:
        """The title or note in ``language``, else in English."""
        values = getattr(self, field) or {}
        return values.get(language) or values.get(Language.EN, "")

    def dimension_title(self, code: str, language: str) -> str:
        for dimension in self.dimensions:
            if dimension["code"] == code:
                return dimension["title"].get(language) or dimension["title"][Language.EN]
        return code


class Indicator(models.Model):
    """One indicator of a questionnaire version: its weight and its question in each language."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.CharField(_("code"), max_length=64)
    position = models.PositiveSmallIntegerField()
    dimension = models.CharField(_("dimension"), max_length=8)
    weight = models.CharField(_("weight"), max_length=10, choices=Weight.choices, blank=True)
    label = models.JSONField(_("indicator"))  # {language: the ILO name}
    question = models.JSONField(_("question"))  # {language: the question to the person}

    class Meta:
        ordering = ["questionnaire", "position"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="indicator_code"),
            models.CheckConstraint(condition=Q(weight__in=Weight.values), name="indicator_weight"),
        ]

    def __str__(self) -> str:
        return self.code

    def label_in(self, language: str) -> str:
        return self.label.get(language) or self.label[Language.EN]

    def question_in(self, language: str) -> str:
        return self.question.get(language) or self.question[Language.EN]


class Screening(models.Model):
    """The screening of the person of a case with one questionnaire version.

    ``answers`` maps indicator codes to yes / no / unknown / declined; with ``result`` it is
    encrypted.
    A draft may be answered in several sittings; once completed by a worker it never changes.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="screenings")
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="screenings"
    )
    language = models.CharField(
        _("language of the questions"), max_length=10, choices=Language.choices
    )
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices)
    answers = EncryptedJSONField(_("answers"), blank=True, default=dict)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    result = EncryptedJSONField(_("result"), blank=True, default=dict)
    started_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    completed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(language__in=Language.values), name="screening_language"
            ),
            models.CheckConstraint(condition=Q(mode__in=Mode.values), name="screening_mode"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="screening_status"),
            models.CheckConstraint(
                condition=Q(status=Status.DRAFT) | Q(completed_at__isnull=False),
                name="screening_completed_at",
            ),
        ]
        indexes = [models.Index(fields=["case", "-started_at"], name="screening_case_started")]

    def __str__(self) -> str:
        return f"screening {self.uuid}"
