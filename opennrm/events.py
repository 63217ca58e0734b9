"""In-transaction domain events: an app announces what happened, others act on it.

The publishing app defines its event types (a frozen dataclass deriving from ``Event``, in its own
``events.py``) and calls ``publish`` inside the transaction of the change. Apps further up the
layers subscribe in their ``AppConfig.ready`` with ``subscribe``. Handlers run at once, in the
order they were registered, inside the same transaction: when one fails, the whole change is rolled
back, so "consent withdrawn" and "what was shared under it is withdrawn" commit together or not at
all. Side effects that must wait for the commit (e-mail) use ``transaction.on_commit`` in the
handler. See docs/decisions/0002-in-transaction-events.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.db import connection


@dataclass(frozen=True)
class Event:
    """Base of every domain event."""


E = TypeVar("E", bound=Event)
Handler = Callable[[E], None]

_handlers: dict[type[Event], list[Callable[[Event], None]]] = defaultdict(list)


def subscribe(event_type: type[E]) -> Callable[[Handler[E]], Handler[E]]:
    """Decorator: call the function for each ``event_type`` published; registered once."""

    def register(handler: Handler[E]) -> Handler[E]:
        registered = _handlers[event_type]
        if handler not in registered:
            registered.append(handler)  # type: ignore[arg-type]
        return handler

    return register


def handlers_of(event_type: type[Event]) -> tuple[Callable[[Event], None], ...]:
    """The handlers registered for ``event_type``, in calling order (tests check the wiring)."""
    return tuple(_handlers.get(event_type, ()))


def publish(event: Event) -> None:
    """Run every handler of the event's type now; must run inside the change's transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("publish must run inside the transaction of the change")
    for handler in _handlers.get(type(event), ()):
        handler(event)
