"""Speed of the case list: the page (GET /cases/), the API (GET /api/v1/cases?limit=50, and
POST /api/v1/cases/search for a name), or, where the page or API does not exist yet, the selector
behind it (``case_list(actor=..., filters=...)[:50]`` materialized, the query the page will run).

Each database holds a synthetic population (``manage.py generate_population``) of 100,000 or
1,000,000 persons with one case each, made once and reused: SQLite files under var/bench/ and the
PostgreSQL database ``opennrm_bench`` (one schema per size) on 127.0.0.1:5432, user postgres.
The keys of the bench databases live in var/bench/bench.env, so the data stays readable.

Run from the repository root:
    .venv/bin/python bench/cases.py [--sizes 100000,1000000] [--backends sqlite,postgresql]
        [--requests 30]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import children  # noqa: E402

BENCH_DIR = ROOT / "var" / "bench"
KEY_FILE = BENCH_DIR / "bench.env"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
# One database per checkout that measures at once (OPENNRM_BENCH_PG_DATABASE), so two
# benchmarks that migrate differently never share one.
PG_DATABASE = os.environ.get("OPENNRM_BENCH_PG_DATABASE", "opennrm_bench")
SEED = 2026
TARGET_P95_MS = 150.0
WARM_UP = 3


def database_url(backend: str, size: int) -> str:
    if backend == "sqlite":
        return f"sqlite:///{BENCH_DIR / f'cases-{size}.sqlite3'}"
    return f"{PG_SERVER}/{PG_DATABASE}?options=-c%20search_path%3Dpopulation_{size}"


def bench_keys() -> dict[str, str]:
    """The bench databases' own keys, made once (never the development or production keys)."""
    return children.bench_keys(KEY_FILE, "bench")


# --- One database: run in a child process, because Django is set up once per process.


def child(backend: str, size: int, requests: int) -> dict[str, Any]:
    children.django_environment(bench_keys(), database_url(backend, size))
    if backend == "postgresql":
        _pg_prepare(size, reset=False)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    generation = None
    if not _populated(size):
        _reset(backend, size)
        call_command("migrate", verbosity=0)
        generation = _generate(size)
        # Measure on a fresh connection, with the settings the application runs with.
        from django.db import connection

        connection.close()
        if backend == "postgresql":
            # What autovacuum does soon after a bulk load: statistics and the visibility map.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE)")
    sqlite_analyze(backend)
    return {"generation": generation, **_measure(backend, size, requests)}


def sqlite_analyze(backend: str) -> None:
    """On SQLite, the query planner's statistics, as docs/deploy.md has a deployment keep them
    (16 s at 1,000,000 persons; a sampled ANALYZE took each organization for a thousand cases).
    Without them SQLite takes an organization's index for selective, and reads all its cases to
    find the fifty of a page or the two hundred of a name search (50 ms at 1,000,000)."""
    if backend != "sqlite":
        return
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _pg_prepare(size: int, *, reset: bool) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        if not conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [PG_DATABASE]
        ).fetchone():
            conn.execute(f"CREATE DATABASE {PG_DATABASE}")
    with psycopg.connect(f"{PG_SERVER}/{PG_DATABASE}", autocommit=True) as conn:
        if reset:
            conn.execute(f"DROP SCHEMA IF EXISTS population_{size} CASCADE")
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS population_{size}")


def _populated(size: int) -> bool:
    """True when the database holds exactly ``size`` generated cases readable with our keys."""
    from opennrm.cases.models import Case
    from opennrm.crypto.keyring import DecryptionError
    from opennrm.people.models import Person

    if Case.objects.count() != size or Person.objects.count() != size:
        return False
    try:
        Person.objects.order_by("id").first()
    except DecryptionError:
        return False
    return True


def _reset(backend: str, size: int) -> None:
    from django.db import connection

    print(f"[{backend} {size:,}] making a fresh population", flush=True)
    connection.close()
    if backend == "sqlite":
        path = BENCH_DIR / f"cases-{size}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        _pg_prepare(size, reset=True)


def _generate(size: int) -> dict[str, Any]:
    from django.core.management import call_command

    truth = BENCH_DIR / f"truth-{size}.csv"
    started = time.perf_counter()

    class Tee:
        lines: list[str] = []

        def write(self, text: str) -> None:
            sys.stdout.write(text)
            sys.stdout.flush()
            self.lines.append(text)

        def flush(self) -> None:
            sys.stdout.flush()

    out = Tee()
    call_command("generate_population", persons=size, seed=SEED, truth_file=str(truth), stdout=out)
    seconds = time.perf_counter() - started
    last = "".join(out.lines).strip().splitlines()[-1]
    return {"seconds": seconds, "rate": size / seconds, "summary": last}


# --- Measuring.

FILTERS: list[tuple[str, dict[str, Any]]] = [
    ("none", {}),
    ("status=Active", {"status": "Active"}),
    ("exploitation=ForcedLabour", {"exploitation_type": "ForcedLabour"}),
    ("exploitation=ForcedMarriage", {"exploitation_type": "ForcedMarriage"}),
    ("citizenship=TJ+gender=Feminine", {"citizenship": "TJ", "gender": "Feminine"}),
    ("opened 2024-01-01..2024-03-31", {"opened_from": "2024-01-01", "opened_to": "2024-03-31"}),
    ("name: full name", {"q": "<full name>"}),
    ("name: given name only", {"q": "<given name>"}),
]


