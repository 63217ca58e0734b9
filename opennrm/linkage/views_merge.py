"""Pages of the merge of two persons: find the two cases, compare the persons side by side and
choose per field, confirm, see the result; the organization's merges, and undoing one.

URLs carry case and merge UUIDs only: a case number typed in is posted, never put in a query.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django import forms
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from opennrm.accounts import permissions as perms
from opennrm.cases.models import Case
from opennrm.cases.selectors import case_visible
from opennrm.errors import NotFound
from opennrm.locales import country_name, language_name
from opennrm.people.models import DocumentType, Person
from opennrm.web import (
    ActorRequest,
    actor_required,
    page_number,
    page_of,
    perform,
    phone_display,
    submit,
)

from . import merge as merging
from .merge import ABSORB, BOTH, KEEP, MERGE_FIELDS, MergeField
from .models_merge import PersonMerge

# --- Forms.


class FindForm(forms.Form):
    """The two case numbers, typed: the first case's person is kept."""

    keep_number = forms.CharField(label=gettext_lazy("Case to keep"), max_length=40)
    absorb_number = forms.CharField(
        label=gettext_lazy("Case whose person is merged into it"), max_length=40
    )


class ChoicesForm(forms.Form):
    """One radio per merge field, and the persons' versions as read."""

    keep_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    absorb_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in MERGE_FIELDS:
            options = [(KEEP, KEEP), (ABSORB, ABSORB)] + ([(BOTH, BOTH)] if field.listed else [])
            self.fields[field.key] = forms.ChoiceField(
                label=field.label, choices=options, widget=forms.RadioSelect
            )

    def choices(self) -> dict[str, str]:
        return {field.key: self.cleaned_data[field.key] for field in MERGE_FIELDS}


# --- What a person's field looks like in the comparison.


def field_text(person: Person, field: MergeField) -> str:
    """The value of ``field`` as the supervisor reads it; empty when none is recorded."""
    key = field.key
    if key == "names":
        return ", ".join(item.get("value", "") for item in person.names)
    if key == "birth":
        if person.birth_date or person.birth_year:
            return person.birth_date or person.birth_year
        return (
            _("about %(age)s years old") % {"age": person.approximate_age}
            if person.approximate_age
            else ""
        )
    if key == "gender":
        return "" if person.gender == "NonSpecifiedUnknown" else str(person.get_gender_display())
    if key == "citizenship":
        codes = [person.citizenship, *person.other_citizenships] if person.citizenship else []
        return ", ".join(country_name(code) for code in codes)
    if key == "address":
        parts = person.address_parts
        locality = " ".join(parts.get(name, "") for name in ("postal_code", "city")).strip()
        country = country_name(parts["country"]) if parts.get("country") else ""
        return ", ".join(p for p in (person.address, locality, parts.get("state"), country) if p)
    if key == "languages":
        return ", ".join(language_name(code) for code in person.languages)
    if key == "documents":
        labels = dict(DocumentType.choices)
        return "; ".join(
            " ".join(
                str(part)
                for part in (labels.get(d.get("type"), ""), d.get("number"), d.get("country"))
                if part
            )
            for d in person.documents
        )
    if key == "phones":
        return ", ".join(phone_display(number) for number in person.phones)
    if key in ("marital_status", "education"):
        return str(getattr(person, f"get_{key}_display")())
    value = getattr(person, field.fields[0])
    return "" if value is None else str(value)


def _rows(keep: Person, absorb: Person, form: ChoicesForm) -> list[dict[str, Any]]:
    defaults = merging.merge_defaults(keep=keep, absorb=absorb)
    chosen = form.data if form.is_bound else {}
    return [
        {
            "key": field.key,
            "label": field.label,
            "keep": field_text(keep, field),
            "absorb": field_text(absorb, field),
            "listed": field.listed,
            "value": chosen.get(field.key, defaults[field.key]),
            "errors": form.errors.get(field.key, []),
        }
        for field in MERGE_FIELDS
    ]


def _merge_url(keep: Case | UUID, absorb: Case | UUID) -> str:
    a = keep.uuid if isinstance(keep, Case) else keep
    b = absorb.uuid if isinstance(absorb, Case) else absorb
    return reverse("linkage:merge") + "?" + urlencode({"a": str(a), "b": str(b)})


def _render_find(request: ActorRequest, form: FindForm) -> HttpResponse:
    return render(request, "linkage/merge_find.html", {"form": form})


def _render_compare(
    request: ActorRequest, keep: Case, absorb: Case, form: ChoicesForm | None = None
) -> HttpResponse:
    """The side-by-side table. Shown again after a refused POST, it reads both persons anew,
    audited: what it shows is what is stored now."""
    if form is not None:
        keep = merging.merge_case_get(actor=request.actor, case_id=keep.uuid)
        absorb = merging.merge_case_get(actor=request.actor, case_id=absorb.uuid)
    kept, absorbed = keep.person, absorb.person
    form = form or ChoicesForm(
        initial={"keep_version": kept.version, "absorb_version": absorbed.version}
    )
    context = {
        "keep": keep,
        "absorb": absorb,
        "same_person": kept.pk == absorbed.pk,
        "rows": _rows(kept, absorbed, form),
        "form": form,
        "moving": merging.merge_cases_moving(absorb=absorbed),
        "swap_url": _merge_url(absorb, keep),
    }
    return render(request, "linkage/merge_compare.html", context)


