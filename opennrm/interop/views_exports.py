"""The pages of HTCDS exports: the list, the request form, a request's page (approve, refuse,
the password and the download)."""

from __future__ import annotations

from uuid import UUID

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from opennrm.accounts import permissions as perms
from opennrm.errors import Conflict
from opennrm.validation import MAX_LINE
from opennrm.web import ActorRequest, actor_required, page_number, page_of, perform, submit

from . import exports
from .htcds_export import COLUMNS
from .models import ExportFormat


class RequestForm(forms.Form):
    numbers = forms.CharField(
        label=gettext_lazy("Case numbers"),
        required=False,
        max_length=exports.MAX_NUMBERS_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Separated by spaces, commas or new lines. Or give a period below."),
    )
    opened_from = forms.DateField(
        label=gettext_lazy("Opened from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    opened_to = forms.DateField(
        label=gettext_lazy("Opened until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    file_format = forms.ChoiceField(
        label=gettext_lazy("Format"), choices=ExportFormat.choices, initial=ExportFormat.XLSX
    )
    identifying = forms.BooleanField(
        label=gettext_lazy("With identifying data (names, birth date, contacts, address)"),
        required=False,
    )
    purpose = forms.CharField(
        label=gettext_lazy("What is it for, and for whom?"),
        max_length=MAX_LINE,
        help_text=gettext_lazy("The supervisor who approves the export reads this."),
    )


class RefuseForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Why is it refused?"), max_length=MAX_LINE)


@never_cache
@actor_required(perms.HTCDS_EXPORT_REQUEST)
def export_list(request: ActorRequest) -> HttpResponse:
    found = exports.export_list(actor=request.actor)
    page = page_of(found, page_number(request.GET.get("page")))
    rows = [{"export": e, "status": exports.shown_status(e)} for e in page.rows]
    return render(request, "interop/export_list.html", {"page": page, "rows": rows})


@never_cache
@actor_required(perms.HTCDS_EXPORT_REQUEST)
def export_new(request: ActorRequest) -> HttpResponse:
    form = RequestForm(request.POST or None)
    if not request.actor.can(perms.IDENTIFYING_DATA_VIEW):
        del form.fields["identifying"]
    done = submit(
        request,
        form,
        lambda: exports.export_request_create(actor=request.actor, data=form.cleaned_data),
        success=_("The export was asked for. A supervisor must approve it before you download it."),
        redirect_to=lambda r: reverse("interop:export_detail", args=[r.uuid]),
    )
    return done or render(request, "interop/export_new.html", {"form": form, "columns": COLUMNS})


@never_cache
@actor_required(perms.HTCDS_EXPORT_REQUEST)
def export_detail(request: ActorRequest, export_id: UUID) -> HttpResponse:
    found = exports.export_get(actor=request.actor, export_id=export_id)
    actor = request.actor
    status = exports.shown_status(found)
    own = found.requested_by_id == actor.user.pk
    return render(
        request,
        "interop/export_detail.html",
        {
            "export": found,
            "status": status,
            "own": own,
            "cases": len(found.case_ids),
            "may_decide": actor.can(perms.HTCDS_EXPORT_APPROVE) and not own and status == "pending",
            "password": exports.export_password(actor=actor, request=found),
            "refuse_form": RefuseForm(),
        },
    )


@require_POST
@actor_required(perms.HTCDS_EXPORT_APPROVE)
def export_approve(request: ActorRequest, export_id: UUID) -> HttpResponse:
    return perform(
        request,
        lambda: exports.export_approve(actor=request.actor, export_id=export_id),
        success=_("The export is approved; its requester may download it now."),
        redirect_to=reverse("interop:export_detail", args=[export_id]),
    )


@never_cache
@require_POST
@actor_required(perms.HTCDS_EXPORT_APPROVE)
def export_refuse(request: ActorRequest, export_id: UUID) -> HttpResponse:
    form = RefuseForm(request.POST)
    done = submit(
        request,
        form,
        lambda: exports.export_refuse(
            actor=request.actor, export_id=export_id, reason=form.cleaned_data["reason"]
        ),
        success=_("The export was refused."),
        redirect_to=reverse("interop:export_detail", args=[export_id]),
    )
    if done:
        return done
    found = exports.export_get(actor=request.actor, export_id=export_id)
    return render(
        request,
        "interop/export_detail.html",
        {
            "export": found,
            "status": exports.shown_status(found),
            "own": False,
            "cases": len(found.case_ids),
            "may_decide": True,
            "password": "",
            "refuse_form": form,
        },
        status=422,
    )


@require_POST
@actor_required(perms.HTCDS_EXPORT_REQUEST)
def export_download(request: ActorRequest, export_id: UUID) -> HttpResponse:
    """The sealed file (a POST: a download is an audited act, never a link a browser prefetches)."""
    try:
        sealed = exports.export_download(actor=request.actor, export_id=export_id)
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect("interop:export_detail", export_id=export_id)
    response = HttpResponse(sealed.content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{sealed.name}"'
    response["Cache-Control"] = "no-store"
    return response
