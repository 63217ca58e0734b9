"""The portal's content pages: one row per page and language, once someone edited it. Until a
version is published, the public sees the default text shipped in ``portal/content/``."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PageSlug(models.TextChoices):
    """The editable pages: the four parts of the advice, and how to browse safely."""

    BEFORE_YOU_GO = "before-you-go", _("Before you go")
    AT_THE_BORDER = "at-the-border", _("At the border")
    AT_WORK = "at-work", _("At work")
    IF_THINGS_GO_WRONG = "if-things-go-wrong", _("If things go wrong")
    BROWSE_SAFELY = "browse-safely", _("How to browse safely")


ADVICE = (
    PageSlug.BEFORE_YOU_GO,
    PageSlug.AT_THE_BORDER,
    PageSlug.AT_WORK,
    PageSlug.IF_THINGS_GO_WRONG,
)
PAGE_LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)
MAX_TITLE = 200
MAX_BODY = 20_000


class PortalPage(models.Model):
    """A page in one language: the published text the public reads, and the editor's draft."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.CharField(max_length=40, choices=PageSlug.choices)
    language = models.CharField(max_length=10)
    # What the public sees (empty until the first publication: then the default text is shown).
    title = models.CharField(max_length=MAX_TITLE, blank=True)
    body = models.TextField(blank=True)  # Markdown, rendered and sanitized when shown
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # What the editor works on.
    draft_title = models.CharField(max_length=MAX_TITLE, blank=True)
    draft_body = models.TextField(blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["slug", "language"], name="portal_page_unique"),
            models.CheckConstraint(
                condition=Q(slug__in=PageSlug.values), name="portal_page_slug_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.slug} ({self.language})"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def has_unpublished_draft(self) -> bool:
        return self.draft_title != self.title or self.draft_body != self.body


from .models_agencies import *  # noqa: E402, F403
