"""The pages of the intake part of linkage: the duplicate check, asking another organization to
get in touch, and the requests received and sent."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django import forms
from django.db import OperationalError
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from opennrm.accounts import permissions as perms
from opennrm.cases.selectors import case_get
from opennrm.errors import ValidationFailed
from opennrm.web import ActorRequest, actor_required, add_errors, perform, submit

from . import intake

# The person form's fields the check reads; "other_names" and "phones" are one per line.
_SINGLE = ("given_name", "family_name", "patronymic", "birth_date", "birth_year", "citizenship")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _person_data(post: Any) -> dict[str, Any]:
    data: dict[str, Any] = {name: post.get(name, "") for name in _SINGLE}
    data["gender"] = post.get("gender", "")
    data["names"] = _lines(post.get("other_names", ""))[:20]
    data["phones"] = _lines(post.get("phones", ""))[:20]
    return data


@require_POST
@never_cache
@actor_required(perms.PERSONS_MATCH)
def intake_check(request: ActorRequest) -> HttpResponse:
    """The possible matches of the person being typed in the case form: a fragment for htmx,
    a page without JavaScript (the form's "Check for possible duplicates" button)."""
    exclude = None
    if case_id := request.POST.get("linkage_case", ""):
        exclude = case_get(actor=request.actor, case_id=case_id, audit=False)
    invalid = False
    try:
        found = intake.possible_matches(
            actor=request.actor, data=_person_data(request.POST), exclude_case=exclude
        )
    except ValidationFailed:
        found, invalid = intake.Matches(), True
    except OperationalError as exc:
        # The check is advisory and runs while the typist works: on SQLite with a shared cache
        # (the test server), a save of the same form holds the table; answer "nothing found"
        # rather than an error in the middle of intake. Anything else is a real error.
        if "locked" not in str(exc):
            raise
        found = intake.Matches()
    context = {"found": found, "invalid": invalid}
    if request.headers.get("HX-Request"):
        return render(request, "linkage/intake_matches.html", context)
    return render(request, "linkage/intake_check.html", context)


class AskForm(forms.Form):
    message = forms.CharField(
        label=gettext_lazy("Message (optional)"),
        max_length=intake.MAX_MESSAGE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": intake.MAX_MESSAGE}),
        help_text=gettext_lazy(
            "Say how to reach you. Do not write the person's name: the other organization "
            "already sees its own record."
        ),
    )


@never_cache
@actor_required(perms.MATCH_HINTS_VIEW)
def hint_ask(request: ActorRequest, hint_id: UUID) -> HttpResponse:
    """Ask the organization of a hint to get in touch, with an optional short message."""
    hint = intake.hint_get(actor=request.actor, hint_id=hint_id)
    form = AskForm(request.POST or None)
    done = submit(
        request,
        form,
        lambda: intake.contact_request_send(
            actor=request.actor, hint_id=hint_id, message=form.cleaned_data["message"]
        ),
        success=_("%(organization)s was asked to get in touch.")
        % {"organization": hint.organization_name},
        redirect_to=reverse("linkage:requests") + "?tab=sent",
        errors=add_errors,
    )
    return done or render(request, "linkage/intake_ask.html", {"hint": hint, "form": form})


@never_cache
@actor_required(perms.MATCH_REQUESTS_RESPOND)
def requests_list(request: ActorRequest) -> HttpResponse:
    """Requests to get in touch: received by the organization, or sent by it."""
    tab = "sent" if request.GET.get("tab") == "sent" else "received"
    context: dict[str, Any] = {"tab": tab}
    if tab == "sent":
        context["sent"] = intake.contact_requests_sent(actor=request.actor)
    else:
        context["received"] = intake.contact_requests_received(actor=request.actor)
    return render(request, "linkage/intake_requests.html", context)


@require_POST
@never_cache
@actor_required(perms.MATCH_REQUESTS_RESPOND)
def request_answer(request: ActorRequest, request_id: UUID) -> HttpResponse:
    """Answer a request received: we will get in touch, or decline."""
    answer = request.POST.get("answer", "")
    return perform(
        request,
        lambda: intake.contact_request_answer(
            actor=request.actor, request_id=request_id, answer=answer
        ),
        success=_("Your answer was sent."),
        redirect_to=reverse("linkage:requests"),
    )
