"""Merging two persons of one organization and undoing it: values, cases, search tokens,
provenance, refusals, audit and all-or-nothing."""

from __future__ import annotations

import pytest

from opennrm.audit.models import AuditEvent
from opennrm.cases import services as case_services
from opennrm.cases.models import Case
from opennrm.cases.selectors import CaseFilters, case_list
from opennrm.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from opennrm.linkage import merge as merging
from opennrm.linkage.audit_merge import MergeAction
from opennrm.linkage.merge import SNAPSHOT_FIELDS, person_merge, person_merge_undo
from opennrm.linkage.models_merge import PersonMerge
from opennrm.people.models import Person, PersonName, PersonPhone
from opennrm.people.search import persons_by_name
from opennrm.people.services import person_hold
from tests.cases.factories import open_diana
from tests.linkage.merge_factories import case_of_b, first_case, second_case, supervisor
from tests.support.matrix import changed, snapshot


def _merge(world, choices=None, keep=None, absorb=None):
    keep = keep or first_case(world)
    absorb = absorb or second_case(world)
    keep = Case.objects.get(pk=keep.pk)
    absorb = Case.objects.get(pk=absorb.pk)
    return person_merge(
        actor=supervisor(world),
        keep=keep,
        absorb=absorb,
        keep_version=Person.objects.get(pk=keep.person_id).version,
        absorb_version=Person.objects.get(pk=absorb.person_id).version,
        choices=choices,
    )


def _values(person: Person) -> dict:
    person.refresh_from_db()
    fields = (*SNAPSHOT_FIELDS, "held_under", "version")
    return {name: getattr(person, name) for name in fields}


def _tokens(person: Person) -> tuple[set[str], set[str]]:
    names = set(PersonName.objects.filter(person=person).values_list("token", flat=True))
    phones = set(PersonPhone.objects.filter(person=person).values_list("token", flat=True))
    return names, phones


def _found(world, name: str) -> set[int]:
    return {pk for pk, _w in persons_by_name(name, organization_ids=[world.org_a.pk])}


def test_merge_takes_the_chosen_values_and_undo_restores_every_field_exactly(world):
    keep, absorb = first_case(world), second_case(world)
    kept, absorbed = keep.person, absorb.person
    kept_before, absorbed_before = _values(kept), _values(absorbed)
    tokens_before = _tokens(kept), _tokens(absorbed)
    merge = _merge(
        world,
        {
            "given_name": "absorb",
            "birth": "absorb",
            "citizenship": "absorb",
            "languages": "both",
            "phones": "both",
            "documents": "absorb",
            "names": "both",
            "address": "absorb",
            "marital_status": "keep",
        },
    )
    kept.refresh_from_db()
    assert kept.given_name == "Dilnoza"
    assert kept.family_name == "Каримова" and kept.patronymic == "Рустамовна"
    assert (kept.birth_date, kept.birth_year) == ("1977-05-14", "")
    assert kept.citizenship == "KZ"
    assert kept.languages == ["uz", "ru", "kk"]
    assert kept.phones == ["+998901234567", "+77015551234"]
    assert kept.documents == [
        {"type": "national_id", "number": "KZ778899", "country": "KZ", "status": "held_by_person"}
    ]
    assert kept.address == "Almaty, Abay 1"
    assert kept.marital_status == ""
    # Both sides' other names, and the full names each lost, as other spellings.
    others = [item["value"] for item in kept.names]
    assert others == [
        "Diana Karimova",
        "Dilnoza",
        "Dilya",
        "Каримова Диана Рустамовна",
        "Karimova Dilnoza",
    ]
    assert kept.version == kept_before["version"] + 1 == merge.kept_version
    # The absorbed row is left as it was, but is no longer found.
    assert _values(absorbed) == absorbed_before
    assert _tokens(absorbed) == (set(), set())
    assert merge.moved_cases == [str(absorb.uuid)]
    assert Case.objects.get(pk=absorb.pk).person_id == kept.pk

    person_merge_undo(actor=supervisor(world), merge=merge)
    # Every value as it was; the version moves on (a form read before still applies, one read
    # during the merge does not).
    assert _values(kept) == {**kept_before, "version": kept_before["version"] + 2}
    assert _values(absorbed) == absorbed_before
    assert (_tokens(kept), _tokens(absorbed)) == tokens_before
    assert Case.objects.get(pk=absorb.pk).person_id == absorbed.pk
    merge.refresh_from_db()
    assert merge.undone_at is not None and merge.undone_by == world.a["supervisor"].user


