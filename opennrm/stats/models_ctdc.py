"""Reference data sets: a CTDC global data set file, imported as it is published (decision 0022).

A reference record is one row of that file, kept as statistical columns only (year, gender, age
band, citizenship, country of exploitation, exploitation types): no person or case is made of it,
and nothing in it names anyone. The national view shows them beside the national figures.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

__all__ = ["ReferenceDataset", "ReferenceRecord", "ReferenceGender", "ReferenceSchema"]


class ReferenceSchema(models.TextChoices):
    V6 = "v6", _("CTDC global data set (codebook v6)")
    SYNTHETIC = "synthetic", _("CTDC global synthetic data set")


class ReferenceGender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")
    TRANSGENDER = "transgender", _("Transgender or gender non-conforming")
    UNKNOWN = "", _("Unknown")


class ReferenceDataset(models.Model):
    """One imported file: what it was, when and by whom it came in, the columns it had."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    source_name = models.CharField(_("file name"), max_length=255, blank=True)
    schema = models.CharField(_("format"), max_length=20, choices=ReferenceSchema.choices)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    # None: imported from the command line (manage.py import_ctdc).
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    columns = models.JSONField(_("columns"), default=list)  # the header as found, in order
    terms_of_use = models.TextField(_("terms of use"), blank=True)  # the first header cell

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(schema__in=ReferenceSchema.values), name="reference_dataset_schema"
            ),
        ]

    def __str__(self) -> str:
        return f"reference data set {self.uuid}"


class ReferenceRecord(models.Model):
    """One row of a reference data set, statistical columns only; None or "" is unknown."""

    dataset = models.ForeignKey(ReferenceDataset, on_delete=models.CASCADE, related_name="records")
    year = models.PositiveSmallIntegerField(_("year of registration"), null=True, blank=True)
    data_source = models.CharField(_("data source"), max_length=40, blank=True)
    gender = models.CharField(
        _("gender"), max_length=20, choices=ReferenceGender.choices, blank=True
    )
    age_band = models.CharField(_("age band"), max_length=10, blank=True)  # "9-17", "48+"
    minor = models.BooleanField(_("minor"), null=True, blank=True)
    citizenship = models.CharField(_("citizenship"), max_length=2, blank=True)
    country_of_exploitation = models.CharField(
        _("country of exploitation"), max_length=2, blank=True
    )
    forced_labour = models.BooleanField(_("forced labour"), null=True, blank=True)
    sexual_exploitation = models.BooleanField(_("sexual exploitation"), null=True, blank=True)
    other_exploitation = models.BooleanField(_("other exploitation"), null=True, blank=True)
    labour_types = models.JSONField(_("types of labour"), default=list, blank=True)
    sex_types = models.JSONField(_("types of sexual exploitation"), default=list, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(gender__in=ReferenceGender.values), name="reference_record_gender"
            ),
        ]
        indexes = [models.Index(fields=["dataset", "country_of_exploitation", "year"])]

    def __str__(self) -> str:
        return f"reference record {self.pk}"
