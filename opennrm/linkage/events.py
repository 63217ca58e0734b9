"""What the linkage app announces to the apps above it (see ``opennrm/events.py``)."""

from __future__ import annotations

from dataclasses import dataclass

from opennrm.events import Event


@dataclass(frozen=True)
class CasesMoved(Event):
    """Cases moved from one person to another by a merge or its undoing (a queryset update, which
    sends no ``post_save``); published in that transaction, after the move.

    Subscribers: stats (the counted person of each case, ``stats/rollup.py``).
    """

    case_ids: tuple[int, ...]
