"""The bulk writer: a batch of invented persons and cases as the services would store them.

This is a bulk loader, not user work: it bypasses the per-row services and inserts prepared rows
(``executemany``) in one transaction per batch, with one audit event per batch. Each column's
value is prepared as its model field prepares it (encrypted with the configured keys by the
encrypted fields' own code), and the blind-index tokens are the ones ``person_reindex`` makes;
``check_rows`` compares a sample with what each field's ``get_db_prep_save`` gives before anything
is written. See docs/decisions/0006-bulk-loader.md.
"""

from __future__ import annotations

import functools
import itertools
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.management.base import CommandError
from django.db import connection, models, transaction
from django.utils import timezone

from opennrm.accounts.models import User
from opennrm.accounts.permissions import Actor
from opennrm.audit.services import audit_record
from opennrm.cases.fields import MultiChoiceField
from opennrm.cases.models import Case, NumberKind, NumberSequence
from opennrm.crypto.fields import EncryptedTextField
from opennrm.crypto.keyring import keyring
from opennrm.crypto.rotation import column_of
from opennrm.people.models import Person, PersonName, PersonPhone

from .audit import DevtoolsAction
from .identities import BatchPlan, Record, generate_batch

# --- Writing: in the main process, or in each of the pool's processes with its own connection.


@dataclass(frozen=True)
class Target:
    """Where a batch goes, by primary key (picklable, for the pool's processes)."""

    platform_user: int
    organizations: tuple[int, ...]
    prefixes: tuple[str, ...]
    case_workers: tuple[tuple[int, ...], ...]


def _reserve_numbers(case_years: list[tuple[int, int]]) -> dict[tuple[int, int], Iterator[int]]:
    """Reserve case numbers per (organization, year) in a short transaction of their own.

    Later real cases continue from the sequence, so they never collide; numbers of a batch that
    fails afterwards stay unused (a gap, never a duplicate).
    """
    wanted: dict[tuple[int, int], int] = {}
    for key in case_years:  # (organization id, year)
        wanted[key] = wanted.get(key, 0) + 1
    with transaction.atomic():
        NumberSequence.objects.bulk_create(
            [
                NumberSequence(organization_id=o, kind=NumberKind.CASE, year=y, last=0)
                for o, y in wanted
            ],
            ignore_conflicts=True,
        )
        locked = NumberSequence.objects.select_for_update().filter(
            organization_id__in={o for o, _ in wanted},
            kind=NumberKind.CASE,
            year__in={y for _, y in wanted},
        )
        sequences = [s for s in locked.order_by("pk") if (s.organization_id, s.year) in wanted]
        numbers: dict[tuple[int, int], Iterator[int]] = {}
        for s in sequences:
            numbers[s.organization_id, s.year] = itertools.count(s.last + 1)
            s.last += wanted[s.organization_id, s.year]
        NumberSequence.objects.bulk_update(sequences, ["last"])
    return numbers


_platform_user: dict[int, User] = {}

# Plain columns whose stored value is the value itself (get_db_prep_save returns it unchanged for
# the str, int, bool and None values the generator makes; keys skip the integer adapters). Matched
# by exact class: a subclass may prepare its values its own way, and then goes through the
# field's own get_db_prep_save.
_AS_IS = frozenset(
    {
        models.AutoField,
        models.BigAutoField,
        models.BooleanField,
        models.CharField,
        models.ForeignKey,
        models.TextField,
    }
)
_INTEGERS = frozenset(
    {
        models.BigIntegerField,
        models.IntegerField,
        models.PositiveIntegerField,
        models.PositiveSmallIntegerField,
        models.SmallIntegerField,
    }
)


