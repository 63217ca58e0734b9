"""Forms of the referral pages. They parse input only; every rule is the services'."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opennrm.accounts.models import Organization
from opennrm.cases.choices import ServiceType
from opennrm.errors import ApplicationError
from opennrm.locales import country_name
from opennrm.web import choice_field

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from .choices import (
    IDENTIFICATION_FOR_TYPES,
    IDENTIFYING_SHARED_FIELDS,
    MINIMUM_SHARED_FIELDS,
    STATISTICAL_SHARED_FIELDS,
    RecordedDirection,
    ReferralKind,
    ReferralReason,
    SharedField,
    Urgency,
)

PRIVATE = {"autocomplete": "off", "spellcheck": "false"}
# Service error paths -> form fields; an error on another path is shown above the form.
ERROR_FIELDS = {
    "consent": "to_organization",
    "shared_fields": "share_identifying",
    "override_reason": "override_reason",
}


def _checks(label: StrOrPromise, choices: list[tuple[str, Any]], **kwargs: Any) -> forms.Field:
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        **kwargs,
    )


class ReferralForm(forms.Form):
    """Where to, why, what is asked and exactly which of the person's fields go with it."""

    to_organization = forms.ChoiceField(label=gettext_lazy("Refer to"))
    reason = forms.ChoiceField(label=gettext_lazy("Reason"), choices=ReferralReason.choices)
    services_requested = _checks(gettext_lazy("Services requested"), ServiceType.choices)
    urgency = forms.ChoiceField(
        label=gettext_lazy("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL
    )
    share_identifying = _checks(
        gettext_lazy("Identifying fields to share"),
        [(v, label) for v, label in SharedField.choices if v in IDENTIFYING_SHARED_FIELDS],
        help_text=gettext_lazy("Only what the person agreed to share with this organization."),
    )
    share_statistical = _checks(
        gettext_lazy("Other fields to share"),
        [(v, label) for v, label in SharedField.choices if v in STATISTICAL_SHARED_FIELDS],
        initial=list(MINIMUM_SHARED_FIELDS),
        help_text=gettext_lazy(
            "Citizenship, gender and age band are the minimum. The identification decision is "
            "pre-selected for international organizations and for the receiver of a return."
        ),
    )
    note = forms.CharField(
        label=gettext_lazy("Needs and notes for the receiver"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4, **PRIVATE}),
    )
    override_reason = forms.CharField(
        label=gettext_lazy("Send without consent: the reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, **PRIVATE}),
        help_text=gettext_lazy(
            "Only when no consent covers the organization and the person's safety requires it. "
            "Recorded and shown to supervisors."
        ),
    )

    def __init__(
        self,
        *args: Any,
        kind: str,
        organizations: Iterable[Organization],
        covered: set[int],
        can_override: bool,
        receiver: Organization | None = None,
        for_return: bool = False,
        refresh_url: str = "",
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("auto_id", "referral-%s")
        super().__init__(*args, **kwargs)
        self.kind = kind
        if refresh_url:
            # Choosing the receiver redraws the form with that receiver's defaults (htmx; without
            # it, the defaults stay the minimum and the sender ticks what to share).
            self.fields["to_organization"].widget.attrs.update(
                {
                    "hx-get": refresh_url,
                    "hx-trigger": "change",
                    "hx-target": "#referral-form",
                    "hx-select": "#referral-form",
                    "hx-swap": "outerHTML",
                }
            )
        if receiver is not None:
            self.initial["to_organization"] = str(receiver.uuid)
            if for_return or receiver.org_type in IDENTIFICATION_FOR_TYPES:
                self.initial["share_statistical"] = [
                    *MINIMUM_SHARED_FIELDS,
                    SharedField.IDENTIFICATION,
                ]
        choices: list[tuple[str, str]] = [("", "—")]
        for organization in organizations:
            label = f"{organization.name} ({country_name(organization.country)})"
            if organization.pk in covered:
                label += " — " + _("consent on record")
            choices.append((str(organization.uuid), label))
        choice_field(self, "to_organization").choices = choices
        if kind == ReferralKind.ANONYMOUS:
            for name in ("share_identifying", "note", "override_reason"):
                del self.fields[name]
            self.fields["share_statistical"].label = _(
                "Fields to share (none identifies the person)"
            )
            self.fields["reason"].initial = ReferralReason.OTHER
        elif not can_override:
            del self.fields["override_reason"]

    def shared_fields(self) -> list[str]:
        data = self.cleaned_data
        return [*data.get("share_identifying", []), *data.get("share_statistical", [])]

    def send_data(self) -> dict[str, Any]:
        """The service's arguments, except the case and the organization."""
        data = self.cleaned_data
        return {
            "kind": self.kind,
            "reason": data["reason"],
            "services_requested": data["services_requested"],
            "urgency": data["urgency"],
            "shared_fields": self.shared_fields(),
            "note": data.get("note", ""),
            "override_reason": data.get("override_reason", ""),
        }


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for declining"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "decline-%s")
        super().__init__(*args, **kwargs)


class CompleteForm(forms.Form):
    outcome = forms.CharField(
        label=gettext_lazy("Outcome"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "complete-%s")
        super().__init__(*args, **kwargs)


def add_errors(form: forms.Form, error: ApplicationError) -> None:
    """Put a service's errors beside the fields their paths name; the rest above the form."""
    if not error.errors:
        form.add_error(None, error.message)
    for path, messages in error.errors.items():
        name = path.split("[")[0]
        name = ERROR_FIELDS.get(name, name)
        if name == "share_identifying" and name not in form.fields:
            name = "share_statistical"
        for message in messages:
            form.add_error(name if name in form.fields else None, message)


class ServiceDeliveryForm(forms.Form):
    """A service the provider delivered on the referral (the service's rules are the service's)."""

    service_type = forms.ChoiceField(
        label=gettext_lazy("Service"), choices=[("", "—"), *ServiceType.choices]
    )
    delivered_on = forms.DateField(
        label=gettext_lazy("Delivered on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    outcome = forms.CharField(
        label=gettext_lazy("Result"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, **PRIVATE}),
    )
    next_appointment_on = forms.DateField(
        label=gettext_lazy("Next appointment"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    completed = forms.BooleanField(
        label=gettext_lazy("The service is completed: this completes the referral"),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "service-%s")
        super().__init__(*args, **kwargs)


class RecordedReferralForm(forms.Form):
    """A referral made outside OpenNRM, as the organization's own files record it. The worker
    and details are fields only for a member who sees identifying data (``identifying``)."""

    direction = forms.ChoiceField(
        label=gettext_lazy("Direction"),
        choices=RecordedDirection.choices,
        widget=forms.RadioSelect,
    )
    organization_name = forms.CharField(
        label=gettext_lazy("Other organization"),
        required=False,
        help_text=gettext_lazy("As your files name it; it need not use OpenNRM."),
    )
    referred_on = forms.DateField(
        label=gettext_lazy("Date of the referral"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reason = forms.ChoiceField(
        label=gettext_lazy("Reason"), choices=[("", "—"), *ReferralReason.choices], required=False
    )
    worker = forms.CharField(
        label=gettext_lazy("Case worker at the other organization"),
        required=False,
        widget=forms.TextInput(attrs=PRIVATE),
    )
    details = forms.CharField(
        label=gettext_lazy("Details of the referral"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, **PRIVATE}),
    )

    def __init__(self, *args: Any, identifying: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "recorded-%s")
        super().__init__(*args, **kwargs)
        if not identifying:
            del self.fields["worker"]
            del self.fields["details"]

    @staticmethod
    def initial_for(referral: Any, *, identifying: bool) -> dict[str, Any]:
        """What the form shows of ``referral``; the encrypted fields only to those who see them."""
        initial = {
            "direction": referral.direction,
            "organization_name": referral.organization_name,
            "referred_on": referral.referred_on,
            "reason": referral.reason,
            "version": referral.version,
        }
        if identifying:
            initial |= {"worker": referral.worker, "details": referral.details}
        return initial

    def data_for_service(self) -> dict[str, Any]:
        """The fields of the form, as the service takes them (no version)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class RecordedReferralEditForm(RecordedReferralForm):
    """The same, for a change: the version read, so someone else's newer change is not lost."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
