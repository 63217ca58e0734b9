"""Latency of the name matching a typist and a searcher wait for: p50 and p95 of

(a) the intake duplicate check, ``opennrm.linkage.intake.possible_matches(actor=..., data=...)``,
    what the person form and ``POST /api/v1/persons/matches`` call: own organization and hints;
(b) the name search page, a POST of ``q`` to ``/cases/`` through the test client (the full page:
    session, the ranked search, the names of the page's rows and their read event). The page
    searches by POST only: a name never goes in a URL, so there is no ``GET /cases/?q=``.

Populations are bench/cases.py's (``manage.py generate_population``, kept under var/bench/ and in
the PostgreSQL database ``opennrm_bench``, one schema per size, keys in var/bench/bench.env). A
population whose stored name keys are not the ones ``matching.names.index_keys`` makes today
(made before the keys changed) is made again. The searched names are real names of the
population spelled otherwise: put in Latin letters by ICU (``matching.translit``) with the
spellings people write (j for zh or y, h for kh, w for v...), so the cross-script path is the one
measured.

A deployment has one database: run one backend per invocation where the machine's page cache
cannot hold both populations (at 1,000,000 persons 10 GB on SQLite and 16 GB on PostgreSQL).
Measured after SQLite in the same run, PostgreSQL read its index pages back from disk, and its
check's p95 tripled (bench/results/matching-latency-one-run-2026-12-06.txt); so it did in a run
right after the test suite had filled the cache with its own databases
(matching-latency-postgresql-cold-2026-12-06.txt). A server that has been serving keeps its
indexes in memory: the figures to compare with the goals are those of a second run.

Run from the repository root:
    .venv/bin/python bench/matching_latency.py [--sizes 100000,1000000]
        [--backends sqlite,postgresql] [--requests 50] [--output FILE]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import cases as population  # noqa: E402  (the populations and their keys)
from bench import children  # noqa: E402

GOAL_CHECK_MS = 50.0
GOAL_PAGE_MS = 150.0
WARM_UP = 3
OUTPUT = ROOT / "bench" / "results" / "matching-latency-2026-12-03.txt"
# How people write what ICU spells one way (applied one at a time, on a seeded draw).
RESPELLINGS = [
    ("zh", "j"),
    ("kh", "h"),
    ("yu", "ju"),
    ("ya", "ia"),
    ("y", "i"),
    ("v", "w"),
    ("sh", "ş"),
    ("ch", "c"),
    ("ts", "c"),
    ("ʹ", ""),
]


# --- One database, in a child process (Django is set up once per process).


def child(backend: str, size: int, requests: int) -> dict[str, Any]:
    children.django_environment(population.bench_keys(), population.database_url(backend, size))
    if backend == "postgresql":
        population._pg_prepare(size, reset=False)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    generation = None
    if not population._populated(size) or not _keys_current():
        population._reset(backend, size)
        call_command("migrate", verbosity=0)
        generation = population._generate(size)
        connection.close()
        if backend == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE)")
    population.sqlite_analyze(backend)
    return {"generation": generation, **_measure(backend, size, requests)}


def _keys_current() -> bool:
    """True when a sample of persons carries exactly the name keys ``index_keys`` makes now."""
    from opennrm.matching.names import index_keys
    from opennrm.people.models import Person, PersonName

    for person in Person.objects.order_by("id")[:20]:
        expected = index_keys(
            given=person.given_name,
            family=person.family_name,
            patronymic=person.patronymic,
            others=[n.get("value", "") for n in person.names or [] if isinstance(n, dict)],
        )
        stored = set(PersonName.objects.filter(person=person).values_list("token", flat=True))
        if stored != expected:
            print("  the population's name keys are not today's: making it again", flush=True)
            return False
    return True


def respelled(name: str, rng: random.Random) -> str:
    """``name`` in Latin letters (ICU, per word) with one spelling people write instead."""
    from opennrm.matching.names import words
    from opennrm.matching.translit import to_latin

    latin = " ".join(to_latin(w) for w in words(name)).lower()
    choices = [(a, b) for a, b in RESPELLINGS if a in latin]
    if choices:
        a, b = rng.choice(choices)
        latin = latin.replace(a, b, 1)
    return " ".join(part.capitalize() for part in latin.split())


def _queries(actor: Any, count: int, seed: int) -> list[dict[str, Any]]:
    """Persons the actor sees, their names respelled: what is typed, and the intake data."""
    from opennrm.cases.selectors import case_visible
    from opennrm.people.models import Person

    rng = random.Random(seed)
    ids = list(
        case_visible(actor=actor).order_by("-opened_on", "-id").values_list("person_id")[:2000]
    )
    picked = rng.sample([i for (i,) in ids], min(count, len(ids)))
    out = []
    for person in Person.objects.filter(pk__in=picked).order_by("pk"):
        given = respelled(person.given_name, rng) if person.given_name else ""
        family = respelled(person.family_name, rng) if person.family_name else ""
        text = " ".join(p for p in (given, family) if p) or respelled(
            (person.names or [{"value": "x"}])[0].get("value", "x"), rng
        )
        out.append(
            {
                "q": text,
                "original": f"{person.given_name} {person.family_name}",
                "person_id": person.pk,
                "data": {
                    "given_name": given,
                    "family_name": family,
                    "birth_year": person.birth_year,
                    "gender": person.gender,
                    "citizenship": person.citizenship,
                },
            }
        )
    return out


def _check_call(actor: Any) -> tuple[str, Any]:
    """The intake check, as the page and the API call it."""
    from opennrm.linkage.intake import possible_matches

    def check(query: dict[str, Any]) -> int:
        found = possible_matches(actor=actor, data=query["data"])
        return len(found.own) + len(found.hints)

    return "linkage.intake.possible_matches", check


def _timed(call: Any, queries: list[dict[str, Any]], requests: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for query in queries[:WARM_UP]:
        call(query)
    times, counts, results = [], [], []
    slowest_sql, slowest = "", -1.0
    for n in range(requests):
        query = queries[n % len(queries)]
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            results.append(call(query))
            elapsed = (time.perf_counter() - started) * 1000
        times.append(elapsed)
        counts.append(len(captured.captured_queries))
        if elapsed > slowest and captured.captured_queries:
            slowest = elapsed
            slowest_sql = max(captured.captured_queries, key=lambda q: float(q["time"]))["sql"]
    times.sort()
    return {
        "p50": statistics.median(times),
        "p95": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
        "max": times[-1],
        "queries": max(counts),
        "found": statistics.median(results),
        "slowest_sql": slowest_sql,
    }


def _measure(backend: str, size: int, requests: int) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from opennrm.cases.models import Case
    from tests.conftest import sign_in

    setup_test_environment()
    actors = population._actors()
    # The hints an earlier run showed these actors, forgotten: every run measures the first
    # showing of its hints, which writes them and their audit events, as a new check does.
    from opennrm.linkage.models_intake import MatchHint

    for actor, _membership in (actors["supervisor"], actors["case worker"]):
        MatchHint.objects.filter(asked_by=actor.user).delete()
    rows: list[dict[str, Any]] = []
    plans: dict[str, str] = {}
    samples: list[str] = []
    found_self = {"page": [0, 0]}
    for who in ("supervisor", "case worker"):
        actor, membership = actors[who]
        queries = _queries(actor, max(requests, 30), seed=2026 if who == "supervisor" else 7)
        samples.extend(f"{q['original']} -> {q['q']}" for q in queries[:3])
        label, check = _check_call(actor)
        page = sign_in(Client(), membership.user, membership)
        person_case = dict(
            Case.objects.filter(person_id__in=[q["person_id"] for q in queries]).values_list(
                "person_id", "number"
            )
        )

        def search(
            query: dict[str, Any], page: Any = page, person_case: dict[int, str] = person_case
        ) -> int:
            response = page.post("/cases/", {"q": query["q"]})
            assert response.status_code == 200, response.status_code
            html = response.content.decode()
            found_self["page"][1] += 1
            found_self["page"][0] += person_case.get(query["person_id"], "\0") in html
            return max(0, html.count("<tr") - 1)

        def plain(query: dict[str, Any], page: Any = page) -> int:
            response = page.get("/cases/")
            assert response.status_code == 200, response.status_code
            return max(0, response.content.decode().count("<tr") - 1)

        for channel, call, goal in (
            (f"check: {label}", check, GOAL_CHECK_MS),
            ("page: POST /cases/ q=<name>", search, GOAL_PAGE_MS),
            ("reference: GET /cases/, no search, same moment", plain, GOAL_PAGE_MS),
        ):
            measured = _timed(call, queries, requests)
            sql = measured.pop("slowest_sql")
            rows.append({"actor": who, "channel": channel, "goal": goal, **measured})
            if measured["p95"] > goal and sql:
                plans[f"{who} / {channel}"] = population._explain(connection, sql)
            print(
                f"[{backend} {size:,}] {who:11} {channel[:60]:60} p50 {measured['p50']:7.1f} ms"
                f"  p95 {measured['p95']:7.1f} ms  {measured['queries']} queries",
                flush=True,
            )
    hits, total = found_self["page"]
    return {
        "rows": rows,
        "plans": plans,
        "samples": samples,
        "page_found_the_person": f"{hits}/{total}",
        "organization_cases": actors["organization_cases"],
        "case_worker_cases": actors["case_worker_cases"],
        "data_size": population._data_size(backend, size),
        "server": population._server_version(),
    }


# --- The report.


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--output", default=str(OUTPUT), help="also write the report here")
    parser.add_argument("--child", nargs=2, metavar=("BACKEND", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.requests < 30:
        parser.error("--requests must be at least 30")
    if args.child:
        result = child(args.child[0], int(args.child[1]), args.requests)
        children.child_result(result)
        return 0
    reports = []
    failed = []
    for backend in args.backends.split(","):
        for size in (int(s) for s in args.sizes.split(",")):
            command = ["--child", backend, str(size)]
            command += ["--requests", str(args.requests)]
            result = children.run_child(__file__, command)
            if result is None:
                failed.append(f"{backend} {size:,}")
                continue
            reports.append((backend, size, result))
    report = _report(reports, failed, args, argv)
    print(report)
    if args.output:
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(report + "\n", encoding="utf-8")
        print(f"written to {args.output}")
    return 1 if failed else 0


def _report(
    reports: list[tuple[str, int, dict[str, Any]]],
    failed: list[str],
    args: argparse.Namespace,
    argv: list[str] | None,
) -> str:
    lines = ["=" * 100]
    lines.append(
        f"Name matching latency (p50/p95 over {args.requests} requests after {WARM_UP} warm-up); "
        f"goals: p95 <= {GOAL_CHECK_MS:.0f} ms for the intake check, <= {GOAL_PAGE_MS:.0f} ms "
        "for a search page"
    )
    load = os.getloadavg()
    lines.append(
        f"machine: {os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
        f" (at the end; the machine is shared), Python {platform.python_version()}, "
        + ", ".join(sorted({r["server"] for _, _, r in reports}))
    )
    for backend, size, result in reports:
        lines.append("")
        lines.append(
            f"{backend} {size:,} persons: data {result['data_size']}; largest organization "
            f"{result['organization_cases']:,} cases (its supervisor), its quietest case worker "
            f"owns {result['case_worker_cases']:,}"
        )
        gen = result["generation"]
        lines.append(
            f"  generated in this run: {gen['seconds']:.0f} s ({gen['summary']})"
            if gen
            else "  population reused (made with today's name keys)"
        )
        lines.append(
            "  searched names (as recorded -> as typed): " + "; ".join(result["samples"][:4])
        )
        lines.append(f"  the page listed the searched person: {result['page_found_the_person']}")
        lines.append(
            f"  {'actor':11} {'what':70} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}"
            f" {'queries':>7} {'found':>6}"
        )
        for r in result["rows"]:
            flag = "  MISSES GOAL" if r["p95"] > r["goal"] else ""
            lines.append(
                f"  {r['actor']:11} {r['channel'][:70]:70} {r['p50']:8.1f} {r['p95']:8.1f}"
                f" {r['max']:8.1f} {r['queries']:7} {r['found']:6.0f}{flag}"
            )
        for key, plan in result["plans"].items():
            lines.append(f"\n  plan of the slowest query, {backend} {size:,}, {key}:")
            lines.append("    " + plan.replace("\n", "\n    "))
    for name in failed:
        lines.append(f"\n{name}: the run failed (see the output above)")
    given = " ".join(argv) if argv is not None else " ".join(sys.argv[1:])
    lines.append(f"\nreproduce: .venv/bin/python bench/matching_latency.py {given}".rstrip())
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
