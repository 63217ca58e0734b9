"""Speed of the duplicate check at intake: ``linkage.intake.possible_matches(actor=..., data=...)``
as the check page and ``POST /api/v1/persons/matches`` call it, p50 and p95, against a synthetic
population (``manage.py generate_population``) of 100,000 or 1,000,000 persons in 10
organizations, on SQLite and PostgreSQL. Target: p95 <= 50 ms.

Each request is a different person's name (family and given name, as recorded, in a random
order of scripts the population holds) typed by a case worker of the first organization, so it
finds own matches and hints of other organizations' records and writes those hints the first
time (the slowest case). The databases are this bench's own (bench/cases.py's files and keys,
but the PostgreSQL database ``opennrm_bench_intake``, so other benches' schemas are not touched).

Run from the repository root:
    .venv/bin/python bench/intake_check.py [--sizes 100000] [--backends sqlite,postgresql]
        [--requests 200]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import cases as population  # noqa: E402  (bench/cases.py: the population databases)

population.PG_DATABASE = "opennrm_bench_intake"
TARGET_P95_MS = 50.0
WARM_UP = 5


def child(backend: str, size: int, requests: int) -> dict[str, Any]:
    os.environ.update(population.bench_keys())
    os.environ["DJANGO_SETTINGS_MODULE"] = "opennrm.settings.test"
    os.environ["OPENNRM_ENV_FILE"] = "/nonexistent"
    os.environ["DATABASE_URL"] = population.database_url(backend, size)
    if backend == "postgresql":
        population._pg_prepare(size, reset=False)
    sys.path.insert(0, str(population.ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    generated = None
    if not population._populated(size):
        population._reset(backend, size)
        call_command("migrate", verbosity=0)
        generated = population._generate(size)["seconds"]
        connection.close()
        if backend == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE)")
    return {"generated_seconds": generated, **_measure(requests)}


def _measure(requests: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from opennrm.accounts.models import Membership, Role
    from opennrm.accounts.permissions import Actor
    from opennrm.linkage.intake import possible_matches
    from opennrm.linkage.models_intake import MatchHint
    from opennrm.people.models import Person

    membership = (
        Membership.objects.filter(role=Role.CASE_WORKER, is_active=True)
        .select_related("user", "organization")
        .order_by("organization_id", "id")
        .first()
    )
    assert membership is not None
    actor = Actor.of(membership.user, membership)
    MatchHint.objects.filter(asked_by=actor.user).delete()  # every hint shown anew
    rng = random.Random(2026)
    top = Person.objects.order_by("-id").values_list("id", flat=True).first() or 0
    ids = rng.sample(range(1, top + 1), min(top, (requests + WARM_UP) * 2))
    people = list(Person.objects.filter(pk__in=ids).only("given_name", "family_name", "birth_year"))
    rng.shuffle(people)
    timings: list[float] = []
    queries: list[int] = []
    found_own = found_hints = 0
    for n, person in enumerate(people[: requests + WARM_UP]):
        data = {"family_name": person.family_name, "given_name": person.given_name}
        if person.birth_year:
            data["birth_year"] = person.birth_year
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            result = possible_matches(actor=actor, data=data)
            elapsed = (time.perf_counter() - started) * 1000
        if n >= WARM_UP:
            timings.append(elapsed)
            queries.append(len(captured))
            found_own += bool(result.own)
            found_hints += bool(result.hints)
    timings.sort()
    return {
        "requests": len(timings),
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 1),
        "max_ms": round(timings[-1], 1),
        "queries_median": statistics.median(queries),
        "queries_max": max(queries),
        "with_own_matches": found_own,
        "with_hints": found_hints,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100000")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--child", nargs=2)
    args = parser.parse_args()
    if args.child:
        backend, size = args.child[0], int(args.child[1])
        print("RESULT " + json.dumps(child(backend, size, args.requests)), flush=True)
        return
    command = " ".join([".venv/bin/python", "bench/intake_check.py", *sys.argv[1:]])
    print(f"Command: {command}")
    print(f"Load average at start: {os.getloadavg()}")
    for size in (int(s) for s in args.sizes.split(",")):
        for backend in args.backends.split(","):
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    backend,
                    str(size),
                    "--requests",
                    str(args.requests),
                ],
                capture_output=True,
                text=True,
                cwd=population.ROOT,
                check=False,
            )
            lines = [x for x in out.stdout.splitlines() if x.startswith("RESULT ")]
            if not lines:
                print(f"{backend} {size:,}: failed\n{out.stdout[-2000:]}\n{out.stderr[-3000:]}")
                continue
            r = json.loads(lines[-1][7:])
            verdict = "within" if r["p95_ms"] <= TARGET_P95_MS else "OVER"
            print(
                f"{backend:<10} {size:>9,}  p50 {r['p50_ms']:6.1f} ms  p95 {r['p95_ms']:6.1f} ms "
                f"(max {r['max_ms']:.1f})  queries median {r['queries_median']} max "
                f"{r['queries_max']}  own matches in {r['with_own_matches']}/{r['requests']}, "
                f"hints in {r['with_hints']}/{r['requests']}  -- {verdict} the "
                f"{TARGET_P95_MS:.0f} ms target"
                + (
                    f"  (generated in {r['generated_seconds']:.0f} s)"
                    if r["generated_seconds"]
                    else ""
                )
            )
    print(f"Load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