def test_search_by_the_absorbed_name_finds_the_kept_person_then_both_after_undo(world):
    keep, absorb = first_case(world), second_case(world)
    kept, absorbed = keep.person, absorb.person
    assert _found(world, "Dilya Karimova") >= {absorbed.pk}
    merge = _merge(world)
    found = _found(world, "Dilya")
    assert kept.pk in found and absorbed.pk not in found
    assert absorbed.pk not in _found(world, "Karimova Dilnoza")
    # The case list's search by name finds the absorbed woman's case under the kept person.
    listed = case_list(actor=supervisor(world), filters=CaseFilters(q="Dilya"))
    assert set(listed.values_list("pk", flat=True)) >= {keep.pk, absorb.pk}
    person_merge_undo(actor=supervisor(world), merge=merge)
    assert {kept.pk, absorbed.pk} <= _found(world, "Karimova")
    assert kept.pk not in _found(world, "Dilya")


def test_every_case_of_the_absorbed_person_moves_and_goes_back(world):
    absorb = second_case(world)
    # A third record of her, merged first into the second: the second person then has two cases.
    third = open_diana(world.a["case_worker"])
    first = _merge(world, keep=absorb, absorb=third)
    assert Case.objects.get(pk=third.pk).person_id == absorb.person_id
    merge = _merge(world)
    moved = set(Case.objects.filter(person=first_case(world).person).values_list("pk", flat=True))
    assert moved == {first_case(world).pk, absorb.pk, third.pk}
    assert sorted(merge.moved_cases) == sorted([str(absorb.uuid), str(third.uuid)])
    # The earlier merge cannot be undone while its kept person is absorbed by a later one.
    with pytest.raises(Conflict, match="Undo that merge first"):
        person_merge_undo(actor=supervisor(world), merge=first)
    person_merge_undo(actor=supervisor(world), merge=merge)
    person_merge_undo(actor=supervisor(world), merge=first)
    assert Case.objects.get(pk=third.pk).person_id == third.person_id
    assert Case.objects.get(pk=absorb.pk).person_id == absorb.person_id


def test_undoing_two_merges_into_one_person_latest_first(world):
    third = open_diana(world.a["case_worker"])
    one = _merge(world)
    two = _merge(world, absorb=third)
    with pytest.raises(Conflict, match="changed after the merge"):
        person_merge_undo(actor=supervisor(world), merge=one)
    person_merge_undo(actor=supervisor(world), merge=two)
    person_merge_undo(actor=supervisor(world), merge=one)
    assert Case.objects.get(pk=second_case(world).pk).person_id == second_case(world).person_id


def test_provenance_follows_the_value_chosen(world):
    keep, absorb = first_case(world), second_case(world)
    person_hold(absorb.person, {"family_name": [7], "phones": [7]})
    person_hold(keep.person, {"phones": [3], "birth_year": [3]})
    before = _values(keep.person)
    merge = _merge(world, {"family_name": "absorb", "phones": "both", "birth": "keep"})
    kept = Person.objects.get(pk=keep.person_id)
    assert kept.held_under == {"family_name": [7], "phones": [3, 7], "birth_year": [3]}
    # A lost full name received under a consent is not copied among the other names.
    assert "Karimova Dilnoza" not in [item["value"] for item in kept.names]
    person_merge_undo(actor=supervisor(world), merge=merge)
    assert _values(kept) == {**before, "version": before["version"] + 2}


def test_another_organization_s_case_is_the_same_not_found_as_a_missing_one(world):
    actor = supervisor(world)
    with pytest.raises(NotFound) as other:
        merging.merge_case_get(actor=actor, case_id=case_of_b(world).uuid)
    with pytest.raises(NotFound) as missing:
        merging.merge_case_get(actor=actor, case_id="00000000-0000-0000-0000-000000000000")
    assert str(other.value) == str(missing.value)
    with pytest.raises(NotFound):
        _merge(world, absorb=case_of_b(world))
    assert not PersonMerge.objects.exists()


def test_the_same_person_and_an_absorbed_person_are_refused_naming_the_field(world):
    with pytest.raises(ValidationFailed) as same:
        _merge(world, absorb=first_case(world))
    assert list(same.value.errors) == ["absorb"]
    merge = _merge(world)
    with pytest.raises(ValidationFailed) as again:
        _merge(world)  # the second case is now the kept person's: the same person
    assert list(again.value.errors) == ["absorb"]
    # The absorbed person, named through a case still pointing at her, is refused too.
    Case.objects.filter(pk=second_case(world).pk).update(person=merge.absorbed)
    with pytest.raises(ValidationFailed) as absorbed:
        _merge(world)
    assert list(absorbed.value.errors) == ["absorb"]


def test_bad_choices_are_refused_naming_each(world):
    with pytest.raises(ValidationFailed) as bad:
        _merge(world, {"given_name": "both", "favourite_colour": "keep", "phones": "mine"})
    assert set(bad.value.errors) == {
        "choices.given_name",
        "choices.favourite_colour",
        "choices.phones",
    }


