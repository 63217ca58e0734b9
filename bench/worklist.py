"""Speed of the home worklist and of the navigation's counts (decision 0015) on the bench
population of bench/cases.py (100,000 cases; the supervisor of the largest organization sees
24,364 of them, its quietest case worker owns 1,819): ``worklist_counts`` (on every page), the
``worklist`` selector and the whole home page, with the directory page as a plain page beside.

Run from the repository root, after bench/cases.py has made the population (SIZE: 100000 unless
given; at 1,000,000 the largest organization has about 243,000 cases):
    .venv/bin/python bench/worklist.py sqlite [SIZE]
    .venv/bin/python bench/worklist.py postgresql [SIZE]
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

import cases as population  # noqa: E402  (bench/cases.py: the populations and their keys)


def main(backend: str, size: int) -> None:
    population.children.django_environment(
        population.bench_keys(), population.database_url(backend, size)
    )
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment

    from opennrm.worklist.selectors import worklist, worklist_counts
    from tests.conftest import sign_in

    setup_test_environment()
    actors = population._actors()
    for who in ("supervisor", "case worker"):
        actor, membership = actors[who]
        client = sign_in(Client(), membership.user, membership)
        calls: list[tuple[str, Callable[[], Any]]] = [
            ("nav counts", lambda a=actor: worklist_counts(actor=a)),
            ("worklist()", lambda a=actor: worklist(actor=a)),
            ("GET / (home)", lambda c=client: c.get("/")),
            ("GET /directory/", lambda c=client: c.get("/directory/")),
        ]
        for name, call in calls:
            for _ in range(2):
                call()
            times = []
            for _ in range(10):
                started = time.perf_counter()
                call()
                times.append((time.perf_counter() - started) * 1000)
            print(
                f"[{backend} {size:,}] {who:11} {name:16} "
                f"p50 {statistics.median(times):7.1f} ms  max {max(times):7.1f} ms",
                flush=True,
            )
    print(f"\nCommand: .venv/bin/python bench/worklist.py {backend} {size}")


if __name__ == "__main__":
    main(
        sys.argv[1] if len(sys.argv) > 1 else "sqlite",
        int(sys.argv[2]) if len(sys.argv) > 2 else 100_000,
    )
