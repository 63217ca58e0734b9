"""The models of the merge part of linkage: a supervisor declared two persons one (decision 0021).

A ``PersonMerge`` keeps what undoing needs, exactly: the kept person's values before (encrypted,
like the person's own fields), the cases moved and the kept person's version after. The absorbed
person's row is left as it was, without its search tokens, so undoing is a matter of moving the
cases back and restoring the kept person's values.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from opennrm.crypto.fields import EncryptedJSONField

__all__ = ["PersonMerge"]


class PersonMerge(models.Model):
    """Two persons of one organization declared one: ``absorbed``'s cases now belong to ``kept``.

    Live until ``undone_at`` is set; a person is absorbed by one live merge at most."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    kept = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    absorbed = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    # The cases the supervisor named: the list shows their numbers, never a name.
    kept_case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    absorbed_case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    # Merge field -> "keep", "absorb" or "both": field names only, never a value.
    choices = models.JSONField(default=dict)
    # The kept person's values, provenance and age band before the merge: identifying, encrypted.
    before = EncryptedJSONField(default=dict)
    # The UUIDs (text) of the absorbed person's cases, re-attached to the kept person.
    moved_cases = models.JSONField(default=list)
    kept_version = models.PositiveIntegerField()  # the kept person's version after the merge
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField(auto_now_add=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(kept=F("absorbed")), name="merge_two_persons"),
            models.UniqueConstraint(
                fields=["absorbed"],
                condition=Q(undone_at__isnull=True),
                name="merge_absorbed_once",
            ),
            models.CheckConstraint(
                condition=Q(undone_at__isnull=True) | Q(undone_by__isnull=False),
                name="merge_undone_by_someone",
            ),
        ]
        indexes = [models.Index(fields=["organization", "-merged_at"], name="merge_org_latest")]

    def __str__(self) -> str:
        return f"merge {self.uuid}"

    @property
    def live(self) -> bool:
        return self.undone_at is None