def test_a_stale_version_is_refused(world):
    keep, absorb = first_case(world), second_case(world)
    with pytest.raises(Conflict):
        person_merge(
            actor=supervisor(world),
            keep=keep,
            absorb=absorb,
            keep_version=keep.person.version - 1 if keep.person.version > 1 else 99,
            absorb_version=absorb.person.version,
        )
    assert not PersonMerge.objects.exists()


def test_undo_is_refused_when_the_kept_person_was_edited_after_the_merge(world):
    merge = _merge(world)
    keep = Case.objects.get(pk=first_case(world).pk)
    case_services.person_update(
        actor=supervisor(world), case=keep, version=merge.kept_version, address="Tashkent"
    )
    with pytest.raises(Conflict, match="changed after the merge"):
        person_merge_undo(actor=supervisor(world), merge=merge)
    merge.refresh_from_db()
    assert merge.undone_at is None
    assert Case.objects.get(pk=second_case(world).pk).person_id == keep.person_id


def test_undo_twice_is_refused(world):
    merge = _merge(world)
    person_merge_undo(actor=supervisor(world), merge=merge)
    with pytest.raises(Conflict, match="already undone"):
        person_merge_undo(actor=supervisor(world), merge=merge)


def test_only_a_supervisor_merges(world):
    keep, absorb = first_case(world), second_case(world)
    with pytest.raises(PermissionDenied):
        person_merge(
            actor=world.actor(world.a["case_worker"]),
            keep=keep,
            absorb=absorb,
            keep_version=1,
            absorb_version=1,
        )
    merge = _merge(world)
    with pytest.raises(NotFound):
        person_merge_undo(actor=world.actor(world.b["supervisor"]), merge=merge)


def test_audit_events_name_both_persons_and_the_cases_never_a_value(world):
    keep, absorb = first_case(world), second_case(world)
    merge = _merge(world, {"given_name": "absorb"})
    event = AuditEvent.objects.get(action=MergeAction.MERGE)
    assert event.object_id == merge.uuid
    assert event.object_ids == [str(keep.person.uuid), str(absorb.person.uuid)]
    assert event.organization_id == world.org_a.pk
    assert "given_name" in event.fields and "names" in event.fields
    moved = AuditEvent.objects.get(action=MergeAction.CASES_MOVED)
    assert moved.object_ids == [str(absorb.uuid)]
    person_merge_undo(actor=supervisor(world), merge=merge)
    undo = AuditEvent.objects.get(action=MergeAction.UNDO)
    assert undo.object_ids == event.object_ids
    assert AuditEvent.objects.filter(action=MergeAction.CASES_MOVED).count() == 2
    text = repr(list(AuditEvent.objects.filter(action__startswith="linkage.").values()))
    for value in ("Dilnoza", "Karimova", "Каримова", "KZ778899", "Abay"):
        assert value not in text


@pytest.mark.parametrize("failing", [MergeAction.MERGE, MergeAction.CASES_MOVED])
def test_a_failure_while_auditing_leaves_nothing_half_saved(world, monkeypatch, failing):
    first_case(world), second_case(world)
    real = merging.audit_record

    def audit_record(**kwargs):
        if kwargs["action"] == failing:
            raise RuntimeError("the audit log is unavailable")
        return real(**kwargs)

    before = snapshot()
    monkeypatch.setattr(merging, "audit_record", audit_record)
    with pytest.raises(RuntimeError):
        _merge(world, {"given_name": "absorb", "phones": "both"})
    assert changed(before, snapshot()) == []


def test_a_failure_while_auditing_the_undo_leaves_the_merge_as_it_was(world, monkeypatch):
    merge = _merge(world, {"given_name": "absorb"})
    real = merging.audit_record

    def audit_record(**kwargs):
        if kwargs["action"] == MergeAction.CASES_MOVED:
            raise RuntimeError("the audit log is unavailable")
        return real(**kwargs)

    before = snapshot()
    monkeypatch.setattr(merging, "audit_record", audit_record)
    with pytest.raises(RuntimeError):
        person_merge_undo(actor=supervisor(world), merge=merge)
    assert changed(before, snapshot()) == []


def test_the_address_and_citizenship_move_with_their_parts(world):
    """Choosing the other record's address takes its city, region, postal code and country too;
    its citizenship, its other citizenships: never the street of one and the city of the other."""
    absorb = second_case(world)
    case_services.person_update(
        actor=supervisor(world),
        case=absorb,
        version=absorb.person.version,
        address_parts={"city": "Almaty", "country": "KZ"},
        other_citizenships=["UZ"],
    )
    _merge(world, {"address": "absorb", "citizenship": "absorb"})
    kept = Person.objects.get(pk=first_case(world).person_id)
    assert (kept.address, kept.address_parts) == (
        "Almaty, Abay 1",
        {"city": "Almaty", "country": "KZ"},
    )
    assert (kept.citizenship, kept.other_citizenships) == ("KZ", ["UZ"])
