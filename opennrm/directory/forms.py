"""Forms of the directory pages. They parse input only; the rules are the services'."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from opennrm.cases.choices import ServiceType
from opennrm.errors import ApplicationError
from opennrm.locales import CountriesField, CountryField, LanguageField, LanguagesField

from .models import DirectoryEntry, HotlineNumber

_INDEX = re.compile(r"\[\d+\]$")


def add_errors(form: forms.Form, error: ApplicationError) -> None:
    """A service's errors beside the fields they name ("languages[1]" -> languages)."""
    if not error.errors:
        form.add_error(None, error.message)
    for path, messages in error.errors.items():
        name = _INDEX.sub("", path)
        for message in messages:
            form.add_error(name if name in form.fields else None, message)


class DirectorySearchForm(forms.Form):
    service_type = forms.ChoiceField(
        label=gettext_lazy("Service"),
        required=False,
        choices=[("", gettext_lazy("Any service")), *ServiceType.choices],
    )
    country = CountryField(label=gettext_lazy("Country"))
    city = forms.CharField(label=gettext_lazy("City or region"), required=False, max_length=100)
    language = LanguageField(label=gettext_lazy("Language"))


class DirectoryEntryForm(forms.Form):
    service_type = forms.ChoiceField(
        label=gettext_lazy("Service"), choices=[("", "—"), *ServiceType.choices]
    )
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("What the organization offers; never details of a person."),
    )
    languages = LanguagesField(label=gettext_lazy("Languages"))
    countries = CountriesField(label=gettext_lazy("Countries served"))
    region = forms.CharField(label=gettext_lazy("Region or cities served"), required=False)
    hours = forms.CharField(
        label=gettext_lazy("Hours"),
        required=False,
        help_text=gettext_lazy("For example: Mon–Fri 9:00–18:00, or 24/7"),
    )
    capacity_free = forms.IntegerField(
        label=gettext_lazy("Places free"), required=False, min_value=0
    )
    capacity_total = forms.IntegerField(
        label=gettext_lazy("Places in all"), required=False, min_value=0
    )
    capacity_unit = forms.CharField(
        label=gettext_lazy("Places are"),
        required=False,
        help_text=gettext_lazy("For example: shelter beds"),
    )
    contact_phone = forms.CharField(
        label=gettext_lazy("Organization's phone"),
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
        help_text=gettext_lazy("The organization's number for this service, never a person's."),
    )
    contact_email = forms.CharField(
        label=gettext_lazy("Organization's e-mail"),
        required=False,
        widget=forms.EmailInput,
    )

    @classmethod
    def initial_for(cls, entry: DirectoryEntry) -> dict[str, Any]:
        initial = {name: getattr(entry, name) for name in cls.base_fields if name != "version"}
        initial["version"] = entry.version
        return initial

    def entry_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.fields if name != "version"}


class DirectoryEntryEditForm(DirectoryEntryForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class HotlineNumberForm(forms.Form):
    country = CountryField(label=gettext_lazy("Country"), required=True)
    number = forms.CharField(
        label=gettext_lazy("Number"),
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
    )
    languages = LanguagesField(label=gettext_lazy("Languages"))
    hours = forms.CharField(label=gettext_lazy("Hours"), required=False)
    free_of_charge = forms.BooleanField(label=gettext_lazy("Free of charge"), required=False)

    @classmethod
    def initial_for(cls, hotline: HotlineNumber) -> dict[str, Any]:
        initial = {name: getattr(hotline, name) for name in cls.base_fields}
        initial["version"] = hotline.version
        return initial

    def hotline_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.fields if name != "version"}


class HotlineNumberEditForm(HotlineNumberForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
