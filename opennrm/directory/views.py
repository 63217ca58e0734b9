"""Pages of the service directory: search by service, place and language (every member), an
organization's page, and the forms with which an organization's managers keep their own
services and hotline numbers up to date."""

from __future__ import annotations

from uuid import UUID

import phonenumbers
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opennrm.accounts import permissions as perms
from opennrm.errors import Conflict, ValidationFailed
from opennrm.web import ActorRequest, actor_required, page_number

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


def phone_display(number: str) -> str:
    """+77273000000 -> +7 727 300 0000; a short number as it is."""
    if not number.startswith("+"):
        return number
    try:
        parsed = phonenumbers.parse(number)
    except phonenumbers.NumberParseException:
        return number
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _own_page(request: ActorRequest) -> HttpResponse:
    return redirect(
        "directory:organization", organization_id=request.actor.active_organization.uuid
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
    page = page_number(request.GET.get("page"))
    start = (page - 1) * PAGE_SIZE
    rows = list(
        selectors.directory_entry_list(actor=actor, filters=filters)[start : start + PAGE_SIZE + 1]
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
            "entries": rows[:PAGE_SIZE],
            "has_next": len(rows) > PAGE_SIZE,
            "page": page,
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
    if request.method == "POST" and form.is_valid():
        try:
            services.directory_entry_create(actor=request.actor, **form.entry_data())
        except ValidationFailed as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The service is listed in the directory."))
            return _own_page(request)
    return render(request, "directory/entry_form.html", {"form": form, "entry": None})


@actor_required(perms.DIRECTORY_MANAGE)
def entry_edit(request: ActorRequest, entry_id: UUID) -> HttpResponse:
    """Change one of the organization's services: free places, hours, languages…"""
    entry = selectors.directory_entry_own(actor=request.actor, entry_id=entry_id)
    form = DirectoryEntryEditForm(
        request.POST or None, initial=DirectoryEntryForm.initial_for(entry)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.directory_entry_update(
                actor=request.actor,
                entry=entry,
                version=form.cleaned_data["version"],
                **form.entry_data(),
            )
        except (ValidationFailed, Conflict) as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The service was saved."))
            return _own_page(request)
    return render(request, "directory/entry_form.html", {"form": form, "entry": entry})


@require_POST
@actor_required(perms.DIRECTORY_MANAGE)
def entry_withdraw(request: ActorRequest, entry_id: UUID) -> HttpResponse:
    """Take one of the organization's services off the directory."""
    entry = selectors.directory_entry_own(actor=request.actor, entry_id=entry_id)
    services.directory_entry_withdraw(actor=request.actor, entry=entry)
    messages.success(request, _("The service is no longer listed."))
    return _own_page(request)


@require_POST
@actor_required(perms.DIRECTORY_MANAGE)
def entry_relist(request: ActorRequest, entry_id: UUID) -> HttpResponse:
    """List a withdrawn service again."""
    entry = selectors.directory_entry_own(actor=request.actor, entry_id=entry_id)
    services.directory_entry_relist(actor=request.actor, entry=entry)
    messages.success(request, _("The service is listed in the directory."))
    return _own_page(request)


@actor_required(perms.DIRECTORY_MANAGE)
def hotline_new(request: ActorRequest) -> HttpResponse:
    """List a hotline number run by the organization."""
    form = HotlineNumberForm(
        request.POST or None, initial={"country": request.actor.active_organization.country}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.hotline_number_create(actor=request.actor, **form.hotline_data())
        except ValidationFailed as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The hotline number is listed in the directory."))
            return _own_page(request)
    return render(request, "directory/hotline_form.html", {"form": form, "hotline": None})


@actor_required(perms.DIRECTORY_MANAGE)
def hotline_edit(request: ActorRequest, hotline_id: UUID) -> HttpResponse:
    """Change one of the organization's hotline numbers."""
    hotline = selectors.hotline_number_own(actor=request.actor, hotline_id=hotline_id)
    form = HotlineNumberEditForm(
        request.POST or None, initial=HotlineNumberForm.initial_for(hotline)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.hotline_number_update(
                actor=request.actor,
                hotline=hotline,
                version=form.cleaned_data["version"],
                **form.hotline_data(),
            )
        except (ValidationFailed, Conflict) as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The hotline number was saved."))
            return _own_page(request)
    return render(request, "directory/hotline_form.html", {"form": form, "hotline": hotline})


@require_POST
@actor_required(perms.DIRECTORY_MANAGE)
def hotline_withdraw(request: ActorRequest, hotline_id: UUID) -> HttpResponse:
    """Take one of the organization's hotline numbers off the directory."""
    hotline = selectors.hotline_number_own(actor=request.actor, hotline_id=hotline_id)
    services.hotline_number_withdraw(actor=request.actor, hotline=hotline)
    messages.success(request, _("The hotline number is no longer listed."))
    return _own_page(request)
