"""The organization admin's page of the data-sharing agreement with the national coordinator."""

from __future__ import annotations

from uuid import UUID

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from opennrm.accounts import permissions as perms
from opennrm.web import ActorRequest, actor_required, perform, submit

from . import sharing


class SharingForm(forms.Form):
    starts_on = forms.DateField(
        label=gettext_lazy("In force from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reference = forms.CharField(
        label=gettext_lazy("Reference of the signed agreement"),
        required=False,
        max_length=sharing.MAX_REFERENCE,
        help_text=gettext_lazy("For example its number and date of signature. Optional."),
    )


@actor_required(perms.STATS_SHARING_MANAGE)
def sharing_page(request: ActorRequest) -> HttpResponse:
    form = SharingForm(request.POST or None)
    done = submit(
        request,
        form,
        lambda: sharing.sharing_start(actor=request.actor, **form.cleaned_data),
        redirect_to=reverse("stats:sharing"),
        success=_("Your organization now shares its statistics with the national coordinator."),
    )
    if done:
        return done
    agreements = list(sharing.sharing_agreements(actor=request.actor))
    current = next((a for a in agreements if a.withdrawn_on is None), None)
    return render(
        request,
        "stats/sharing.html",
        {
            "form": form,
            "current": current,
            "agreements": agreements,
            "coordinator": sharing.national_coordinator(),
        },
    )


@require_POST
@actor_required(perms.STATS_SHARING_MANAGE)
def sharing_withdraw(request: ActorRequest, agreement_id: UUID) -> HttpResponse:
    return perform(
        request,
        lambda: sharing.sharing_withdraw(actor=request.actor, agreement_id=agreement_id),
        success=_("Sharing withdrawn: the national view no longer counts your organization."),
        redirect_to=reverse("stats:sharing"),
    )
