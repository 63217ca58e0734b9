"""Holding back an event's handlers, to test what must hold without them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from opennrm import events


@contextmanager
def held_back(event_type: type[events.Event]) -> Iterator[None]:
    """Publish ``event_type`` to nobody inside the block; the handlers are back after it."""
    with mock.patch.dict(events._handlers, {event_type: []}):
        yield
