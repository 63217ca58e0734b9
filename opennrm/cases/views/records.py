"""The pages that record perpetrators, needs and risks and the person's own account, and the
police liaison's pages of the perpetrator records shared with them (decision 0017)."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from opennrm.accounts import permissions as perms
from opennrm.web import ActorRequest, actor_required, perform, submit

from .. import needs, perpetrators
from ..forms import (
    AccountForm,
    AssessmentForm,
    PerpetratorEditForm,
    PerpetratorForm,
    add_list_errors,
)
from .tabs import _after, _case_for_write, _render_case


@require_POST
@never_cache
@actor_required(perms.PERPETRATORS_WORK)
def perpetrator_add(request: ActorRequest, case_id: UUID) -> HttpResponse:
    """Record someone who took part in the trafficking."""
    case = _case_for_write(request, case_id)
    form = PerpetratorForm(request.POST)
    done = submit(
        request,
        form,
        lambda: perpetrators.perpetrator_add(
            actor=request.actor, case=case, **form.data_for_service()
        ),
        success=_("The perpetrator was recorded."),
        redirect_to=lambda _record: _after(request, case, "perpetrators"),
        errors=add_list_errors,
    )
    return done or _render_case(request, case_id, "perpetrators", form=form)


@never_cache
@actor_required(perms.PERPETRATORS_WORK)
def perpetrator_edit(request: ActorRequest, case_id: UUID, perpetrator_id: UUID) -> HttpResponse:
    """The perpetrators tab with one record in the form; posted, the record is changed."""
    case = _case_for_write(request, case_id)
    record = perpetrators.case_perpetrator_get(
        actor=request.actor, case=case, perpetrator_id=perpetrator_id
    )
    if request.method != "POST":
        return _render_case(request, case_id, "perpetrators", editing=record)
    form = PerpetratorEditForm(request.POST)
    done = submit(
        request,
        form,
        lambda: perpetrators.perpetrator_update(
            actor=request.actor,
            perpetrator=record,
            version=form.cleaned_data["version"],
            **form.data_for_service(),
        ),
        success=_("The perpetrator was saved."),
        redirect_to=lambda _record: _after(request, case, "perpetrators"),
        errors=add_list_errors,
    )
    return done or _render_case(request, case_id, "perpetrators", form=form, editing=record)


@require_POST
@never_cache
@actor_required(perms.PERPETRATORS_WORK)
def perpetrator_remove(request: ActorRequest, case_id: UUID, perpetrator_id: UUID) -> HttpResponse:
    """Remove a record recorded in error: kept, marked, no longer shown."""
    case = _case_for_write(request, case_id)
    record = perpetrators.case_perpetrator_get(
        actor=request.actor, case=case, perpetrator_id=perpetrator_id
    )
    return perform(
        request,
        lambda: perpetrators.perpetrator_remove(actor=request.actor, perpetrator=record),
        success=_("The perpetrator was removed."),
        redirect_to=lambda: _after(request, case, "perpetrators"),
    )


@require_POST
@never_cache
@actor_required(perms.PERPETRATORS_SHARE)
def perpetrators_share(request: ActorRequest, case_id: UUID, share: bool) -> HttpResponse:
    """A supervisor shares the case's perpetrator records with the police liaison, or stops."""
    case = _case_for_write(request, case_id)
    if share:
        action, done = (
            perpetrators.perpetrators_share,
            _("The police liaison can now read the perpetrator records of this case."),
        )
    else:
        action, done = (
            perpetrators.perpetrators_unshare,
            _("The police liaison can no longer read the perpetrator records of this case."),
        )
    return perform(
        request,
        lambda: action(actor=request.actor, case=case),
        success=done,
        redirect_to=lambda: _after(request, case, "perpetrators"),
    )


@require_POST
@never_cache
@actor_required(perms.CASES_UPDATE)
def assessment_record(request: ActorRequest, case_id: UUID) -> HttpResponse:
    """Record a new assessment of needs and risks; it replaces the current one."""
    case = _case_for_write(request, case_id)
    form = AssessmentForm(request.POST)
    done = submit(
        request,
        form,
        lambda: needs.assessment_record(actor=request.actor, case=case, **form.cleaned_data),
        success=_("The assessment was recorded."),
        redirect_to=lambda _assessment: _after(request, case, "needs"),
        errors=add_list_errors,
    )
    return done or _render_case(request, case_id, "needs", form=form)


@require_POST
@never_cache
@actor_required(perms.CASES_UPDATE)
def account_record(request: ActorRequest, case_id: UUID) -> HttpResponse:
    """Record the person's account as told on a day."""
    case = _case_for_write(request, case_id)
    form = AccountForm(request.POST)
    done = submit(
        request,
        form,
        lambda: needs.account_record(actor=request.actor, case=case, **form.cleaned_data),
        success=_("The account was recorded."),
        redirect_to=lambda _account: _after(request, case, "account"),
        errors=add_list_errors,
    )
    return done or _render_case(request, case_id, "account", form=form)


# --- The police liaison's pages.


@never_cache
@actor_required(perms.PERPETRATORS_VIEW_SHARED)
def shared_list(request: ActorRequest) -> HttpResponse:
    """The cases whose perpetrator records a supervisor shares with the liaison now."""
    shares = perpetrators.shared_case_list(actor=request.actor)
    return render(request, "cases/perpetrators_shared.html", {"shares": shares})


@never_cache
@actor_required(perms.PERPETRATORS_VIEW_SHARED)
def shared_case(request: ActorRequest, case_id: UUID) -> HttpResponse:
    """The perpetrator records of one shared case; the read is audited."""
    case, records = perpetrators.shared_perpetrators_get(actor=request.actor, case_id=case_id)
    return render(
        request,
        "cases/perpetrators_shared_case.html",
        {"case": case, "perpetrators": records},
    )
