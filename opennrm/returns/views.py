"""Pages of voluntary return and reintegration: the return of a case (documents, travel,
reception at arrival, follow-ups), the organization's follow-ups due, and a short section that
the case page loads with htmx.

URLs carry UUIDs only; pages with a document number or notes are never stored by the browser.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from opennrm.accounts import permissions as perms
from opennrm.accounts.timezones import local_today
from opennrm.cases.selectors import case_get
from opennrm.web import ActorRequest, actor_required, page_number, page_of, submit

from . import selectors, services
from .forms import ArrivalForm, FollowUpForm, ReturnEditForm, ReturnForm
from .models import ReturnRecord


def _return_url(case_id: UUID) -> str:
    return reverse("returns:case_return", kwargs={"case_id": case_id})


def _render_return(
    request: ActorRequest,
    case_id: UUID,
    *,
    return_form: ReturnForm | None = None,
    arrival_form: ArrivalForm | None = None,
    follow_up_forms: dict[int, FollowUpForm] | None = None,
    audit: bool = True,
) -> HttpResponse:
    actor = request.actor
    case = case_get(actor=actor, case_id=case_id, audit=False)
    record = selectors.return_for_case(actor=actor, case=case, audit=audit)
    follow_ups = selectors.follow_up_list(actor=actor, record=record) if record else []
    if return_form is None:
        return_form = (
            ReturnEditForm(initial=ReturnForm.initial_for(record))
            if record
            else ReturnForm(initial={"destination_country": case.country_of_origin})
        )
    if record is not None and arrival_form is None:
        arrival_form = ArrivalForm(initial=ArrivalForm.initial_for(record))
    forms = follow_up_forms or {}
    rows = [
        (f, None if f.done_on else forms.get(f.months) or FollowUpForm(follow_up=f))
        for f in follow_ups
    ]
    context: dict[str, Any] = {
        "case": case,
        "record": record,
        "return_form": return_form,
        "arrival_form": arrival_form,
        "follow_ups": rows,
        "show_document": actor.can(perms.IDENTIFYING_DATA_VIEW),
        "today": local_today(actor.organization),
    }
    return render(request, "returns/case_return.html", context)


@never_cache
@actor_required(perms.RETURNS_MANAGE)
def case_return(request: ActorRequest, case_id: UUID) -> HttpResponse:
    """The return of a case: record it, change it. An audited read of its document and notes."""
    actor = request.actor
    if request.method != "POST":
        return _render_return(request, case_id)
    case = case_get(actor=actor, case_id=case_id, audit=False)
    record = selectors.return_for_case(actor=actor, case=case, audit=False)
    form: ReturnForm = ReturnEditForm(request.POST) if record else ReturnForm(request.POST)

    def save() -> ReturnRecord:
        if record is None:
            return services.return_create(actor=actor, case=case, **form.return_data())
        return services.return_update(
            actor=actor, record=record, version=form.cleaned_data["version"], **form.return_data()
        )

    done = submit(
        request,
        form,
        save,
        success=_("The return was recorded.") if record is None else _("The return was saved."),
        redirect_to=_return_url(case.uuid),
    )
    return done or _render_return(request, case_id, return_form=form, audit=False)


def _after(request: ActorRequest, record: ReturnRecord) -> str:
    """Where a change leads: the receiver to the return's page, the sender to its case's."""
    if selectors.is_receiver(request.actor, record):
        return reverse("returns:detail", kwargs={"return_id": record.uuid})
    return _return_url(record.case.uuid)


def _render_received(
    request: ActorRequest,
    record: ReturnRecord,
    *,
    arrival_form: ArrivalForm | None = None,
    follow_up_forms: dict[int, FollowUpForm] | None = None,
) -> HttpResponse:
    """The return as the receiving organization sees it: travel, arrival, follow-ups and its own
    case if a referral opened one; never the sender's case, names or travel document."""
    actor = request.actor
    follow_ups = selectors.follow_up_list(actor=actor, record=record)
    forms = follow_up_forms or {}
    rows = [
        (f, None if f.done_on else forms.get(f.months) or FollowUpForm(follow_up=f))
        for f in follow_ups
    ]
    context: dict[str, Any] = {
        "record": record,
        "own_case": selectors.receiving_case(actor=actor, record=record),
        "arrival_form": arrival_form or ArrivalForm(initial=ArrivalForm.initial_for(record)),
        "follow_ups": rows,
        "today": local_today(actor.organization),
    }
    return render(request, "returns/received_return.html", context)


