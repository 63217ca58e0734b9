"""Writing the portal's pages: the editor's draft, and its publication (audited, in the same
transaction). Only the hosting organization's admin writes (selectors.portal_editing_organization);
a page changed by someone else since it was read is refused (``Conflict``), never overwritten."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opennrm.accounts.permissions import Actor
from opennrm.audit.services import audit_record
from opennrm.errors import Conflict, NotFound
from opennrm.validation import Checker

from .audit import PortalAction
from .models import MAX_BODY, MAX_TITLE, PAGE_LANGUAGES, PageSlug, PortalPage
from .selectors import portal_editing_organization


def portal_page_check(*, title: str, body: str) -> tuple[str, str]:
    """The title and body cleaned, or ``ValidationFailed`` naming what is wrong with them."""
    check = Checker()
    title = check.text(
        "title",
        title,
        max_length=MAX_TITLE,
        required=True,
        multiline=False,
        required_message=_("Give the page a title."),
    )
    body = check.markdown(
        "body",
        body,
        max_length=MAX_BODY,
        required=True,
        required_message=_("Write the page's text."),
    )
    check.raise_if_errors()
    return title, body


def _page_to_write(*, slug: str, language: str, version: int) -> PortalPage:
    """The stored page, locked, at the version the editor read (0: never edited)."""
    if slug not in PageSlug.values or language not in PAGE_LANGUAGES:
        raise NotFound(_("Page not found."))
    page = PortalPage.objects.select_for_update().filter(slug=slug, language=language).first()
    stored = page.version if page is not None else 0
    if stored != version:
        raise Conflict(
            _(
                "Someone else changed this page since you opened it. Copy your text, open the "
                "page again and make your change there."
            )
        )
    return page or PortalPage(slug=slug, language=language, version=0)


@transaction.atomic
def portal_page_draft_save(
    *, actor: Actor, slug: str, language: str, title: str, body: str, version: int
) -> PortalPage:
    """Keep the editor's draft; the public still reads the published text."""
    portal_editing_organization(actor=actor)
    title, body = portal_page_check(title=title, body=body)
    page = _page_to_write(slug=slug, language=language, version=version)
    page.draft_title, page.draft_body = title, body
    page.updated_at, page.updated_by = timezone.now(), actor.user
    page.version += 1
    page.full_clean()
    page.save()
    audit_record(
        actor=actor, action=PortalAction.DRAFT_SAVE, obj=page, fields=["draft_title", "draft_body"]
    )
    return page


@transaction.atomic
def portal_page_publish(
    *, actor: Actor, slug: str, language: str, title: str, body: str, version: int
) -> PortalPage:
    """Publish ``title`` and ``body``: from now on the public reads them in ``language``."""
    portal_editing_organization(actor=actor)
    title, body = portal_page_check(title=title, body=body)
    page = _page_to_write(slug=slug, language=language, version=version)
    now = timezone.now()
    page.draft_title = page.title = title
    page.draft_body = page.body = body
    page.updated_at = page.published_at = now
    page.updated_by = page.published_by = actor.user
    page.version += 1
    page.full_clean()
    page.save()
    audit_record(actor=actor, action=PortalAction.PUBLISH, obj=page, fields=["title", "body"])
    return page
