"""Merging two persons of one organization, and undoing it: services and selectors.

A supervisor names two cases of the organization whose persons are one woman recorded twice. For
every merge field the value of one side wins (``keep``: the first case's person, ``absorb``: the
second's); a list (other names, phones, documents, languages) may also take ``both``, the union
without repeats. The birth date, year and approximate age go together, with the age band they
gave, so a record never mixes a date from one side with a year from the other.

With ``names`` set to ``both`` (the default), the full name a side loses is kept among the other
names, so that a search by either spelling still finds the person; unless that name was received
under another organization's consent (decision 0013), because a withdrawal could not find it there.
Provenance (``held_under``) follows the value chosen: the consents of the winning side, or both
sides' for a union.

All cases of the absorbed person move to the kept one. The absorbed person's row stays as it was,
without its name and phone tokens, so search and the duplicate check no longer find it; undoing
restores the kept person's values from the merge record, moves the cases back and re-indexes both.
Undoing is refused once the kept person was changed after the merge (the change would be lost
without anyone deciding it), and while the kept person is itself absorbed by a later merge.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opennrm import events
from opennrm.accounts import permissions as perms
from opennrm.accounts.permissions import Actor
from opennrm.audit.services import audit_record
from opennrm.cases.models import Case
from opennrm.cases.selectors import case_get, case_visible
from opennrm.errors import Conflict, NotFound, ValidationFailed
from opennrm.matching.names import script_of
from opennrm.people.models import AgeBand, Gender, Person, PersonName, PersonPhone
from opennrm.people.services import held_item, person_reindex
from opennrm.validation import MAX_ITEMS

from .audit_merge import MergeAction
from .events import CasesMoved
from .models_merge import PersonMerge

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

KEEP, ABSORB, BOTH = "keep", "absorb", "both"


@dataclass(frozen=True)
class MergeField:
    """One choice of the merge: the person fields that go together, and whether a union is
    possible (``listed``)."""

    key: str
    label: StrOrPromise
    fields: tuple[str, ...]
    listed: bool = False


BIRTH_FIELDS = ("birth_date", "birth_year", "approximate_age")
MERGE_FIELDS = (
    MergeField("family_name", gettext_lazy("Family name"), ("family_name",)),
    MergeField("given_name", gettext_lazy("Given name"), ("given_name",)),
    MergeField("patronymic", gettext_lazy("Patronymic or middle name"), ("patronymic",)),
    MergeField("names", gettext_lazy("Other names and spellings"), ("names",), listed=True),
    MergeField("birth", gettext_lazy("Birth date, year or age"), BIRTH_FIELDS),
    MergeField("gender", gettext_lazy("Gender"), ("gender",)),
    MergeField("citizenship", gettext_lazy("Citizenship"), ("citizenship", "other_citizenships")),
    MergeField("languages", gettext_lazy("Languages"), ("languages",), listed=True),
    MergeField("documents", gettext_lazy("Identity documents"), ("documents",), listed=True),
    MergeField("phones", gettext_lazy("Phone numbers"), ("phones", "phone_kinds"), listed=True),
    MergeField("address", gettext_lazy("Address"), ("address", "address_parts")),
    MergeField("marital_status", gettext_lazy("Marital status"), ("marital_status",)),
    MergeField("education", gettext_lazy("Highest education"), ("education",)),
    MergeField("number_of_children", gettext_lazy("Number of children"), ("number_of_children",)),
)
BY_KEY = {field.key: field for field in MERGE_FIELDS}
# Derived from the birth data: they go with it.
AGE_FIELDS = ("age_band", "is_minor")
# Every person field a merge may change, so every one the merge record keeps to undo it.
SNAPSHOT_FIELDS = tuple(name for f in MERGE_FIELDS for name in f.fields) + AGE_FIELDS
NAME_PARTS = ("family_name", "given_name", "patronymic")


# --- Selectors.


def merge_case_get(*, actor: Actor, case_id: UUID | str, audit: bool = True) -> Case:
    """A case of the actor's organization to merge from; NotFound for missing and not visible
    alike. An audited read unless ``audit`` is False (the merge page shows its person's values)."""
    actor.require(perms.PERSONS_MERGE)
    return case_get(actor=actor, case_id=case_id, audit=audit)


def merge_case_by_number(*, actor: Actor, number: str) -> Case:
    """The visible case of that number, for the form where a supervisor types it."""
    actor.require(perms.PERSONS_MERGE)
    number = number.strip().upper()
    case = case_visible(actor=actor).filter(number=number).only("uuid").first() if number else None
    if case is None:
        raise NotFound(_("No such case."))
    return case


def _empty(field: MergeField, person: Person) -> bool:
    values = [getattr(person, name) for name in field.fields]
    if field.key == "gender":
        return person.gender == Gender.UNKNOWN
    if field.key == "birth" and person.age_band != AgeBand.UNKNOWN:
        return False  # an age band received without birth data is worth keeping too
    return all(value in ("", None, [], {}) for value in values)


def merge_defaults(*, keep: Person, absorb: Person) -> dict[str, str]:
    """The choice proposed for each field: a union for lists, else the kept side's value unless
    it is empty and the other is not."""
    defaults = {}
    for field in MERGE_FIELDS:
        if field.listed:
            defaults[field.key] = BOTH
        elif _empty(field, keep) and not _empty(field, absorb):
            defaults[field.key] = ABSORB
        else:
            defaults[field.key] = KEEP
    return defaults


def merge_cases_moving(*, absorb: Person) -> int:
    """How many cases a merge would re-attach to the kept person."""
    return Case.objects.filter(person=absorb).count()


def merge_list(*, actor: Actor) -> QuerySet[PersonMerge]:
    """The organization's merges, latest first, with the case numbers and who acted."""
    actor.require(perms.PERSONS_MERGE)
    return (
        PersonMerge.objects.filter(organization=actor.organization)
        .select_related("kept_case", "absorbed_case", "merged_by", "undone_by")
        .defer("before")
        # The persons by id alone: their rows hold encrypted values, not read here.
        .annotate(kept_uuid=F("kept__uuid"), absorbed_uuid=F("absorbed__uuid"))
        .order_by("-merged_at", "-id")
    )


def merge_get(*, actor: Actor, merge_id: UUID | str) -> PersonMerge:
    """One merge of the actor's organization; the same NotFound for "missing" and "not yours"."""
    try:
        return merge_list(actor=actor).get(uuid=merge_id)
    except (PersonMerge.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("No such merge.")) from None


def persons_absorbed(*, organization_ids: list[int] | None = None) -> QuerySet[PersonMerge, int]:
    """The ids of persons absorbed by a live merge (``values_list``), for linkage that must not
    offer them as candidates; within the given organizations, or all."""
    merges = PersonMerge.objects.filter(undone_at__isnull=True)
    if organization_ids is not None:
        merges = merges.filter(organization_id__in=organization_ids)
    return merges.values_list("absorbed_id", flat=True)


# --- Writing.


def merge_choices_clean(choices: Any, *, keep: Person, absorb: Person) -> dict[str, str]:
    """Every field's choice: those given, checked, and the defaults for the rest. Raises
    ValidationFailed naming ``choices.<field>``."""
    errors: dict[str, list[str]] = {}
    if not isinstance(choices, dict):
        raise ValidationFailed.of({"choices": [_("Give a choice for each field.")]})
    clean = merge_defaults(keep=keep, absorb=absorb)
    for key, value in choices.items():
        field = BY_KEY.get(key) if isinstance(key, str) else None
        if field is None:
            errors.setdefault(f"choices.{key}", []).append(_("Unknown field."))
        elif value in (KEEP, ABSORB) or (value == BOTH and field.listed):
            clean[key] = value
        elif field.listed:
            errors.setdefault(f"choices.{key}", []).append(_("Choose keep, absorb or both."))
        else:
            errors.setdefault(f"choices.{key}", []).append(_("Choose keep or absorb."))
    if errors:
        raise ValidationFailed.of(errors)
    return clean


def _full_name(person: Person) -> str:
    return " ".join(getattr(person, part) for part in NAME_PARTS if getattr(person, part))


def _union(name: str, first: Any, second: Any) -> Any:
    if isinstance(first, dict):  # the kinds of phone numbers: the kept person's win
        return {**second, **first}
    seen = set()
    union = []
    for item in [*first, *second]:
        key = held_item(name, item)
        key = tuple(sorted(key.items())) if isinstance(key, dict) else key
        if key not in seen:
            seen.add(key)
            union.append(item)
    return union


def _merged_values(keep: Person, absorb: Person, choices: dict[str, str]) -> dict[str, Any]:
    """The kept person's values after the merge, and its provenance."""
    values: dict[str, Any] = {}
    held = dict(keep.held_under)
    for field in MERGE_FIELDS:
        choice = choices[field.key]
        for name in field.fields:
            if choice == BOTH:
                values[name] = _union(name, getattr(keep, name), getattr(absorb, name))
                ids = sorted(
                    set(keep.held_under.get(name, [])) | set(absorb.held_under.get(name, []))
                )
                if ids:
                    held[name] = ids
            elif choice == ABSORB:
                values[name] = getattr(absorb, name)
                held.pop(name, None)
                if absorb.held_under.get(name):
                    held[name] = list(absorb.held_under[name])
            else:
                values[name] = getattr(keep, name)
    if choices["birth"] == ABSORB:
        values.update({name: getattr(absorb, name) for name in AGE_FIELDS})
    if choices["names"] == BOTH:
        values["names"] = _with_lost_names(keep, absorb, values)
    return {"values": values, "held_under": held}


def _with_lost_names(keep: Person, absorb: Person, values: dict[str, Any]) -> list[Any]:
    """The other names, with the full name either side loses among them (unless it was received
    under a consent: a withdrawal must be able to clear it)."""
    names = list(values["names"])
    kept_full = " ".join(values[part] for part in NAME_PARTS if values[part])
    present = {held_item("names", item) for item in names} | {kept_full}
    for person in (keep, absorb):
        full = _full_name(person)
        if not full or full in present or any(p in person.held_under for p in NAME_PARTS):
            continue
        names.append({"value": full, "script": script_of(full)})
        present.add(full)
    return names


def _locked_cases(actor: Actor, keep: Case, absorb: Case) -> tuple[Case, Case]:
    visible = case_visible(actor=actor).select_for_update(of=("self",))
    found = {case.pk: case for case in visible.filter(pk__in=[keep.pk, absorb.pk])}
    if keep.pk not in found or absorb.pk not in found:
        raise NotFound(_("No such case."))
    return found[keep.pk], found[absorb.pk]


def _locked_persons(*ids: int) -> dict[int, Person]:
    return {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=ids).order_by("pk")}