@never_cache
@actor_required(perms.PERSONS_MERGE)
def merge(request: ActorRequest) -> HttpResponse:
    """Merge the persons of two cases: ``?a=`` (kept) and ``?b=`` (absorbed) case UUIDs, or a
    form to type their numbers; then compare and choose, confirm, and merge."""
    actor = request.actor
    step = request.POST.get("step", "") if request.method == "POST" else ""
    a, b = request.GET.get("a", ""), request.GET.get("b", "")
    if step == "find" or not (a and b):
        find = FindForm(request.POST if step == "find" else None)
        if step == "find" and find.is_valid():
            try:
                keep = merging.merge_case_by_number(
                    actor=actor, number=find.cleaned_data["keep_number"]
                )
                absorb = merging.merge_case_by_number(
                    actor=actor, number=find.cleaned_data["absorb_number"]
                )
            except NotFound:
                find.add_error(None, _("No case of that number."))
            else:
                return redirect(_merge_url(keep, absorb))
        if not step and a:
            find.initial["keep_number"] = merging.merge_case_get(
                actor=actor, case_id=a, audit=False
            ).number
        return _render_find(request, find)
    keep = merging.merge_case_get(actor=actor, case_id=a, audit=not step)
    absorb = merging.merge_case_get(actor=actor, case_id=b, audit=not step)
    if not step:
        return _render_compare(request, keep, absorb)
    form = ChoicesForm(request.POST)
    if step == "review":
        if not form.is_valid():
            return _render_compare(request, keep, absorb, form)
        return _render_confirm(request, keep, absorb, form)

    def action() -> PersonMerge:
        return merging.person_merge(
            actor=actor,
            keep=keep,
            absorb=absorb,
            keep_version=form.cleaned_data["keep_version"],
            absorb_version=form.cleaned_data["absorb_version"],
            choices=form.choices(),
        )

    done = submit(
        request,
        form,
        action,
        success=_("The persons were merged."),
        redirect_to=lambda m: reverse("linkage:merge_detail", kwargs={"merge_id": m.uuid}),
    )
    return done or _render_compare(request, keep, absorb, form)


def _render_confirm(
    request: ActorRequest, keep: Case, absorb: Case, form: ChoicesForm
) -> HttpResponse:
    """What the merge will do: the cases re-attached and which side each field comes from."""
    choices = form.choices()
    context = {
        "keep": keep,
        "absorb": absorb,
        "form": form,
        "choices": [(field.label, choices[field.key]) for field in MERGE_FIELDS],
        "moving": merging.merge_cases_moving(absorb=absorb.person),
    }
    return render(request, "linkage/merge_confirm.html", context)


@never_cache
@actor_required(perms.PERSONS_MERGE)
def merge_list(request: ActorRequest) -> HttpResponse:
    """The organization's merges, latest first; no names."""
    page = page_of(merging.merge_list(actor=request.actor), page_number(request.GET.get("page")))
    return render(request, "linkage/merge_list.html", {"page": page})


def _moved_numbers(request: ActorRequest, merge: PersonMerge) -> list[Case]:
    visible = case_visible(actor=request.actor).filter(uuid__in=merge.moved_cases)
    return list(visible.only("uuid", "number").order_by("number"))


@never_cache
@actor_required(perms.PERSONS_MERGE)
def merge_detail(request: ActorRequest, merge_id: UUID) -> HttpResponse:
    """One merge: the cases, who and when, where each field came from; the way to undo it."""
    merge = merging.merge_get(actor=request.actor, merge_id=merge_id)
    labels = {field.key: field.label for field in MERGE_FIELDS}
    context = {
        "merge": merge,
        "moved": _moved_numbers(request, merge),
        "choices": [(labels[key], value) for key, value in merge.choices.items() if key in labels],
    }
    return render(request, "linkage/merge_detail.html", context)


@never_cache
@actor_required(perms.PERSONS_MERGE)
def merge_undo(request: ActorRequest, merge_id: UUID) -> HttpResponse:
    """Undo a merge: a confirmation (GET), then the undoing (POST)."""
    actor = request.actor
    merge = merging.merge_get(actor=actor, merge_id=merge_id)
    detail = reverse("linkage:merge_detail", kwargs={"merge_id": merge.uuid})
    if request.method != "POST":
        context = {"merge": merge, "moved": _moved_numbers(request, merge)}
        return render(request, "linkage/merge_undo.html", context)
    return perform(
        request,
        lambda: merging.person_merge_undo(actor=actor, merge=merge),
        success=_("The merge was undone."),
        redirect_to=detail,
    )
