from django import forms
from django.utils.translation import gettext_lazy as _

from opennrm.locales import CountryField

from .models import IdentificationBy, OrganizationType, Role
from .timezones import time_zone_choices


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class MemberCreateForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    days = forms.IntegerField(label=_("Valid for (days)"), initial=30, min_value=1)


class OrganizationForm(forms.Form):
    """Field checks beyond the basics (country code, phone) are the service's."""

    name = forms.CharField(label=_("Name"), max_length=200)
    org_type = forms.ChoiceField(label=_("Type"), choices=OrganizationType.choices)
    country = CountryField(label=_("Country"), required=True)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        required=False,
        choices=lambda: [("", _("The country's time zone")), *time_zone_choices()],
        help_text=_("Dates and times are shown and entered in this zone."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class OrganizationSettingsForm(forms.Form):
    """The organization admin's settings of their own organization; the bounds are the
    service's."""

    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=time_zone_choices,
        help_text=_("Dates and times are shown and entered in this zone."),
    )
    identification_by = forms.ChoiceField(
        label=_("Identification is decided by"), choices=IdentificationBy.choices
    )
    reasonable_grounds_days = forms.IntegerField(
        label=_("Reasonable-grounds decision due within (days)"),
        help_text=_("Counted from the day the case is opened."),
    )
    reflection_days = forms.IntegerField(
        label=_("Recovery and reflection period (days)"),
        help_text=_(
            "Counted from the approved reasonable-grounds decision; at least 30 days. The "
            "conclusive decision is due 14 days after it ends."
        ),
    )
    match_hints = forms.BooleanField(
        label=_("Take part in the duplicate check across organizations"),
        required=False,
        help_text=_(
            "When on, other organizations that take part learn at intake only that a possible "
            "record of the same person exists here, and may ask you to get in touch; your case "
            "workers see the same of theirs. When off, neither."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
