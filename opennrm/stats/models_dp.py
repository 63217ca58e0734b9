"""The models of differential privacy (decision 0023): a privacy budget per data set of an
organization, and the releases spent from it. A release holds noisy counts only."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

__all__ = ["PrivacyBudget", "Release"]

EPSILON_DIGITS = 12
EPSILON_PLACES = 6


class PrivacyBudget(models.Model):
    """How much privacy loss (epsilon) the releases of one data set of an organization may spend,
    in all, for ever; ``spent_epsilon`` is the sum of its releases, kept under a row lock."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="privacy_budgets"
    )
    dataset = models.CharField(_("data set"), max_length=60)
    total_epsilon = models.DecimalField(
        _("total privacy budget (epsilon)"),
        max_digits=EPSILON_DIGITS,
        decimal_places=EPSILON_PLACES,
    )
    spent_epsilon = models.DecimalField(
        _("privacy budget spent (epsilon)"),
        max_digits=EPSILON_DIGITS,
        decimal_places=EPSILON_PLACES,
        default=0,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "dataset"], name="privacy_budget_one_per_dataset"
            ),
            models.CheckConstraint(
                condition=Q(total_epsilon__gt=0), name="privacy_budget_total_positive"
            ),
            models.CheckConstraint(
                condition=Q(spent_epsilon__gte=0) & Q(spent_epsilon__lte=F("total_epsilon")),
                name="privacy_budget_not_overspent",
            ),
        ]

    def __str__(self) -> str:
        return f"privacy budget {self.dataset} of {self.organization_id}"

    @property
    def remaining_epsilon(self) -> Decimal:
        return self.total_epsilon - self.spent_epsilon


class Release(models.Model):
    """Noisy tables published from one data set, with the epsilon they spent and how they were
    made (mechanism, noise scale, accuracy) in ``metadata``."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    budget = models.ForeignKey(PrivacyBudget, on_delete=models.PROTECT, related_name="releases")
    epsilon = models.DecimalField(
        _("epsilon"), max_digits=EPSILON_DIGITS, decimal_places=EPSILON_PLACES
    )
    tables = models.JSONField(_("tables"), default=list)
    metadata = models.JSONField(_("metadata"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(epsilon__gt=0), name="release_epsilon_positive"),
        ]
        indexes = [models.Index(fields=["budget", "-created_at"])]

    def __str__(self) -> str:
        return f"release {self.uuid}"
