"""Recount the counts of cases kept ahead of time (``stats/rollup.py``) from the cases.

    manage.py stats_rebuild

After a bulk load that wrote cases, persons or consents without the application's writes
(``generate_population`` runs it itself), and from time to time to fold the rows that every
change adds into one per count. Prints the cases read and the counts written.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from opennrm.stats import cache, rollup


class Command(BaseCommand):
    help = "Recount the statistics' counts kept ahead of time from the cases."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        done = rollup.rebuild()
        cache.clear()
        self.stdout.write(
            f"{done['cases']} cases read, {done['counts']} counts written "
            f"in {time.perf_counter() - started:.1f} s"
        )
