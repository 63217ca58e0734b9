"""``{% screening_section case %}``: the screenings of a case, shown on its identification tab."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import template

from opennrm.accounts import permissions as perms
from opennrm.screening import selectors
from opennrm.screening.forms import interface_language
from opennrm.screening.models import Status
from opennrm.screening.views import OUTCOMES

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

register = template.Library()


@register.inclusion_tag("screening/_case_section.html", takes_context=True)
def screening_section(context: dict[str, Any], case: Any) -> dict[str, Any]:
    """Only for those who may screen; the list comes through the actor-scoped selector."""
    request = context.get("request")
    actor = getattr(request, "actor", None)
    if actor is None or not actor.can(perms.SCREENING_CONDUCT):
        return {"show": False}
    language = interface_language()
    rows = []
    for screening in selectors.screening_list(actor=actor, case_id=case.uuid):
        outcome: StrOrPromise = ""
        if screening.status == Status.COMPLETED:
            outcome = OUTCOMES.get(screening.result.get("outcome", ""), "")
        rows.append(
            {
                "screening": screening,
                "title": screening.questionnaire.text("title", language),
                "outcome": outcome,
            }
        )
    return {"show": True, "case": case, "rows": rows}
