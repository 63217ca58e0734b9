"""The synthetic population loader: names in both scripts, a known share of the same people
recorded twice, a truth file for every person, values stored as the services store them."""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from opennrm.accounts.models import Membership
from opennrm.accounts.permissions import Actor
from opennrm.audit.models import AuditEvent
from opennrm.cases import services
from opennrm.cases.models import Case, NumberKind, NumberSequence
from opennrm.cases.selectors import CaseFilters, case_list
from opennrm.crypto.keyring import blind_index
from opennrm.devtools import bulk_writer
from opennrm.matching.names import script_of
from opennrm.people.models import Person, PersonPhone
from opennrm.people.services import phone_token

PERSONS = 300


def _generate(truth: Path, seed: int = 7, **options: int) -> list[dict[str, str]]:
    call_command(
        "generate_population",
        persons=PERSONS,
        seed=seed,
        organizations=3,
        truth_file=str(truth),
        stdout=io.StringIO(),
        **options,
    )
    with truth.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def truth(db, tmp_path) -> list[dict[str, str]]:
    return _generate(tmp_path / "truth.csv")


def _supervisor(person: Person) -> Actor:
    membership = Membership.objects.get(organization=person.organization, role="supervisor")
    return Actor.of(membership.user, membership)


def test_names_come_in_cyrillic_and_in_latin(truth):
    scripts = Counter(script_of(p.family_name) for p in Person.objects.all())
    assert scripts["Cyrl"] > PERSONS * 0.3
    assert scripts["Latn"] > PERSONS * 0.2
    patronymics = [p.patronymic for p in Person.objects.all() if p.patronymic]
    assert patronymics, "some persons have a patronymic"


def test_the_truth_file_lists_every_person_once(truth):
    assert len(truth) == PERSONS == Person.objects.count() == Case.objects.count()
    assert {row["person_uuid"] for row in truth} == {
        str(u) for u in Person.objects.values_list("uuid", flat=True)
    }


def test_a_known_share_are_the_same_person_at_another_organization(truth):
    identities = Counter(row["identity_id"] for row in truth)
    share = (len(truth) - len(identities)) / len(truth)
    assert abs(share - 0.05) <= 0.01
    for identity, count in identities.items():
        if count > 1:
            places = {row["organization_uuid"] for row in truth if row["identity_id"] == identity}
            assert len(places) == count, "each record of a person is at another organization"


def test_identifying_values_are_ciphertext_in_the_table(truth):
    with connection.cursor() as cursor:
        cursor.execute("SELECT given_name, family_name, names FROM people_person")
        rows = cursor.fetchall()
    assert len(rows) == PERSONS
    for given, family, names in rows:
        assert given.startswith("v1:") and family.startswith("v1:")
        assert names == "" or names.startswith("v1:")


def test_a_generated_person_is_found_by_name_through_the_case_list(truth):
    person = [p for p in Person.objects.order_by("id") if p.given_name and p.names][0]
    actor = _supervisor(person)
    for name in (f"{person.given_name} {person.family_name}", person.family_name.upper()):
        found = case_list(actor=actor, filters=CaseFilters(q=name))
        assert person.cases.get() in found
    for alias in person.names:
        assert person.cases.get() in case_list(actor=actor, filters=CaseFilters(q=alias["value"]))


def _names(rows: list[dict[str, str]]) -> list[tuple[str, str, str]]:
    people = {str(p.uuid): p for p in Person.objects.all()}
    return [
        (
            people[r["person_uuid"]].given_name,
            people[r["person_uuid"]].family_name,
            people[r["person_uuid"]].patronymic,
        )
        for r in rows
    ]


def test_the_same_seed_gives_the_same_names(db, tmp_path):
    first = _names(_generate(tmp_path / "a.csv"))
    again = _names(_generate(tmp_path / "b.csv"))
    other = _names(_generate(tmp_path / "c.csv", seed=8))
    assert first == again
    assert first != other


@pytest.mark.django_db(transaction=True)
def test_batches_prepared_in_another_process_are_the_same_people(tmp_path):
    """Outside a test's transaction, a second process generates and prepares the next batches
    while this one writes (SQLite): the same people in the same order, each with its case."""
    alone = _described(_generate(tmp_path / "a.csv", batch=100, workers=0))
    pooled_rows = _generate(tmp_path / "b.csv", batch=100, workers=1)
    assert _described(pooled_rows) == alone
    assert Person.objects.count() == Case.objects.count() == 2 * PERSONS
    for person in Person.objects.filter(uuid__in=[r["person_uuid"] for r in pooled_rows]):
        case = person.cases.get()
        assert (case.organization_id, case.owner_id) == (
            person.organization_id,
            person.created_by_id,
        )
        tokens = set(person.name_tokens.values_list("token", flat=True))
        assert blind_index(person.family_name, purpose="name") in tokens
    assert AuditEvent.objects.filter(action="population.generate").count() == 6


def _described(rows: list[dict[str, str]]) -> list[tuple[object, ...]]:
    people = {str(p.uuid): p for p in Person.objects.prefetch_related("cases")}
    described = []
    for row in rows:
        person = people[row["person_uuid"]]
        case = person.cases.get()
        described.append(
            (person.given_name, person.family_name, person.phones, case.opened_on, case.status)
        )
    return described


def test_phones_are_found_by_their_tokens_as_person_reindex_makes_them(truth):
    with_phones = [p for p in Person.objects.all() if p.phones]
    assert len(with_phones) > PERSONS * 0.3
    for person in Person.objects.all():
        stored = set(person.phone_tokens.values_list("token", flat=True))
        assert stored == {phone_token(phone) for phone in person.phones}
    assert PersonPhone.objects.count() == sum(len(set(p.phones)) for p in with_phones)


def test_one_audit_event_per_batch_names_no_value(truth):
    events = AuditEvent.objects.filter(action="population.generate")
    assert events.count() == 1
    event = events.get()
    assert event.object_type == "people.person"
    assert event.fields == ["count"]


def test_later_cases_take_numbers_after_the_generated_ones(truth):
    person = Person.objects.order_by("id").first()
    organization = person.organization
    numbers = list(Case.objects.filter(organization=organization).values_list("number", flat=True))
    assert len(numbers) == len(set(numbers))
    worker = Membership.objects.filter(organization=organization, role="case_worker").first()
    opened = Case.objects.filter(organization=organization).order_by("-opened_on").first()
    case = services.case_open(
        actor=Actor.of(worker.user, worker),
        person={"given_name": "Тест", "gender": "Feminine"},
        opened_on=opened.opened_on,
    )
    assert case.number not in numbers
    sequence = NumberSequence.objects.get(
        organization=organization, kind=NumberKind.CASE, year=opened.opened_on.year
    )
    assert case.number.endswith(f"-{sequence.last:05d}")


def test_rows_unlike_what_the_fields_would_store_stop_the_command(db, tmp_path, monkeypatch):
    prepared = bulk_writer._preparation

    def lowercase_citizenship(field):
        return str.lower if field.name == "citizenship" else prepared(field)

    monkeypatch.setattr(bulk_writer, "_preparation", lowercase_citizenship)
    with pytest.raises(CommandError, match="Person.citizenship differently"):
        _generate(tmp_path / "truth.csv")
    assert not Person.objects.exists()
