"""Name search reads the pairs of a name's words first, and each word's keys only when the pairs
find too few; a word's one-letter-less keys only when few share its sound. The in-memory index
(``matching.index``, what bench/matching_names.py measures recall with) ranks as the database."""

from __future__ import annotations

from importlib import import_module

from django.apps import apps

from opennrm.matching.index import NameIndex, Names
from opennrm.matching.names import (
    NEAR_WHEN_FEWER,
    PURPOSES,
    index_keys,
    index_values,
    query_lookup,
)
from opennrm.people.models import Person, PersonName
from opennrm.people.search import persons_by_name
from tests.cases.test_name_search import open_named

PAIR_PURPOSES = {PURPOSES["pair"], PURPOSES["pair-fold"]}


def _pairs(values) -> set[tuple[str, str]]:
    return {(purpose, value) for purpose, value in values if purpose in PAIR_PURPOSES}


def test_a_pair_is_the_same_in_any_order_script_and_spelling():
    stored = _pairs(index_values(given="Жанар", family="Юсупова", patronymic="", others=[]))
    sound = (PURPOSES["pair"], "jnr jsp")
    assert stored == {sound, (PURPOSES["pair-fold"], "janar yusupova")}
    for typed in ("Yusupova Zhanar", "Zhanar Yusupowa", "ЮСУПОВА ЖАНАР"):
        assert _pairs(query_lookup(typed).pairs) == stored, typed
    # Another spelling of a sound, or another ending, shares the stems' pair only.
    assert _pairs(query_lookup("Janar Jusupova").pairs) & stored == {sound}
    brother = _pairs(index_values(given="Жанар", family="Юсупов", patronymic="", others=[]))
    assert brother & stored == {sound}
    # A single word, an initial or a script we do not fold makes no pair.
    for alone in ("Yusupova", "Yusupova Z.", "王芳 Yusupova"):
        assert not _pairs(query_lookup(alone).pairs), alone


def test_a_name_of_many_words_pairs_a_bounded_number_of_them():
    many = " ".join(f"Name{letter}ova" for letter in "bcdfghklmnprst")
    stored = _pairs(index_values(given=many, family=many, patronymic=many, others=[many] * 5))
    assert len(stored) <= 2 * 15  # six distinct words at most: fifteen pairs of each kind


def _index(cases) -> NameIndex:
    index = NameIndex()
    for case in cases:
        person = Person.objects.get(pk=case.person_id)
        index.add(person.pk, Names(given=person.given_name, family=person.family_name))
    return index


def _both(text: str, organization, limit: int, cases) -> list[int]:
    """The candidates of the database's search, checked against the in-memory index's."""
    found = [pk for pk, _w in persons_by_name(text, organization_ids=[organization], limit=limit)]
    assert found == [pk for pk, _w in _index(cases).candidates(text, limit=limit)], text
    return found


def test_enough_persons_sharing_a_pair_are_the_candidates_spelled_alike_first(world):
    worker = world.a["case_worker"]
    cases = [
        open_named(worker, "Жанар", "Юсупов"),  # her brother: the stems' pair only
        open_named(worker, "Жанар", "Юсупова"),
        open_named(worker, "Zhanar", "Yusupova"),
        open_named(worker, "Дильноза", "Юсупова"),  # one word: not a pair
    ]
    brother, zhanar, latin, dilnoza = (case.person_id for case in cases)
    # The whole name written alike first, then the same spellings in another script.
    assert _both("Zhanar Yusupova", world.org_a.pk, 2, cases) == [latin, zhanar]
    # The pairs bring three: too few for four, so every word's keys rank them all.
    found = _both("Zhanar Yusupova", world.org_a.pk, 4, cases)
    assert set(found[:2]) == {zhanar, latin} and found[2:] == [brother, dilnoza]
    assert persons_by_name("Janar Jusupova", organization_ids=[world.org_b.pk]) == []


def test_a_slip_of_the_keyboard_is_found_by_the_word_it_slipped_in(world):
    worker = world.a["case_worker"]
    cases = [
        open_named(worker, "Анна", "Иванова"),
        open_named(worker, "Анна", "Лебедева"),
        open_named(worker, "Ольга", "Лебедева"),
    ]
    ivanova, anna, olga = (case.person_id for case in cases)
    # No pair: "Lebwdeva" sounds like no one, so its near keys are read, and she comes first.
    assert _both("Lebwdeva Anna", world.org_a.pk, 3, cases) == [anna, ivanova, olga]
    assert _both("Lebwdeva Anna", world.org_a.pk, 1, cases) == [anna]


def test_near_keys_are_read_only_for_a_sound_few_share(world):
    worker = world.a["case_worker"]
    # Лебева shares only a near key with Lebedeva: one slip apart.
    cases = [open_named(worker, "Анна", "Лебева")]
    lebeva = cases[0].person_id
    assert _both("Lebedeva", world.org_a.pk, 10, cases) == [lebeva]
    # Once enough persons bear the sound (anywhere, here in another organization), "Lebedeva" is
    # a name spelled as people spell it: its near keys are not read.
    for _n in range(NEAR_WHEN_FEWER):
        open_named(world.b["case_worker"], "Мария", "Лебедева")
    assert persons_by_name("Lebedeva", organization_ids=[world.org_a.pk]) == []


def test_within_keeps_its_persons_and_the_limit_holds(world):
    worker, other = world.a["case_worker"], world.a["supervisor"]
    theirs = [open_named(other, "Жанар", "Юсупова") for _n in range(3)]
    mine = open_named(worker, "Жанар", "Юсупова")
    only = Person.objects.filter(pk=mine.person_id).values("pk")
    assert [pk for pk, _w in persons_by_name("Zhanar Yusupova", within=only, limit=1)] == [
        mine.person_id
    ]
    everyone = persons_by_name("Zhanar Yusupova", organization_ids=[world.org_a.pk], limit=2)
    assert [pk for pk, _w in everyone] == sorted(c.person_id for c in [*theirs, mine])[:2]


def _stored_and_expected(person) -> tuple[set[str], set[str]]:
    stored = set(PersonName.objects.filter(person=person).values_list("token", flat=True))
    expected = index_keys(
        given=person.given_name,
        family=person.family_name,
        patronymic=person.patronymic,
        others=[n["value"] for n in person.names],
    )
    return stored, expected


def test_the_migration_adds_the_pair_keys_of_existing_persons_and_takes_them_back(world):
    persons = [
        open_named(world.a["case_worker"], "Жанар", "Юсупова").person,
        open_named(
            world.b["case_worker"], "Анна", "Лебедева", others=["Anna Lebedeva-Smith"]
        ).person,
    ]
    migration = import_module("opennrm.people.migrations.0009_name_pair_keys")
    migration.remove_pair_keys(apps, None)  # as before the migration
    for person in persons:
        stored, expected = _stored_and_expected(person)
        assert stored < expected and _pairs(
            index_values(
                given=person.given_name,
                family=person.family_name,
                patronymic="",
                others=[n["value"] for n in person.names],
            )
        )
    migration.add_pair_keys(apps, None)
    for person in persons:
        stored, expected = _stored_and_expected(person)
        assert stored == expected
        organizations = PersonName.objects.filter(person=person).values_list(
            "organization_id", flat=True
        )
        assert set(organizations) == {person.organization_id}
