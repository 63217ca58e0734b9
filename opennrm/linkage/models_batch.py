"""The models of the batch part of linkage: runs of the batch duplicate search and the links
they found (decision 0021). A link holds two person ids and a probability: nothing identifying."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

__all__ = ["LinkageRun", "LinkageScope", "LinkageStatus", "PersonCluster", "PersonLink"]


class LinkageScope(models.TextChoices):
    ORGANIZATION = "organization", _("Within the organization")
    NATIONAL = "national", _("Across organizations (national)")


class LinkageStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class LinkageRun(models.Model):
    """One run of the batch duplicate search, started by a member of ``organization``; the
    national scope pools every active organization with matching hints on."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    scope = models.CharField(_("scope"), max_length=20, choices=LinkageScope.choices)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="linkage_runs"
    )
    # None: started from the command line (manage.py linkage_run).
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=LinkageStatus.choices, default=LinkageStatus.QUEUED
    )
    progress = models.FloatField(_("progress"), default=0.0)
    records = models.PositiveIntegerField(_("records"), default=0)
    pairs = models.PositiveIntegerField(_("linked pairs"), default=0)
    clusters = models.PositiveIntegerField(_("groups of records of one person"), default=0)
    persons = models.PositiveIntegerField(_("persons counted once"), default=0)
    organizations = models.PositiveIntegerField(_("organizations"), default=0)
    trained = models.BooleanField(_("parameters estimated on the records"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(scope__in=LinkageScope.values), name="linkage_run_scope"
            ),
            models.CheckConstraint(
                condition=Q(status__in=LinkageStatus.values), name="linkage_run_status"
            ),
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=1), name="linkage_run_progress"
            ),
        ]
        indexes = [models.Index(fields=["organization", "scope", "-created_at"])]

    def __str__(self) -> str:
        return f"linkage run {self.uuid}"


class PersonLink(models.Model):
    """Two persons a run found to be probably one; ``person_a`` has the lower id."""

    run = models.ForeignKey(LinkageRun, on_delete=models.CASCADE, related_name="links")
    person_a = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField(_("match probability"))
    organization_a = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    organization_b = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["run", "person_a", "person_b"], name="person_link_unique"
            ),
            models.CheckConstraint(
                condition=Q(person_a__lt=models.F("person_b")), name="person_link_ordered"
            ),
            models.CheckConstraint(
                condition=Q(probability__gte=0) & Q(probability__lte=1),
                name="person_link_probability",
            ),
        ]

    def __str__(self) -> str:
        return f"link {self.pk} of run {self.run_id}"


class PersonCluster(models.Model):
    """A person record that a run joined with others into one person: ``cluster`` is the lowest
    person id of the group (its links joined transitively). Statistics count a group once by
    this key (``stats.queries``); a person in no group counts under its own id. Ids only."""

    run = models.ForeignKey(LinkageRun, on_delete=models.CASCADE, related_name="cluster_members")
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="linkage_clusters"
    )
    cluster = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "person"], name="person_cluster_unique")
        ]

    def __str__(self) -> str:
        return f"person {self.person_id} in cluster {self.cluster} of run {self.run_id}"
