"""Forms of the return pages. They parse input only; the rules are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from opennrm.accounts.models import Organization
from opennrm.cases.forms import PRIVATE
from opennrm.locales import CountryField, country_name
from opennrm.web import choice_field

from .models import DocumentType, FollowUpOutcome, ReintegrationFollowUp, ReturnRecord

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _organization_choices() -> list[tuple[str, str]]:
    organizations = Organization.objects.filter(is_active=True).order_by("country", "name")
    return [("", "—")] + [
        (str(o.uuid), f"{o.name} ({country_name(o.country)}{', ' + o.city if o.city else ''})")
        for o in organizations
    ]


class ReturnForm(forms.Form):
    document_type = forms.ChoiceField(
        label=gettext_lazy("Travel document"),
        required=False,
        choices=[("", "—"), *DocumentType.choices],
    )
    document_number = forms.CharField(
        label=gettext_lazy("Document number"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs=PRIVATE),
    )
    travel_date = forms.DateField(label=gettext_lazy("Travel date"), required=False, widget=_DATE)
    destination_country = CountryField(label=gettext_lazy("Destination country"), required=True)
    destination_city = forms.CharField(
        label=gettext_lazy("Destination city"), required=False, max_length=100
    )
    route = forms.CharField(
        label=gettext_lazy("Route"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("For example: Istanbul – Tashkent by air"),
    )
    receiving_organization = forms.ChoiceField(
        label=gettext_lazy("Receiving organization"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "receiving_organization").choices = _organization_choices()

    @classmethod
    def initial_for(cls, record: ReturnRecord) -> dict[str, Any]:
        initial = {name: getattr(record, name) for name in cls.base_fields}
        initial["receiving_organization"] = (
            str(record.receiving_organization.uuid) if record.receiving_organization else ""
        )
        initial["version"] = record.version
        return initial

    def return_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.fields if name != "version"}


class ReturnEditForm(ReturnForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ArrivalForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    arrived_on = forms.DateField(label=gettext_lazy("Arrived on"), widget=_DATE)
    received_by = forms.CharField(
        label=gettext_lazy("Received by"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs=PRIVATE),
        help_text=gettext_lazy("Who met the person: an organization, a staff member, family…"),
    )
    arrival_notes = forms.CharField(
        label=gettext_lazy("Notes on the reception"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, **PRIVATE}),
    )

    @classmethod
    def initial_for(cls, record: ReturnRecord) -> dict[str, Any]:
        return {
            "version": record.version,
            "arrived_on": record.arrived_on,
            "received_by": record.received_by,
            "arrival_notes": record.arrival_notes,
        }


class FollowUpForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    done_on = forms.DateField(label=gettext_lazy("Done on"), widget=_DATE)
    outcome = forms.ChoiceField(
        label=gettext_lazy("How the person is doing"),
        choices=[("", "—"), *FollowUpOutcome.choices],
    )
    notes = forms.CharField(
        label=gettext_lazy("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, **PRIVATE}),
    )

    def __init__(self, *args: Any, follow_up: ReintegrationFollowUp, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {"version": follow_up.version, "done_on": timezone.localdate()},
        )
        kwargs.setdefault("prefix", f"f{follow_up.months}")
        super().__init__(*args, **kwargs)
