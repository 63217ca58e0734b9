"""The agency registry's pages: the public lookup (no sign-in), and the regulator's list, edit
and import pages (decision 0027)."""

from __future__ import annotations

import base64
import binascii
from uuid import UUID

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from opennrm.accounts import permissions as perms
from opennrm.accounts.timezones import local_date
from opennrm.errors import ValidationFailed
from opennrm.locales import country_name
from opennrm.validation import MAX_LINE, MAX_NAME
from opennrm.web import ActorRequest, actor_required, page_number, page_of, submit

from . import agencies
from .models_agencies import AgencyKind, AgencyStatus
from .site import hosting_organization

# --- The public lookup


def agency_lookup(request: HttpRequest) -> HttpResponse:
    """Search the registry by name or licence number (a GET form; works without JavaScript)."""
    query = request.GET.get("q", "")
    lookup = agencies.agency_lookup(query)
    organization = hosting_organization()
    today = agencies.public_today(organization)
    last = agencies.registry_last_updated()
    rows = [
        {
            "agency": a,
            "status": agencies.licence_shown_status(a, today),
            "country": country_name(a.country),
        }
        for a in lookup.agencies
    ]
    return render(
        request,
        "portal/agency_lookup.html",
        {
            "lookup": lookup,
            "rows": rows,
            "last_updated": local_date(last, organization) if last else None,
            "max_query": agencies.MAX_QUERY,
            "max_results": agencies.MAX_RESULTS,
        },
    )


# --- The regulator's pages


class AgencyForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=MAX_NAME)
    licence_number = forms.CharField(
        label=gettext_lazy("Licence number"), max_length=agencies.MAX_LICENCE
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=AgencyKind.choices)
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=AgencyStatus.choices)
    valid_until = forms.DateField(
        label=gettext_lazy("Valid until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Empty when the licence has no end date."),
    )
    issuing_authority = forms.CharField(
        label=gettext_lazy("Issuing authority"), max_length=MAX_LINE
    )
    city = forms.CharField(label=gettext_lazy("City"), max_length=agencies.MAX_CITY, required=False)
    address = forms.CharField(label=gettext_lazy("Address"), max_length=MAX_LINE, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        allow_empty_file=True,  # the service says why an empty file is refused
        help_text=gettext_lazy(
            "CSV, UTF-8, separated by commas or semicolons, with a header line naming the "
            "columns: name, licence_number, kind, status, valid_until, issuing_authority, and "
            "optionally country, city, address."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class ConfirmForm(forms.Form):
    # The file read at the preview, sent back to be imported: the import checks it all again.
    content = forms.CharField(widget=forms.HiddenInput, max_length=2 * agencies.MAX_FILE_BYTES)


@never_cache
@actor_required(perms.AGENCIES_MANAGE)
def agency_list(request: ActorRequest) -> HttpResponse:
    """The registry of the regulator's country, the last changes, and the import form."""
    query = request.GET.get("q", "")[: agencies.MAX_QUERY]
    page = page_of(
        agencies.agency_list(actor=request.actor, query=query), page_number(request.GET.get("page"))
    )
    return render(
        request,
        "portal/agency_list.html",
        {
            "page": page,
            "query": query,
            "updates": agencies.registry_updates(actor=request.actor),
            "form": ImportForm(),
            "country": country_name(request.actor.active_organization.country),
        },
    )


@never_cache
@actor_required(perms.AGENCIES_MANAGE)
def agency_new(request: ActorRequest) -> HttpResponse:
    form = AgencyForm(request.POST or None)
    done = submit(
        request,
        form,
        lambda: agencies.agency_create(actor=request.actor, data=form.cleaned_data),
        success=_("The agency was added to the registry."),
        redirect_to=reverse("registry:agency_list"),
    )
    return done or render(request, "portal/agency_edit.html", {"form": form, "agency": None})


@never_cache
@actor_required(perms.AGENCIES_MANAGE)
def agency_edit(request: ActorRequest, agency_id: UUID) -> HttpResponse:
    agency = agencies.agency_get(actor=request.actor, agency_id=agency_id)
    initial = {name: getattr(agency, name) for name in agencies.FIELDS}
    form = AgencyForm(request.POST or None, initial={**initial, "version": agency.version})
    done = submit(
        request,
        form,
        lambda: agencies.agency_update(
            actor=request.actor,
            agency_id=agency.uuid,
            data=form.cleaned_data,
            version=form.cleaned_data.get("version") or 0,
        ),
        success=_("The agency was saved."),
        redirect_to=reverse("registry:agency_list"),
    )
    return done or render(request, "portal/agency_edit.html", {"form": form, "agency": agency})


@never_cache
@actor_required(perms.AGENCIES_MANAGE)
def agency_import(request: ActorRequest) -> HttpResponse:
    """Upload a file and see what it would change (nothing saved); or confirm and import it."""
    if request.method != "POST":
        return redirect("registry:agency_list")
    if "content" in request.POST:
        return _import_confirmed(request)
    form = ImportForm(request.POST, request.FILES)
    plan = None
    content = b""
    if form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read(agencies.MAX_FILE_BYTES + 1)
        plan = agencies.agency_import_plan(actor=request.actor, content=content)
    return render(
        request,
        "portal/agency_import.html",
        {
            "form": form,
            "plan": plan,
            "confirm": ConfirmForm(initial={"content": base64.b64encode(content).decode("ascii")})
            if plan is not None and not plan.problems
            else None,
        },
    )


def _import_confirmed(request: ActorRequest) -> HttpResponse:
    confirm = ConfirmForm(request.POST)
    problems: list[str] = []
    if confirm.is_valid():
        try:
            content = base64.b64decode(confirm.cleaned_data["content"], validate=True)
        except (binascii.Error, ValueError):
            problems = [_("The file was not imported; upload it again.")]
        else:
            try:
                update = agencies.agency_import(actor=request.actor, content=content)
            except ValidationFailed as exc:
                problems = [m for lines in exc.errors.values() for m in lines] or [exc.message]
            else:
                messages.success(
                    request,
                    _(
                        "The file was imported: %(created)d added, %(updated)d changed, "
                        "%(unchanged)d unchanged."
                    )
                    % {
                        "created": update.created,
                        "updated": update.updated,
                        "unchanged": update.unchanged,
                    },
                )
                return redirect("registry:agency_list")
    else:
        problems = [_("The file was not imported; upload it again.")]
    return render(
        request,
        "portal/agency_import.html",
        {"form": ImportForm(), "plan": None, "confirm": None, "refused": problems},
        status=422,
    )
