"""What the perpetrators, needs-and-risks and own-account tabs of the case page show.

Kept apart from ``tabs`` so that ``tabs`` can list them without importing the pages that change
them (``views.records``), which build on ``tabs``.
"""

from __future__ import annotations

from typing import Any

from opennrm.accounts import permissions as perms
from opennrm.web import ActorRequest

from .. import needs, perpetrators
from ..forms import AccountForm, AssessmentForm, PerpetratorEditForm, PerpetratorForm
from ..models import Case, Perpetrator


def perpetrators_tab(
    request: ActorRequest,
    case: Case,
    form: PerpetratorForm | None = None,
    editing: Perpetrator | None = None,
) -> dict[str, Any]:
    """The records, the sharing with the police liaison, and a form: a new record, or
    ``editing`` one."""
    actor = request.actor
    if form is None:
        form = (
            PerpetratorEditForm(initial=PerpetratorEditForm.initial_for(editing))
            if editing is not None
            else PerpetratorForm()
        )
    return {
        "perpetrators": perpetrators.case_perpetrator_list(actor=actor, case=case),
        "share": perpetrators.perpetrator_share_current(actor=actor, case=case),
        "shares": perpetrators.perpetrator_share_history(actor=actor, case=case)[:10],
        "can_share": actor.can(perms.PERPETRATORS_SHARE),
        "form": form,
        "editing": editing,
    }


def needs_tab(
    request: ActorRequest, case: Case, form: AssessmentForm | None = None
) -> dict[str, Any]:
    """The current assessment, the earlier ones, and the form for a new one."""
    assessments = list(needs.case_assessment_list(actor=request.actor, case=case)[:20])
    context: dict[str, Any] = {
        "current": assessments[0] if assessments else None,
        "earlier": assessments[1:],
    }
    if request.actor.can(perms.CASES_UPDATE):
        # A new assessment starts from the current one: the worker changes what changed.
        context["form"] = form or AssessmentForm(
            initial=AssessmentForm.initial_from(context["current"])
        )
    return context


def account_tab(
    request: ActorRequest, case: Case, form: AccountForm | None = None
) -> dict[str, Any]:
    """The person's accounts, newest first, and the form for another telling."""
    context: dict[str, Any] = {
        "accounts": needs.case_account_list(actor=request.actor, case=case),
    }
    if request.actor.can(perms.CASES_UPDATE):
        context["form"] = form or AccountForm()
    return context