def _preparation(model_field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    """How ``model_field`` turns a value into what goes to the database (None: unchanged).

    Each is what the field's ``get_db_prep_save`` does, without going through it for every one
    of millions of values: the encrypted and multi-choice fields' own ``get_prep_value`` (the
    encryption itself), the backend's adapters for integers, dates and JSON, ``UUID.hex`` where the
    database has no UUID type. Any other field uses its own ``get_db_prep_save``.
    """
    if isinstance(model_field, EncryptedTextField | MultiChoiceField):
        return model_field.get_prep_value
    kind = type(model_field)
    ops = connection.ops
    if kind in _AS_IS:
        return None
    if kind in _INTEGERS:  # psycopg 3 is told the integer's size (Int2, Int4, Int8)
        return functools.partial(
            ops.adapt_integerfield_value, internal_type=model_field.get_internal_type()
        )
    if kind is models.DateField:
        return ops.adapt_datefield_value
    if kind is models.DateTimeField:
        return ops.adapt_datetimefield_value
    if kind is models.UUIDField:
        return None if connection.features.has_native_uuid_field else _uuid_hex
    if kind is models.JSONField and isinstance(model_field, models.JSONField):
        encoder = model_field.encoder
        return lambda value: None if value is None else ops.adapt_json_value(value, encoder)
    return functools.partial(model_field.get_db_prep_save, connection=connection)


def _uuid_hex(value: uuid.UUID | None) -> str | None:
    return None if value is None else value.hex


class _Table:
    """Rows of one model, prepared as its fields prepare them, written with ``executemany``.

    ``bulk_create`` spent three quarters of the time of a batch making model instances and
    compiling the same INSERT again for every few hundred rows; the values it sent are the ones
    made here (``check_rows`` compares them on a sample before anything is written).
    Fields missing from a row take their default, and ``auto_now`` fields the batch's time.
    """

    def __init__(self, model: type[models.Model], *, with_pk: bool) -> None:
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
        self.position = {f.attname: i for i, f in enumerate(self.fields)}
        self._prepare = [(f.attname, _preparation(f)) for f in self.fields]
        qn = connection.ops.quote_name
        # Names from the model, quoted; values only as parameters.
        columns = ", ".join(qn(column_of(f)) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        self.sql = f"INSERT INTO {qn(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608

    def defaults(self, given: Iterable[str], now: datetime) -> dict[str, Any]:
        """Values of the fields a row leaves out, as ``Model()`` and ``pre_save`` set them."""
        result = {}
        for f in self.fields:
            if f.attname in given:
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                result[f.attname] = now
            elif f.primary_key or (f.has_default() and callable(f.default)):
                # A key or a default made anew for each row (a UUID) cannot be shared.
                raise CommandError(f"the loader sets no value for {self.model.__name__}.{f.name}")
            else:
                result[f.attname] = f.get_default()
        return result

    def rows(self, values: list[dict[str, Any]], now: datetime) -> list[list[Any]]:
        if not values:
            return []
        defaults = self.defaults(values[0].keys(), now)
        # (attname, preparation, prepared default, whether the default is used), per column.
        plan = [
            (a, p, v if p is None else p(v), True) if a in defaults else (a, p, None, False)
            for a, p in self._prepare
            for v in (defaults.get(a),)
        ]
        return [
            [c if d else row[a] if p is None else p(row[a]) for a, p, c, d in plan]
            for row in values
        ]

    def insert(self, cursor: Any, rows: list[list[Any]]) -> None:
        if rows:
            cursor.executemany(self.sql, rows)


def _reserve_ids(cursor: Any, model: type[models.Model], count: int) -> Sequence[int]:
    """``count`` new primary keys of ``model``, inside the writing transaction."""
    table, pk = model._meta.db_table, column_of(model._meta.pk)
    if connection.vendor == "postgresql":
        # Numbers taken from the sequence, as an INSERT would take them (other writers may
        # take theirs in between: the numbers need not follow each other).
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, pk, count],
        )
        return [row[0] for row in cursor.fetchall()]
    if connection.vendor == "sqlite":
        # The transaction holds the write lock (IMMEDIATE): nobody else inserts meanwhile.
        # AUTOINCREMENT continues after the larger of the table's largest key and its
        # sqlite_sequence entry, which SQLite moves past the keys given here.
        qn = connection.ops.quote_name
        counter = "SELECT seq FROM sqlite_sequence WHERE name = %s"
        largest = f"SELECT MAX({qn(pk)}) FROM {qn(table)}"  # noqa: S608
        cursor.execute(f"SELECT MAX(COALESCE(({counter}), 0), COALESCE(({largest}), 0))", [table])
        start = cursor.fetchone()[0] + 1
        return range(start, start + count)
    raise CommandError(f"generate_population does not write to {connection.vendor}.")


def _tables() -> dict[str, _Table]:
    return {
        "persons": _Table(Person, with_pk=True),
        "names": _Table(PersonName, with_pk=False),
        "phones": _Table(PersonPhone, with_pk=False),
        "cases": _Table(Case, with_pk=True),
        "team": _Table(Case.team.through, with_pk=False),
    }


def _row_values(target: Target, records: list[Record]) -> tuple[list[dict[str, Any]], ...]:
    """Each table's field values by attname, but for keys and case numbers.

    ``id``, ``person_id`` and ``case_id`` hold the record's index in the batch until the keys
    are reserved, and ``number`` is left empty until the numbers are.
    """
    persons: list[dict[str, Any]] = []
    names: list[dict[str, Any]] = []
    phones: list[dict[str, Any]] = []
    cases: list[dict[str, Any]] = []
    team: list[dict[str, Any]] = []
    for i, r in enumerate(records):
        organization = target.organizations[r.organization]
        workers = target.case_workers[r.organization]
        owner = workers[r.owner]
        persons.append(
            {
                **r.person,
                "id": i,
                "uuid": r.person_uuid,
                "organization_id": organization,
                "created_by_id": owner,
                "version": 1,
            }
        )
        names.extend(
            {"person_id": i, "organization_id": organization, "token": t} for t in r.tokens
        )
        phones.extend(
            {"person_id": i, "organization_id": organization, "token": t} for t in r.phone_tokens
        )
        cases.append(
            {
                **r.case,
                "id": i,
                "uuid": uuid.uuid4(),
                "organization_id": organization,
                "person_id": i,
                "owner_id": owner,
                "number": "",
                "version": 1,
            }
        )
        if r.team is not None:
            team.append({"case_id": i, "user_id": workers[r.team]})
    return persons, names, phones, cases, team


