"""The numbers people read out and write on paper (C-2026-00042, CCA-R-2026-00007): one
sequence per organization, kind of record and year, one way to take the next."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from django.db import connection

from .models import NumberKind, NumberSequence

if TYPE_CHECKING:
    from opennrm.accounts.models import Organization

# How a number of each kind reads; the prefix is the organization's initials.
_FORMATS = {
    NumberKind.CASE: ("C", "{prefix}-{year}-{number:05d}"),
    NumberKind.REFERRAL: ("O", "{prefix}-R-{year}-{number:05d}"),
}


# The sequences of a batch (``numbers_batched``), by (organization id, kind, year).
_BATCH: ContextVar[dict[tuple[int, str, int], NumberSequence] | None] = ContextVar(
    "number_batch", default=None
)


def number_take(*, organization: Organization, kind: NumberKind, year: int) -> str:
    """The next number of ``kind`` for the organization in ``year``. Must run inside the
    transaction of the record that carries it: the row lock holds other takers until it ends,
    and a rolled-back record gives its number back."""
    if not connection.in_atomic_block:
        raise RuntimeError("number_take must run inside the transaction of the new record")
    batch = _BATCH.get()
    key = (organization.pk, str(kind), year)
    sequence = batch.get(key) if batch is not None else None
    if sequence is None:
        sequence, _created = NumberSequence.objects.select_for_update().get_or_create(
            organization=organization, kind=kind, year=year
        )
        if batch is not None:
            batch[key] = sequence
    sequence.last += 1
    if batch is None:
        sequence.save(update_fields=["last"])
    default_prefix, layout = _FORMATS[kind]
    prefix = organization.number_prefix or default_prefix
    return layout.format(prefix=prefix, year=year, number=sequence.last)


@contextmanager
def numbers_batched() -> Iterator[None]:
    """Numbers taken by one long transaction (an import of many rows): each sequence is locked
    and read once, counted here, and written once at the end instead of once per number.

    PostgreSQL keeps every version of a row that a transaction updates until the transaction
    ends: a sequence updated once per record makes each next read walk all the versions before
    it, and an import of 100,000 rows slower with every row. The lock is held to the end as
    before, so no other taker comes between. Each record's savepoint goes with
    ``numbers_savepoint``, so a row rolled back gives its number back."""
    if not connection.in_atomic_block:
        raise RuntimeError("numbers_batched must run inside the transaction of the records")
    batch: dict[tuple[int, str, int], NumberSequence] = {}
    token = _BATCH.set(batch)
    try:
        yield
        for sequence in batch.values():
            sequence.save(update_fields=["last"])
    finally:
        _BATCH.reset(token)


@contextmanager
def numbers_savepoint() -> Iterator[None]:
    """Inside ``numbers_batched``, around a savepoint (``transaction.atomic()``, entered before
    this): when the savepoint is rolled back, the numbers taken within it are given back."""
    batch = _BATCH.get()
    before = {key: sequence.last for key, sequence in (batch or {}).items()}
    try:
        yield
    except BaseException:
        if batch is not None:
            for key in list(batch):
                if key in before:
                    batch[key].last = before[key]
                else:  # first read within the savepoint: its row may be rolled back with it
                    del batch[key]
        raise
