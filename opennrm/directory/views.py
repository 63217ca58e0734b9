"""Pages of the service directory: search by service, place and language (every member), an
organization's page, and the forms with which an organization's managers keep their own
services and hotline numbers up to date."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opennrm.accounts import permissions as perms
from opennrm.web import (
    ActorRequest,
    actor_required,
    page_number,
    page_of,
    perform,
    submit,
)

from . import selectors, services
from .forms import (
    DirectoryEntryEditForm,
    DirectoryEntryForm,
    DirectorySearchForm,
    HotlineNumberEditForm,
    HotlineNumberForm,
    add_errors,
)

PAGE_SIZE = 25


def _own_url(request: ActorRequest) -> str:
    return reverse(
        "directory:organization", kwargs={"organization_id": request.actor.active_organization.uuid}
    )


@actor_required(perms.DIRECTORY_VIEW)
def search(request: ActorRequest) -> HttpResponse:
    """Services by type, country, city and language; the hotline numbers of the country."""
    actor = request.actor
    form = DirectorySearchForm(request.GET or None)
    filters = selectors.DirectoryFilters()
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        filters = selectors.DirectoryFilters(
            service_type=d["service_type"], country=d["country"], city=d["city"],
            language=d["language"],
        )  # fmt: skip
    page = page_of(
        selectors.directory_entry_list(actor=actor, filters=filters),
        page_number(request.GET.get("page")),
        PAGE_SIZE,
    )
    hotlines = selectors.hotline_number_list(
        actor=actor,
        filters=selectors.HotlineFilters(country=filters.country, language=filters.language),
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "directory/search.html",
        {
            "form": form,
            "entries": page.rows,
            "has_next": page.has_next,
            "page": page.number,
            "query": query.urlencode(),
            "hotlines": list(hotlines[:100]),
            "can_manage": actor.can(perms.DIRECTORY_MANAGE),
        },
    )


@actor_required(perms.DIRECTORY_VIEW)
def organization(request: ActorRequest, organization_id: UUID) -> HttpResponse:
    """An organization's services and hotline numbers; its managers edit them from here."""
    actor = request.actor
    directory = selectors.directory_organization(actor=actor, organization_id=organization_id)
    return render(
        request,
        "directory/organization.html",
        {
            "directory": directory,
            "can_manage": actor.can(perms.DIRECTORY_MANAGE)
            and directory.organization == actor.organization,
        },
    )


@actor_required(perms.DIRECTORY_MANAGE)
def entry_new(request: ActorRequest) -> HttpResponse:
    """List a service of the organization."""
    form = DirectoryEntryForm(request.POST or None)
    done = submit(
        request,
        form,
        lambda: services.directory_entry_create(actor=request.actor, **form.entry_data()),
        success=_("The service is listed in the directory."),
        redirect_to=_own_url(request),
        errors=add_errors,
    )
    return done or render(request, "directory/entry_form.html", {"form": form, "entry": None})


@actor_required(perms.DIRECTORY_MANAGE)
def entry_edit(request: ActorRequest, entry_id: UUID) -> HttpResponse:
    """Change one of the organization's services: free places, hours, languages…"""
    entry = selectors.directory_entry_own(actor=request.actor, entry_id=entry_id)
    form = DirectoryEntryEditForm(
        request.POST or None, initial=DirectoryEntryForm.initial_for(entry)
    )
    done = submit(
        request,
        form,
        lambda: services.directory_entry_update(
            actor=request.actor,
            entry=entry,
            version=form.cleaned_data["version"],
            **form.entry_data(),
        ),
        success=_("The service was saved."),
        redirect_to=_own_url(request),
        errors=add_errors,
    )
    return done or render(request, "directory/entry_form.html", {"form": form, "entry": entry})


@require_POST
@actor_required(perms.DIRECTORY_MANAGE)
def entry_withdraw(request: ActorRequest, entry_id: UUID) -> HttpResponse:
    """Take one of the organization's services off the directory."""
    entry = selectors.directory_entry_own(actor=request.actor, entry_id=entry_id)
    return perform(
        request,
        lambda: services.directory_entry_withdraw(actor=request.actor, entry=entry),
        success=_("The service is no longer listed."),
        redirect_to=_own_url(request),
    )


@require_POST
@actor_required(perms.DIRECTORY_MANAGE)
def entry_relist(request: ActorRequest, entry_id: UUID) -> HttpResponse:
    """List a withdrawn service again."""
    entry = selectors.directory_entry_own(actor=request.actor, entry_id=entry_id)
    return perform(
        request,
        lambda: services.directory_entry_relist(actor=request.actor, entry=entry),
        success=_("The service is listed in the directory."),
        redirect_to=_own_url(request),
    )


@actor_required(perms.DIRECTORY_MANAGE)
def hotline_new(request: ActorRequest) -> HttpResponse:
    """List a hotline number run by the organization."""
    form = HotlineNumberForm(
        request.POST or None, initial={"country": request.actor.active_organization.country}
    )
    done = submit(
        request,
        form,
        lambda: services.hotline_number_create(actor=request.actor, **form.hotline_data()),
        success=_("The hotline number is listed in the directory."),
        redirect_to=_own_url(request),
        errors=add_errors,
    )
    return done or render(request, "directory/hotline_form.html", {"form": form, "hotline": None})


@actor_required(perms.DIRECTORY_MANAGE)
def hotline_edit(request: ActorRequest, hotline_id: UUID) -> HttpResponse:
    """Change one of the organization's hotline numbers."""
    hotline = selectors.hotline_number_own(actor=request.actor, hotline_id=hotline_id)
    form = HotlineNumberEditForm(
        request.POST or None, initial=HotlineNumberForm.initial_for(hotline)
    )
    done = submit(
        request,
        form,
        lambda: services.hotline_number_update(
            actor=request.actor,
            hotline=hotline,
            version=form.cleaned_data["version"],
            **form.hotline_data(),
        ),
        success=_("The hotline number was saved."),
        redirect_to=_own_url(request),
        errors=add_errors,
    )
    return done or render(
        request, "directory/hotline_form.html", {"form": form, "hotline": hotline}
    )


@require_POST
@actor_required(perms.DIRECTORY_MANAGE)
def hotline_withdraw(request: ActorRequest, hotline_id: UUID) -> HttpResponse:
    """Take one of the organization's hotline numbers off the directory."""
    hotline = selectors.hotline_number_own(actor=request.actor, hotline_id=hotline_id)
    return perform(
        request,
        lambda: services.hotline_number_withdraw(actor=request.actor, hotline=hotline),
        success=_("The hotline number is no longer listed."),
        redirect_to=_own_url(request),
    )