def _actors() -> dict[str, Any]:
    """The supervisor of the largest organization, and its case worker with the fewest cases."""
    from django.db.models import Count

    from opennrm.accounts.models import Membership
    from opennrm.accounts.permissions import Actor
    from opennrm.cases.models import Case

    largest = Case.objects.values("organization").annotate(n=Count("id")).order_by("-n").first()
    organization_id = largest["organization"]
    supervisor = Membership.objects.select_related("user", "organization").get(
        organization_id=organization_id, role="supervisor", user__email__startswith="supervisor."
    )
    loads = (
        Case.objects.filter(organization_id=organization_id)
        .values("owner")
        .annotate(n=Count("id"))
        .order_by("n")
    )
    quietest = loads.first()
    worker = Membership.objects.select_related("user", "organization").get(
        organization_id=organization_id, user_id=quietest["owner"]
    )
    return {
        "organization_cases": largest["n"],
        "supervisor": (Actor.of(supervisor.user, supervisor), supervisor),
        "case worker": (Actor.of(worker.user, worker), worker),
        "case_worker_cases": quietest["n"],
    }


def _names(actor: Any) -> dict[str, str]:
    """A real full name of a person the actor sees (found through the selector), and a common
    given name the actor may or may not see."""
    from opennrm.cases.selectors import case_list

    person = case_list(actor=actor)[37].person
    return {"<full name>": f"{person.given_name} {person.family_name}", "<given name>": "Шахноза"}


def _timed(call: Any, requests: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARM_UP):
        call()
    times, queries, rows = [], [], 0
    slowest_sql, slowest_time = "", -1.0
    for _ in range(requests):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            rows = call()
            elapsed = (time.perf_counter() - started) * 1000
        times.append(elapsed)
        queries.append(len(captured.captured_queries))
        if elapsed > slowest_time and captured.captured_queries:
            slowest_time = elapsed
            slowest = max(captured.captured_queries, key=lambda q: float(q["time"]))
            slowest_sql = slowest["sql"]
    times.sort()
    return {
        "p50": statistics.median(times),
        "p95": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
        "queries": max(queries),
        "rows": rows,
        "slowest_sql": slowest_sql,
    }


def _channels() -> dict[str, bool]:
    from django.urls import Resolver404, resolve

    available = {}
    for path in ("/cases/", "/api/v1/cases"):
        try:
            resolve(path)
            available[path] = True
        except Resolver404:
            available[path] = False
    return available


def _measure(backend: str, size: int, requests: int) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from opennrm.accounts.services import api_token_create
    from opennrm.cases.selectors import CaseFilters, case_list
    from tests.conftest import sign_in

    setup_test_environment()
    available = _channels()
    actors = _actors()
    results = []
    plans: dict[str, str] = {}
    for who in ("supervisor", "case worker"):
        actor, membership = actors[who]
        names = _names(actor)
        page = sign_in(Client(), membership.user, membership) if available["/cases/"] else None
        api = None
        if available["/api/v1/cases"]:
            _token, raw = _in_transaction(lambda a=actor: api_token_create(actor=a, name="bench"))
            api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
        for label, raw_filters in FILTERS:
            filters = {k: names.get(v, v) for k, v in raw_filters.items()}
            typed = CaseFilters(**_typed(filters))

            def selector(actor: Any = actor, typed: Any = typed) -> int:
                return len(list(case_list(actor=actor, filters=typed)[:50]))

            rows = []
            if page is not None:
                verb = "POST" if "q" in filters else "GET"
                rows.append((f"page {verb} /cases/", _page_call(page, filters)))
            else:
                rows.append(("selector (no page yet)", selector))
            if api is not None:
                verb = "POST /api/v1/cases/search" if "q" in filters else "GET /api/v1/cases"
                rows.append((f"API {verb}", _api_call(api, filters)))
            for channel, call in rows:
                measured = _timed(call, requests)
                sql = measured.pop("slowest_sql")
                results.append({"actor": who, "filter": label, "channel": channel, **measured})
                if measured["p95"] > TARGET_P95_MS and sql:
                    plans[f"{who} / {label} / {channel}"] = _explain(connection, sql)
                print(
                    f"[{backend} {size:,}] {who:11} {label:30} {channel:27} "
                    f"p50 {measured['p50']:7.1f} ms  p95 {measured['p95']:7.1f} ms  "
                    f"{measured['queries']} queries",
                    flush=True,
                )
    return {
        "available": available,
        "results": results,
        "plans": plans,
        "organization_cases": actors["organization_cases"],
        "case_worker_cases": actors["case_worker_cases"],
        "data_size": _data_size(backend, size),
        "server": _server_version(),
    }


def _typed(filters: dict[str, Any]) -> dict[str, Any]:
    from datetime import date

    return {k: date.fromisoformat(v) if k.startswith("opened_") else v for k, v in filters.items()}


