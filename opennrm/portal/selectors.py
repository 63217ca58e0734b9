"""Reading the portal's pages: the public text of a page (no actor: public information), and the
pages as their editor at the hosting organization sees them."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from opennrm.accounts import permissions as perms
from opennrm.accounts.models import Organization
from opennrm.accounts.permissions import Actor
from opennrm.errors import NotFound

from . import content
from .models import PAGE_LANGUAGES, PageSlug, PortalPage
from .site import hosting_organization


@dataclass(frozen=True)
class PublicPage:
    slug: str
    title: str
    html: str


def portal_page_public(*, slug: str, language: str) -> PublicPage:
    """What a visitor reads: the published text in ``language``, else the default text."""
    page = PortalPage.objects.filter(slug=slug, language=language).first()
    if page is not None and page.is_published:
        return PublicPage(slug=slug, title=page.title, html=content.render(page.body))
    text = content.default_text(slug, language)
    return PublicPage(slug=slug, title=text.title, html=content.render(text.body))


def portal_pages_public(*, slugs: tuple[str, ...], language: str) -> list[PublicPage]:
    """Several pages at once (the advice's four parts, each a section titled at level 2: their
    headings start at level 3), in one query."""
    published = {
        p.slug: p
        for p in PortalPage.objects.filter(
            slug__in=slugs, language=language, published_at__isnull=False
        )
    }
    found = []
    for slug in slugs:
        page = published.get(slug)
        if page is not None:
            title, body = page.title, page.body
        else:
            text = content.default_text(slug, language)
            title, body = text.title, text.body
        found.append(PublicPage(slug=slug, title=title, html=content.render(body, top=3)))
    return found


def portal_editing_organization(*, actor: Actor) -> Organization:
    """The hosting organization, when the actor may edit the portal's pages for it; NotFound for
    an admin of any other organization (the pages are not theirs to see)."""
    actor.require(perms.PORTAL_CONTENT_EDIT)
    host = hosting_organization()
    if host is None or actor.organization is None or actor.organization.pk != host.pk:
        raise NotFound(_("Page not found."))
    return host


@dataclass(frozen=True)
class EditorPage:
    """A page and language as the editor sees it: stored (once edited) or the default text."""

    slug: str
    language: str
    title: str  # the draft's
    body: str
    version: int  # 0: never edited
    page: PortalPage | None

    @property
    def name(self) -> str:
        return str(PageSlug(self.slug).label)

    @property
    def status(self) -> str:
        if self.page is None or not self.page.is_published:
            return "default" if self.page is None else "draft"
        return "changed" if self.page.has_unpublished_draft else "published"


def _editor_page(slug: str, language: str, page: PortalPage | None) -> EditorPage:
    if page is None:
        text = content.default_text(slug, language)
        return EditorPage(slug, language, text.title, text.body, 0, None)
    return EditorPage(slug, language, page.draft_title, page.draft_body, page.version, page)


def portal_page_list(*, actor: Actor) -> list[EditorPage]:
    """Every page in every language, with its status, for the editor."""
    portal_editing_organization(actor=actor)
    stored = {(p.slug, p.language): p for p in PortalPage.objects.select_related("published_by")}
    return [
        _editor_page(slug, language, stored.get((slug, language)))
        for slug in PageSlug.values
        for language in PAGE_LANGUAGES
    ]


def portal_page_for_edit(*, actor: Actor, slug: str, language: str) -> EditorPage:
    """One page in one language for the editor; NotFound for an unknown page or language."""
    portal_editing_organization(actor=actor)
    if slug not in PageSlug.values or language not in PAGE_LANGUAGES:
        raise NotFound(_("Page not found."))
    page = (
        PortalPage.objects.select_related("published_by", "updated_by")
        .filter(slug=slug, language=language)
        .first()
    )
    return _editor_page(slug, language, page)


def language_names() -> dict[str, str]:
    """The portal's languages by code, named as settings name them."""
    return {code: str(name) for code, name in settings.LANGUAGES}