@dataclass
class PreparedBatch:
    """One batch's rows as they go to the database (picklable: made in another process)."""

    rows: dict[str, list[list[Any]]]  # by table, as _tables() names them
    case_years: list[tuple[int, int]]  # (organization id, year opened) of each case
    truth: list[tuple[str, str, int]]  # (person UUID, identity, organization index)


def generate_and_prepare(target: Target, plan: BatchPlan) -> PreparedBatch:
    """Generate one batch and prepare its rows: encrypted, tokens made, keys still to fill."""
    records = generate_batch(plan)
    tables = _tables()
    now = timezone.now()  # one time for the batch, as one bulk_create per table would nearly give
    values = _row_values(target, records)
    return PreparedBatch(
        rows={name: tables[name].rows(v, now) for name, v in zip(tables, values, strict=True)},
        case_years=[
            (target.organizations[r.organization], r.case["opened_on"].year) for r in records
        ],
        truth=[(str(r.person_uuid), r.identity, r.organization) for r in records],
    )


def check_rows(target: Target, records: list[Record]) -> None:
    """Raise CommandError unless the prepared rows hold what ``bulk_create`` would send.

    Each row is compared with the values of a model instance made from the same field values,
    prepared by each field's ``get_db_prep_save``; encrypted values (fresh nonces every time)
    are compared decrypted, with the column's own key and context.
    """
    now = timezone.now()
    tables = _tables()
    for name, values in zip(tables, _row_values(target, records), strict=True):
        table = tables[name]
        for row, given in zip(table.rows(values, now), values, strict=True):
            instance = table.model(**{**table.defaults(given.keys(), now), **given})
            for f, ours in zip(table.fields, row, strict=True):
                theirs = f.get_db_prep_save(getattr(instance, f.attname), connection)
                if isinstance(f, EncryptedTextField):
                    ours, theirs = (
                        keyring().decrypt(v, context=f.context) if v else v for v in (ours, theirs)
                    )
                if type(ours) is not type(theirs) or _plain(ours) != _plain(theirs):
                    raise CommandError(
                        f"the loader would store {table.model.__name__}.{f.name} differently"
                    )


def _plain(value: Any) -> Any:
    """A driver's wrapper (psycopg's Jsonb) compared by what it wraps."""
    return getattr(value, "obj", value)


def write_batch(target: Target, batch: PreparedBatch) -> list[tuple[str, str, int]]:
    """Write one batch of persons, their name and phone tokens, cases and team rows, with one
    audit event; return its truth rows."""
    if connection.vendor == "sqlite":
        # A page cache as large as a 1,000,000-person database (about 2.5 GiB) keeps the random
        # inserts into the UUID and name-token indexes in memory; pages are taken as used.
        # Checkpoints less often: a page changed by several batches is copied back once.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -4194304")  # KiB: at most 4 GiB
            cursor.execute("PRAGMA wal_autocheckpoint = 131072")  # pages: 512 MiB of log
    if target.platform_user not in _platform_user:
        _platform_user[target.platform_user] = User.objects.get(pk=target.platform_user)
    tables, rows = _tables(), batch.rows
    persons, cases, team = rows["persons"], rows["cases"], rows["team"]
    # Everything but the inserts happens before the transaction: on SQLite it holds the one lock.
    numbers = _reserve_numbers(batch.case_years)
    prefixes = dict(zip(target.organizations, target.prefixes, strict=True))
    number = tables["cases"].position["number"]
    for row, (organization, year) in zip(cases, batch.case_years, strict=True):
        row[number] = f"{prefixes[organization]}-{year}-{next(numbers[organization, year]):05d}"
    person_id = tables["persons"].position["id"]
    name_person = tables["names"].position["person_id"]
    phone_person = tables["phones"].position["person_id"]
    case_id, case_person = tables["cases"].position["id"], tables["cases"].position["person_id"]
    team_case = tables["team"].position["case_id"]
    with transaction.atomic(), connection.cursor() as cursor:
        person_ids = _reserve_ids(cursor, Person, len(persons))
        case_ids = _reserve_ids(cursor, Case, len(cases))
        for row in persons:
            row[person_id] = person_ids[row[person_id]]
        for row in rows["names"]:
            row[name_person] = person_ids[row[name_person]]
        for row in rows["phones"]:
            row[phone_person] = person_ids[row[phone_person]]
        for row in cases:
            row[case_id] = case_ids[row[case_id]]
            row[case_person] = person_ids[row[case_person]]
        for row in team:
            row[team_case] = case_ids[row[team_case]]
        for name, table in tables.items():
            table.insert(cursor, rows[name])
        # One event per batch; like every event it names fields, never values.
        audit_record(
            actor=Actor(user=_platform_user[target.platform_user]),
            action=DevtoolsAction.POPULATION_GENERATE,
            object_type="people.person",
            fields=["count"],
        )
    return batch.truth


def generate_and_write(target: Target, plan: BatchPlan) -> list[tuple[str, str, int]]:
    """Generate and write one batch; return its truth rows (person UUID, identity, org index)."""
    return write_batch(target, generate_and_prepare(target, plan))
