"""The numbers people read out and write on paper (C-2026-00042, CCA-R-2026-00007): one
sequence per organization, kind of record and year, one way to take the next."""

from __future__ import annotations

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


def number_take(*, organization: Organization, kind: NumberKind, year: int) -> str:
    """The next number of ``kind`` for the organization in ``year``. Must run inside the
    transaction of the record that carries it: the row lock holds other takers until it ends,
    and a rolled-back record gives its number back."""
    if not connection.in_atomic_block:
        raise RuntimeError("number_take must run inside the transaction of the new record")
    sequence, _created = NumberSequence.objects.select_for_update().get_or_create(
        organization=organization, kind=kind, year=year
    )
    sequence.last += 1
    sequence.save(update_fields=["last"])
    default_prefix, layout = _FORMATS[kind]
    prefix = organization.number_prefix or default_prefix
    return layout.format(prefix=prefix, year=year, number=sequence.last)
