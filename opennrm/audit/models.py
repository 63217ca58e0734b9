import uuid

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One append-only entry of the hash-chained audit log.

    ``fields`` holds the names of the fields changed, never their values. ``hash`` is
    HMAC-SHA256, under the audit key named by ``key_id``, of the previous event's hash and this
    event's canonical JSON; the key lives in the environment, never in the database.
    """

    id = models.BigAutoField(primary_key=True)
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    occurred_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(max_length=80)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.UUIDField(null=True, blank=True)
    # One read of many records of one type (a list page's rows): their ids, in page order.
    # Nullable so that adding it never rebuilds the table (SQLite would drop its triggers).
    object_ids = models.JSONField(null=True, blank=True)
    fields = models.JSONField(default=list, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    # For a refused access: the permission or the gate that refused it (never the object's id).
    rule = models.CharField(max_length=120, blank=True)
    key_id = models.CharField(max_length=32)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["organization", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type} {self.object_id}"