def _page_call(client: Any, filters: dict[str, Any]) -> Any:
    """Statistical filters by GET; the name search by POST (names never go in a URL)."""

    def call() -> int:
        if "q" in filters:
            response = client.post("/cases/", {"q": filters["q"]})
        else:
            response = client.get("/cases/", filters)
        assert response.status_code == 200, response.status_code
        return max(0, response.content.count(b"<tr") - 1)

    return call


def _api_call(client: Any, filters: dict[str, Any]) -> Any:
    def call() -> int:
        if "q" in filters:
            response = client.post(
                "/api/v1/cases/search?limit=50",
                data=json.dumps({"q": filters["q"]}),
                content_type="application/json",
            )
        else:
            response = client.get("/api/v1/cases", {**filters, "limit": 50})
        assert response.status_code == 200, (response.status_code, response.content[:300])
        return len(response.json()["items"])

    return call


def _in_transaction(action: Any) -> Any:
    from django.db import transaction

    with transaction.atomic():
        return action()


def _explain(connection: Any, sql: str) -> str:
    """The plan of the slowest query of the slowest request (PostgreSQL: with real timings)."""
    prefix = (
        "EXPLAIN (ANALYZE, BUFFERS) "
        if connection.vendor == "postgresql"
        else "EXPLAIN QUERY PLAN "
    )
    if not sql.lstrip().upper().startswith("SELECT"):
        return f"the slowest statement was not a query: {sql[:200]}"
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql)
        return "\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall())


def _data_size(backend: str, size: int) -> str:
    from django.db import connection

    if backend == "sqlite":
        path = BENCH_DIR / f"cases-{size}.sqlite3"
        total = sum(
            Path(f"{path}{s}").stat().st_size for s in ("", "-wal") if Path(f"{path}{s}").exists()
        )
        return f"{total / 2**20:,.0f} MiB (file)"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind = 'r'",
            [f"population_{size}"],
        )
        total = cursor.fetchone()[0] or 0
    return f"{total / 2**20:,.0f} MiB (tables and indexes)"


def _server_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return "PostgreSQL " + cursor.fetchone()[0]
        cursor.execute("SELECT sqlite_version()")
        return "SQLite " + cursor.fetchone()[0]


# --- The report.


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--child", nargs=2, metavar=("BACKEND", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.requests < 30:
        parser.error("--requests must be at least 30")
    if args.child:
        children.child_result(child(args.child[0], int(args.child[1]), args.requests))
        return
    reports = []
    for backend in args.backends.split(","):
        for size in (int(s) for s in args.sizes.split(",")):
            arguments = ["--child", backend, str(size), "--requests", str(args.requests)]
            result = children.run_child(__file__, arguments)
            if result is None:
                sys.exit(f"the {backend} {size:,} run failed")
            reports.append((backend, size, result))
    _print_report(reports, args)


def _print_report(reports: list[tuple[str, int, dict[str, Any]]], args: argparse.Namespace) -> None:
    print("\n" + "=" * 100)
    print(
        "Case list benchmark (p50/p95 over",
        args.requests,
        f"requests after {WARM_UP} warm-up; target p95 < {TARGET_P95_MS:.0f} ms)",
    )
    print(
        f"machine: {os.cpu_count()} cores (nproc {_nproc()}), Python {platform.python_version()}, ",
        end="",
    )
    print(", ".join(sorted({r["server"] for _, _, r in reports})))
    for backend, size, result in reports:
        print(
            f"\n{backend} {size:,} cases: data {result['data_size']}; largest organization "
            f"{result['organization_cases']:,} cases (supervisor), its quietest case worker owns "
            f"{result['case_worker_cases']:,}"
        )
        gen = result["generation"]
        if gen:
            print(
                f"  generated in this run: {gen['seconds']:.0f} s, {gen['rate']:,.0f} persons/s"
                f" ({gen['summary']})"
            )
        else:
            print("  population reused from an earlier run")
        print(
            "  measured: "
            + ", ".join(
                f"{p} {'exists' if ok else 'missing'}" for p, ok in result["available"].items()
            )
        )
        print(
            f"  {'actor':11} {'filter':34} {'channel':32} {'p50 ms':>8} {'p95 ms':>8}"
            f" {'queries':>8} {'rows':>5}"
        )
        for r in result["results"]:
            flag = "  MISSES TARGET" if r["p95"] > TARGET_P95_MS else ""
            print(
                f"  {r['actor']:11} {r['filter']:34} {r['channel']:32} {r['p50']:8.1f}"
                f" {r['p95']:8.1f} {r['queries']:8} {r['rows']:5}{flag}"
            )
        for key, plan in result["plans"].items():
            print(f"\n  plan, {backend} {size:,}, {key}:")
            print("    " + plan.replace("\n", "\n    "))
    print(
        "\nreproduce: .venv/bin/python bench/cases.py"
        f" --sizes {args.sizes} --backends {args.backends} --requests {args.requests}"
    )


def _nproc() -> str:
    found = shutil.which("nproc")
    return subprocess.run([found], capture_output=True, text=True).stdout.strip() if found else "?"


if __name__ == "__main__":
    main()