@transaction.atomic
def person_merge(
    *,
    actor: Actor,
    keep: Case,
    absorb: Case,
    keep_version: int,
    absorb_version: int,
    choices: dict[str, str] | None = None,
) -> PersonMerge:
    """Declare the persons of two cases of the organization one: the chosen values go to the
    kept person, every case of the absorbed person moves to it. ``keep_version`` and
    ``absorb_version`` are the persons' versions as read (409 when either changed since)."""
    actor.require(perms.PERSONS_MERGE)
    keep, absorb = _locked_cases(actor, keep, absorb)
    if keep.person_id == absorb.person_id:
        raise ValidationFailed.of({"absorb": [_("Both cases are of the same person already.")]})
    persons = _locked_persons(keep.person_id, absorb.person_id)
    kept, absorbed = persons[keep.person_id], persons[absorb.person_id]
    live = PersonMerge.objects.filter(undone_at__isnull=True, absorbed__in=[kept, absorbed])
    if live.exists():
        raise ValidationFailed.of({"absorb": [_("This person was already merged into another.")]})
    if kept.version != keep_version or absorbed.version != absorb_version:
        raise Conflict(_("Someone changed one of these persons meanwhile. Reload and retry."))
    clean = merge_choices_clean(choices or {}, keep=kept, absorb=absorbed)
    merged = _merged_values(kept, absorbed, clean)
    for name in ("names", "phones", "documents"):
        if len(merged["values"][name]) > MAX_ITEMS:
            raise ValidationFailed.of(
                {f"choices.{name}": [_("Together they hold too many; choose one side.")]}
            )
    before = {name: getattr(kept, name) for name in SNAPSHOT_FIELDS}
    before["held_under"] = kept.held_under
    changed = [n for n, v in merged["values"].items() if getattr(kept, n) != v]
    for name, value in merged["values"].items():
        setattr(kept, name, value)
    kept.held_under = merged["held_under"]
    kept.version += 1
    kept.save()
    moving = Case.objects.filter(person=absorbed)
    pairs = list(moving.order_by("pk").values_list("pk", "uuid"))
    moved_ids = tuple(pk for pk, _uuid in pairs)
    moved = [str(uuid) for _pk, uuid in pairs]
    moving.update(person=kept)
    events.publish(CasesMoved(case_ids=moved_ids))
    person_reindex(kept)
    PersonName.objects.filter(person=absorbed).delete()
    PersonPhone.objects.filter(person=absorbed).delete()
    try:
        with transaction.atomic():
            merge = PersonMerge.objects.create(
                organization=actor.active_organization,
                kept=kept,
                absorbed=absorbed,
                kept_case=keep,
                absorbed_case=absorb,
                choices=clean,
                before=before,
                moved_cases=moved,
                kept_version=kept.version,
                merged_by=actor.user,
            )
    except IntegrityError:  # another merge absorbed one of them between the check and here
        raise Conflict(_("Someone merged one of these persons meanwhile. Reload.")) from None
    audit_record(
        actor=actor,
        action=MergeAction.MERGE,
        obj=merge,
        object_ids=[kept.uuid, absorbed.uuid],
        fields=[name for name in changed if name not in AGE_FIELDS],
    )
    audit_record(
        actor=actor,
        action=MergeAction.CASES_MOVED,
        object_type=Case._meta.label_lower,
        object_ids=[UUID(value) for value in moved],
        fields=["person"],
    )
    return merge


