"""Cost of the case list's total (decision 0016): the capped COUNT beside the page it totals, the
uncapped COUNT it replaces, the names of a page's rows with their one read event, and the whole
page, on the benchmark populations of bench/cases.py (one case per person, made once, reused).

Run from the repository root:
    .venv/bin/python bench/case_list_total.py [--sizes 100000] [--backends sqlite,postgresql]
        [--requests 20]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import cases as population  # noqa: E402  (bench/cases.py: the populations and their keys)

FILTERS: list[tuple[str, dict[str, Any]]] = [
    ("none", {}),
    ("trafficking status = actual", {"trafficking_status": "ActualVictimOfTrafficking"}),
    ("decision pending", {"decision_pending": True}),
]


def _timed(call: Any, requests: int) -> tuple[float, float, Any]:
    for _ in range(3):
        call()
    times = []
    result = None
    for _ in range(requests):
        started = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return (
        statistics.median(times),
        times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
        result,
    )


def child(backend: str, size: int, requests: int) -> dict[str, Any]:
    population.children.django_environment(
        population.bench_keys(), population.database_url(backend, size)
    )
    if backend == "postgresql":
        population._pg_prepare(size, reset=False)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.test import Client
    from django.test.utils import setup_test_environment

    from opennrm.cases.selectors import CaseFilters, case_list, case_list_total, case_person_names
    from tests.conftest import sign_in

    call_command("migrate", verbosity=0)
    if not population._populated(size):
        population._reset(backend, size)
        call_command("migrate", verbosity=0)
        population._generate(size)
    setup_test_environment()
    actors = population._actors()
    rows = []
    for who in ("supervisor", "case worker"):
        actor, membership = actors[who]
        client = sign_in(Client(), membership.user, membership)
        for label, raw in FILTERS:
            filters = CaseFilters(**raw)
            query = {k: "on" if v is True else v for k, v in raw.items()}

            def page(a: Any = actor, f: Any = filters) -> list[Any]:
                return list(case_list(actor=a, filters=f)[:50])

            def capped(a: Any = actor, f: Any = filters) -> Any:
                return case_list_total(cases=case_list(actor=a, filters=f))

            def uncapped(a: Any = actor, f: Any = filters) -> int:
                return case_list(actor=a, filters=f).count()

            shown = page()

            def names(a: Any = actor, shown: list[Any] = shown) -> int:
                with transaction.atomic():
                    found = case_person_names(actor=a, cases=shown)
                    transaction.set_rollback(True)  # keep the bench's audit log as it was
                return len(found)

            def whole(c: Any = client, q: dict[str, Any] = query) -> int:
                return c.get("/cases/", q).status_code

            measured = {}
            for name, call in (
                ("rows of the page", page),
                ("total, capped at 1,000", capped),
                ("total, uncapped COUNT", uncapped),
                ("names of the page's rows + read event", names),
                ("whole page GET /cases/", whole),
            ):
                p50, p95, result = _timed(call, requests)
                result = f"{len(result)} rows" if isinstance(result, list) else result
                measured[name] = {"p50": p50, "p95": p95, "result": str(result)}
                print(
                    f"[{backend} {size:,}] {who:11} {label:28} {name:38} "
                    f"p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  ({result})",
                    flush=True,
                )
            rows.append({"actor": who, "filter": label, "measured": measured})
    return {"rows": rows, "organization_cases": actors["organization_cases"]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100000")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--child", nargs=3, metavar=("BACKEND", "SIZE", "REQUESTS"))
    args = parser.parse_args()
    if args.child:
        backend, size, requests = args.child
        print("RESULT " + json.dumps(child(backend, int(size), int(requests))), flush=True)
        return
    for size in (int(s) for s in args.sizes.split(",")):
        for backend in args.backends.split(","):
            command = [sys.executable, __file__, "--child", backend, str(size), str(args.requests)]
            subprocess.run(command, check=True, cwd=ROOT)
    print(
        f"\nCommand: .venv/bin/python bench/case_list_total.py --sizes {args.sizes} "
        f"--backends {args.backends} --requests {args.requests}"
    )


if __name__ == "__main__":
    main()
