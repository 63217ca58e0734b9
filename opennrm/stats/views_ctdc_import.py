"""Pages of reference data sets: the list with the upload form, and one data set's counts for a
chosen country of exploitation (the national coordinator's analyst; anyone else: not found)."""

from __future__ import annotations

from uuid import UUID

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from opennrm.accounts import permissions as perms
from opennrm.locales import country_name
from opennrm.validation import MAX_NAME
from opennrm.web import ActorRequest, actor_required, choice_field, submit

from . import ctdc_import
from .models_ctdc import ReferenceDataset


class ReferenceImportForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name of the data set"),
        max_length=MAX_NAME,
        help_text=gettext_lazy("For example: CTDC global data set, 2017 release."),
    )
    file = forms.FileField(
        label=gettext_lazy("File"),
        allow_empty_file=True,  # the service says why an empty file is refused
        help_text=gettext_lazy("The CSV file as CTDC publishes it (separated by semicolons)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


BY_CHOICES = [
    (ctdc_import.BY_CITIZENSHIP, gettext_lazy("Citizenship")),
    (ctdc_import.BY_EXPLOITATION, gettext_lazy("Type of exploitation")),
]


class ReferenceTableForm(forms.Form):
    country = forms.ChoiceField(label=gettext_lazy("Country of exploitation"), required=False)
    by = forms.ChoiceField(label=gettext_lazy("Counted by"), choices=BY_CHOICES, required=False)


@never_cache
@actor_required(perms.STATS_NATIONAL)
def datasets(request: ActorRequest) -> HttpResponse:
    """The reference data sets, and the form to import one."""
    rows = ctdc_import.reference_dataset_list(actor=request.actor)
    can_import = ctdc_import.reference_allowed(request.actor, perms.STATS_REFERENCE_IMPORT)
    form = ReferenceImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        done = submit(
            request,
            form,
            lambda: ctdc_import.reference_import(
                request.actor,
                name=form.cleaned_data["name"],
                file=form.cleaned_data["file"].file,
                source_name=form.cleaned_data["file"].name or "",
            ),
            success=lambda d: _("%(count)d records imported.") % {"count": d.row_count},
            redirect_to=lambda d: reverse("stats:reference_dataset", args=[d.uuid]),
        )
        if done is not None:
            return done
    return render(
        request,
        "stats/ctdc_import_datasets.html",
        {"datasets": rows, "form": form, "can_import": can_import},
    )


@never_cache
@actor_required(perms.STATS_NATIONAL)
def dataset(request: ActorRequest, dataset_id: UUID) -> HttpResponse:
    """One data set: its records exploited in a chosen country, by year and citizenship or
    exploitation type."""
    found: ReferenceDataset = ctdc_import.reference_dataset_get(
        actor=request.actor, dataset_id=dataset_id
    )
    countries = ctdc_import.reference_countries(actor=request.actor, dataset=found)
    country, by = ("KZ" if "KZ" in countries else ""), ctdc_import.BY_CITIZENSHIP
    form = ReferenceTableForm(request.GET or None, initial={"country": country, "by": by})
    choice_field(form, "country").choices = [("", _("Every country"))] + sorted(
        ((c, country_name(c)) for c in countries), key=lambda c: c[1]
    )
    if form.is_bound and form.is_valid():
        country = form.cleaned_data["country"]
        by = form.cleaned_data["by"] or by
    table = ctdc_import.reference_table(
        request.actor, found, country_of_exploitation=country, by=by
    )
    return render(
        request,
        "stats/ctdc_import_dataset.html",
        {"dataset": found, "form": form, "table": table},
    )
