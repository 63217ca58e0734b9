"""The form of a differentially private release: it only parses; the service checks."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from . import release_tables


class ReleaseForm(forms.Form):
    tables = forms.MultipleChoiceField(
        label=gettext_lazy("Tables"),
        choices=[(key, label) for key, label in release_tables.TABLES.items()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    epsilon = forms.CharField(
        label=gettext_lazy("Epsilon (privacy loss) of this release"),
        max_length=20,
        required=False,
        help_text=gettext_lazy(
            "Spent from the data set's budget and split over the chosen tables. Smaller means "
            "more noise and more privacy; 0.5 to 1 is usual for a yearly table."
        ),
    )
    first_year = forms.CharField(label=gettext_lazy("From year"), max_length=4, required=False)
    last_year = forms.CharField(label=gettext_lazy("To year"), max_length=4, required=False)

    def release_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "dataset": release_tables.CASES,
            "tables": data["tables"],
            "epsilon": data["epsilon"],
            "first_year": data["first_year"],
            "last_year": data["last_year"],
        }
