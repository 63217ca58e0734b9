"""The referrals box of the case page, and how durations read."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import template
from django.utils.translation import gettext as _

from opennrm.accounts import permissions as perms
from opennrm.cases.models import Case, Consent

from .. import deliveries, selectors
from ..forms import RecordedReferralForm

register = template.Library()


@register.inclusion_tag("referrals/_case_box.html", takes_context=True)
def referrals_box(context: dict[str, Any], case: Case) -> dict[str, Any]:
    """The case's referrals (sent, and the one it came by), the buttons to refer it, and the
    referrals recorded from the organization's own files, with the form to record one."""
    request = context["request"]
    actor = request.actor
    if not actor.can(perms.REFERRALS_VIEW):
        return {"show": False}
    referrals = list(selectors.case_referrals(actor=actor, case=case))
    can_edit = actor.can(perms.CASES_UPDATE)
    identifying = actor.can(perms.IDENTIFYING_DATA_VIEW)
    return {
        "show": True,
        "case": case,
        # Referrals made outside OpenNRM, recorded from the organization's own files (issue 14).
        "recorded": list(selectors.recorded_referral_list(actor=actor, case=case)),
        "recorded_form": RecordedReferralForm(identifying=identifying) if can_edit else None,
        "can_edit": can_edit,
        "identifying": identifying,
        "organization": actor.organization,
        "sent": [r for r in referrals if r.from_case_id == case.pk],
        "came_by": next((r for r in referrals if r.to_case_id == case.pk), None),
        "can_refer": actor.can(perms.REFERRALS_SEND),
        "can_transfer": actor.can(perms.CASES_TRANSFER),
        "can_assign": actor.can(perms.CASES_VIEW_ALL),
    }


@register.inclusion_tag("referrals/_case_services.html", takes_context=True)
def case_services_delivered(context: dict[str, Any], case: Case) -> dict[str, Any]:
    """Services other organizations delivered on the case's referrals, as they recorded them
    (decision 0018); nothing for an actor who does not see referrals."""
    actor = context["request"].actor
    if not actor.can(perms.REFERRALS_VIEW):
        return {"show": False}
    rows = list(deliveries.case_services_delivered(actor=actor, case=case)[:100])
    return {"show": bool(rows), "rows": rows}


@register.inclusion_tag("referrals/_withdrawal_effects.html", takes_context=True)
def consent_withdrawal_effects(context: dict[str, Any], consent: Consent) -> dict[str, Any]:
    """On the confirmation of a withdrawal: the referrals made under the consent it reaches."""
    actor = context["request"].actor
    if not actor.can(perms.REFERRALS_VIEW):
        return {"show": False}
    return {"show": True, "referrals": selectors.consent_referrals(actor=actor, consent=consent)}


@register.filter
def duration(value: timedelta | None) -> str:
    """2 d 4 h, 3 h 20 min, 12 min: how long an answer took."""
    if value is None:
        return "—"
    minutes = int(value.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)d min") % {"minutes": minutes}


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)} %"
