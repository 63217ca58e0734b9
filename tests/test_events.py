"""The in-transaction event registry: handlers run in order, inside the transaction."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.db import transaction

from opennrm import events


@dataclass(frozen=True)
class Happened(events.Event):
    what: str


def test_handlers_run_in_registration_order_inside_the_transaction(db) -> None:
    seen: list[str] = []

    @events.subscribe(Happened)
    def first(event: Happened) -> None:
        seen.append(f"first {event.what}")

    @events.subscribe(Happened)
    def second(event: Happened) -> None:
        seen.append(f"second {event.what}")

    events.subscribe(Happened)(first)  # registering again changes nothing
    assert events.handlers_of(Happened) == (first, second)
    with transaction.atomic():
        events.publish(Happened("x"))
    assert seen == ["first x", "second x"]


def test_publish_outside_a_transaction_is_refused(transactional_db) -> None:
    with pytest.raises(RuntimeError, match="inside the transaction"):
        events.publish(Happened("y"))