@transaction.atomic
def person_merge_undo(*, actor: Actor, merge: PersonMerge) -> PersonMerge:
    """Undo a merge: the kept person's values as they were, the moved cases back to the absorbed
    person, both searchable again. Refused once the kept person changed after the merge."""
    actor.require(perms.PERSONS_MERGE)
    try:
        merge = (
            PersonMerge.objects.select_for_update()
            .filter(organization=actor.organization)
            .get(pk=merge.pk)
        )
    except PersonMerge.DoesNotExist:
        raise NotFound(_("No such merge.")) from None
    if merge.undone_at is not None:
        raise Conflict(_("This merge was already undone."))
    persons = _locked_persons(merge.kept_id, merge.absorbed_id)
    kept, absorbed = persons[merge.kept_id], persons[merge.absorbed_id]
    if PersonMerge.objects.filter(undone_at__isnull=True, absorbed=kept).exists():
        raise Conflict(_("The kept person was merged into another since. Undo that merge first."))
    if kept.version != merge.kept_version:
        raise Conflict(
            _(
                "The kept person was changed after the merge; undoing would lose that change. "
                "Correct the record by hand instead."
            )
        )
    before = dict(merge.before)
    changed = [n for n in SNAPSHOT_FIELDS if getattr(kept, n) != before[n]]
    for name in SNAPSHOT_FIELDS:
        setattr(kept, name, before[name])
    kept.held_under = before["held_under"]
    version_before = kept.version
    kept.version += 1
    kept.save()
    moving = Case.objects.filter(person=kept, uuid__in=merge.moved_cases)
    moved_ids = tuple(moving.order_by("pk").values_list("pk", flat=True))
    if moving.update(person=absorbed) != len(merge.moved_cases):
        raise Conflict(_("Some cases of this merge have moved since; it cannot be undone."))
    events.publish(CasesMoved(case_ids=moved_ids))
    person_reindex(kept)
    person_reindex(absorbed)
    # An earlier merge into this person, left as it was by this one, can be undone in turn.
    PersonMerge.objects.filter(
        undone_at__isnull=True, kept=kept, kept_version=version_before - 1
    ).exclude(pk=merge.pk).update(kept_version=kept.version)
    merge.undone_at = timezone.now()
    merge.undone_by = actor.user
    merge.save(update_fields=["undone_at", "undone_by"])
    audit_record(
        actor=actor,
        action=MergeAction.UNDO,
        obj=merge,
        object_ids=[kept.uuid, absorbed.uuid],
        fields=[name for name in changed if name not in AGE_FIELDS],
    )
    audit_record(
        actor=actor,
        action=MergeAction.CASES_MOVED,
        object_type=Case._meta.label_lower,
        object_ids=[UUID(value) for value in merge.moved_cases],
        fields=["person"],
    )
    return merge