@never_cache
@actor_required(perms.RETURNS_MANAGE)
def return_detail(request: ActorRequest, return_id: UUID) -> HttpResponse:
    """One return by its id: the receiver's page of it (an audited read); the sender is sent to
    its case's return page."""
    record = selectors.return_get(actor=request.actor, return_id=return_id)
    if not selectors.is_receiver(request.actor, record):
        return redirect(_return_url(record.case.uuid))
    return _render_received(request, record)


@never_cache
@actor_required(perms.RETURNS_MANAGE)
def returns_received(request: ActorRequest) -> HttpResponse:
    """The returns the organization receives: travel, destination, arrival, next follow-up."""
    page = page_of(
        selectors.return_received_list(actor=request.actor),
        page_number(request.GET.get("page")),
    )
    return render(request, "returns/received.html", {"page": page})


def _record_of(request: ActorRequest, return_id: UUID) -> ReturnRecord:
    return selectors.return_get(actor=request.actor, return_id=return_id, audit=False)


@require_POST
@never_cache
@actor_required(perms.RETURNS_MANAGE)
def return_arrival(request: ActorRequest, return_id: UUID) -> HttpResponse:
    """Record the reception at arrival; the follow-ups at 3, 6 and 12 months are scheduled."""
    record = _record_of(request, return_id)
    form = ArrivalForm(request.POST)
    done = submit(
        request,
        form,
        lambda: services.return_record_arrival(
            actor=request.actor,
            record=record,
            version=form.cleaned_data["version"],
            arrived_on=form.cleaned_data["arrived_on"],
            received_by=form.cleaned_data["received_by"],
            arrival_notes=form.cleaned_data["arrival_notes"],
        ),
        success=_("The arrival was recorded; follow-ups are due at 3, 6 and 12 months."),
        redirect_to=_after(request, record),
    )
    if done:
        return done
    if selectors.is_receiver(request.actor, record):
        return _render_received(request, record, arrival_form=form)
    return _render_return(request, record.case.uuid, arrival_form=form, audit=False)


@require_POST
@never_cache
@actor_required(perms.RETURNS_MANAGE)
def follow_up_record(request: ActorRequest, follow_up_id: UUID) -> HttpResponse:
    """Record a follow-up as done, with how the person is doing."""
    follow_up = selectors.follow_up_get(actor=request.actor, follow_up_id=follow_up_id)
    form = FollowUpForm(request.POST, follow_up=follow_up)
    case = follow_up.return_record.case
    done = submit(
        request,
        form,
        lambda: services.follow_up_record(
            actor=request.actor,
            follow_up=follow_up,
            version=form.cleaned_data["version"],
            done_on=form.cleaned_data["done_on"],
            outcome=form.cleaned_data["outcome"],
            notes=form.cleaned_data["notes"],
        ),
        success=_("The follow-up was recorded."),
        redirect_to=reverse("returns:follow_ups_due")
        if request.POST.get("next") == "due"
        else _after(request, follow_up.return_record),
    )
    if done:
        return done
    if selectors.is_receiver(request.actor, follow_up.return_record):
        return _render_received(
            request, follow_up.return_record, follow_up_forms={follow_up.months: form}
        )
    return _render_return(request, case.uuid, follow_up_forms={follow_up.months: form}, audit=False)


@never_cache
@actor_required(perms.RETURNS_MANAGE)
def follow_ups_due(request: ActorRequest) -> HttpResponse:
    """Follow-ups overdue or due within 14 days, for the cases the actor may see; no names."""
    return render(
        request,
        "returns/follow_ups_due.html",
        {"due": selectors.follow_ups_due(actor=request.actor)},
    )


@never_cache
@actor_required(perms.CASES_VIEW)
def case_section(request: ActorRequest, case_id: UUID) -> HttpResponse:
    """The return in brief, for the case page (loaded by htmx); nothing for those who do not
    manage returns. Shows no document number and no notes."""
    actor = request.actor
    case = case_get(actor=actor, case_id=case_id, audit=False)
    if not actor.can(perms.RETURNS_MANAGE):
        return HttpResponse("")
    record = selectors.return_for_case(actor=actor, case=case, audit=False)
    received = None
    if record is None:
        received = record = selectors.return_for_received_case(actor=actor, case=case, audit=False)
    follow_ups = selectors.follow_up_list(actor=actor, record=record) if record else []
    today = local_today(actor.organization)
    return render(
        request,
        "returns/_case_section.html",
        {
            "case": case,
            "record": record,
            "received": received,
            "follow_ups": follow_ups,
            "today": today,
            "soon": today + timedelta(days=selectors.DUE_WITHIN_DAYS),
        },
    )
