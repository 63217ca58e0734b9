"""Counts of cases kept ahead of time (``stats/rollup.py``, decision 0030): ids, dates and
category codes only, never a name or any identifying value."""

from __future__ import annotations

from django.db import models


class CaseFact(models.Model):
    """What the kept counts hold of one case: where and when it counts, and its categories (one
    key per measure). The memory that lets a change of the case take back what it counted."""

    case_id = models.BigIntegerField(primary_key=True)  # no foreign key: stats reads cases
    organization_id = models.BigIntegerField()
    person_id = models.BigIntegerField(db_index=True)
    opened_on = models.DateField()
    closed_on = models.DateField(null=True)  # only while the case is closed
    consented = models.BooleanField()  # an active consent to anonymous statistics
    keys = models.JSONField()  # measure -> category key

    def __str__(self) -> str:
        return f"case {self.case_id}"


class CaseCount(models.Model):
    """A change of the count of cases of one organization, month, consent and category:
    rows are only ever added (+n or -n, never updated), so writers never wait on one another;
    a count is the sum of its rows. ``manage.py stats_rebuild`` folds them."""

    organization_id = models.BigIntegerField()
    month = models.DateField()  # the first day of the local month
    consented = models.BooleanField()
    measure = models.CharField(max_length=20)
    key = models.TextField()
    n = models.IntegerField()

    class Meta:
        indexes = [
            # Every read: one measure over a span of months, summed by key (index only).
            models.Index(
                fields=["measure", "month", "organization_id", "consented", "key", "n"],
                name="casecount_read",
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.month} {self.key} {self.n:+d}"


class SharedPerson(models.Model):
    """A person with more than one case: the people counted once among cases (with the persons
    a linkage run grouped) are corrected from these few, never by reading every case."""

    person_id = models.BigIntegerField(primary_key=True)

    def __str__(self) -> str:
        return f"person {self.person_id}"
