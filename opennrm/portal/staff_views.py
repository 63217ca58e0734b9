"""The editor's pages of the portal's content, on the staff site (never on the portal's host):
the pages by language with their status, and one page's draft, preview and publication."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from opennrm.accounts import permissions as perms
from opennrm.errors import ValidationFailed
from opennrm.web import ActorRequest, actor_required, add_errors, submit

from . import content, selectors, services
from .forms import PortalPageForm
from .models import PortalPage


@never_cache
@actor_required(perms.PORTAL_CONTENT_EDIT)
def page_list(request: ActorRequest) -> HttpResponse:
    """Every page in every language, and whether it is the default, a draft or published."""
    pages = selectors.portal_page_list(actor=request.actor)
    rows: dict[str, list[selectors.EditorPage]] = {}
    for page in pages:
        rows.setdefault(page.slug, []).append(page)
    return render(
        request,
        "portal/staff/page_list.html",
        {"rows": list(rows.values()), "languages": selectors.language_names()},
    )


@never_cache
@actor_required(perms.PORTAL_CONTENT_EDIT)
def page_edit(request: ActorRequest, slug: str, language: str) -> HttpResponse:
    """Edit the draft; "Preview" shows it as the public would see it (nothing saved), "Save
    draft" keeps it, "Publish" makes it what the public reads."""
    actor = request.actor
    page = selectors.portal_page_for_edit(actor=actor, slug=slug, language=language)
    initial = {"title": page.title, "body": page.body, "version": page.version}
    form = PortalPageForm(request.POST or None, initial=initial)
    action = request.POST.get("action", "")
    preview = None
    here = reverse("portal_admin:page_edit", args=[slug, language])
    if request.method == "POST" and action == "preview":
        if form.is_valid():
            title, body = form.cleaned_data["title"], form.cleaned_data["body"]
            try:
                services.portal_page_check(title=title, body=body)
            except ValidationFailed as exc:
                add_errors(form, exc)
            preview = {"title": title.strip(), "html": content.render(body)}
    elif request.method == "POST":
        publish = action == "publish"
        service = services.portal_page_publish if publish else services.portal_page_draft_save

        def save() -> PortalPage:
            data = form.cleaned_data
            return service(
                actor=actor,
                slug=slug,
                language=language,
                title=data["title"],
                body=data["body"],
                version=data["version"],
            )

        done = submit(
            request,
            form,
            save,
            redirect_to=here,
            success=_("Published: the portal shows this text now.")
            if publish
            else _("Draft saved. The portal still shows the published text."),
        )
        if done is not None:
            return done
    return render(
        request,
        "portal/staff/page_edit.html",
        {
            "page": page,
            "form": form,
            "preview": preview,
            "language_name": selectors.language_names()[language],
        },
    )
