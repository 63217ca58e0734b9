"""Speed of the statistics: the national view and the organization dashboard (and the annual
report, where ``opennrm.stats.report`` exists), median seconds cold (the statistics cache
cleared before each call) and warm (read from it), at N cases on SQLite and PostgreSQL.

What is timed, for a whole year (the last full one) and for every year since the first case:

- the national view as its page computes it: ``national.national_scope`` (the sharing
  organizations, the linked persons counted once) and ``national.national_sections`` (every
  table, suppressed), by the national coordinator's data analyst;
- the organization dashboard: ``dashboard.compare`` and ``dashboard.dashboard_sections`` of the
  largest organization, by its supervisor;
- both pages through the test client (GET /stats/national/, GET /stats/), charts and all;
- the background job that prepares a large national view (``prepare.national_prepare_start``,
  which the tests' task backend runs inline): what the worker spends, not what the page waits;
- the annual report's key figures (``report.organization_report``, ``report.national_report``)
  when the report part is there; otherwise a line says it was skipped.

"Cold" means the statistics cache is empty, not the database: SQLite's file is in the operating
system's page cache after the first call, PostgreSQL's shared buffers hold what fit.

Populations are bench/cases.py's (``manage.py generate_population``, kept under var/bench/ and in
the PostgreSQL database ``opennrm_bench``, one schema per size, keys in var/bench/bench.env). A
generated population has cases and persons only, no consent and no national coordinator, so the
national view would count nothing: this bench adds, once per database, an organization "Synthetic
National Coordinator" with a data analyst (through the account services), a data-sharing agreement
of every other organization (one ``bulk_create``), and a statistics consent on nine cases in ten
(one ``INSERT ... SELECT``, not a service call per case). It has no identification decisions,
services, referrals, returns or hotline contacts: those tables are timed empty.

Run from the repository root:
    .venv/bin/python bench/stats.py [--sizes 100000,1000000] [--backends sqlite,postgresql]
        [--repeat 5] [--output FILE]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import cases as population  # noqa: E402  (the populations and their keys)
from bench import children  # noqa: E402

GOAL_COLD_S = 2.0
OUTPUT = ROOT / "bench" / "results" / "stats-2026-12-03.txt"
COORDINATOR = "Synthetic National Coordinator"
ANALYST_EMAIL = "analyst.national-coordinator@synthetic.invalid"
CONSENT_EVERY = 10  # every tenth case (by id) has no statistics consent


# --- One database, in a child process (Django is set up once per process).


def child(backend: str, size: int, repeat: int) -> dict[str, Any]:
    children.django_environment(population.bench_keys(), population.database_url(backend, size))
    # The pages count at every size here (over it, the national page offers to prepare instead).
    os.environ["OPENNRM_STATS_PREPARE_ABOVE"] = str(10**12)
    if backend == "postgresql":
        population._pg_prepare(size, reset=False)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    generation = None
    if not population._populated(size):
        population._reset(backend, size)
        call_command("migrate", verbosity=0)
        generation = population._generate(size)
        connection.close()
    prepared = _prepare_national(backend)
    if backend == "postgresql" and (generation or prepared["consents_added"]):
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    return {"generation": generation, "prepared": prepared, **_measure(backend, size, repeat)}


def _prepare_national(backend: str) -> dict[str, Any]:
    """The coordinator, its analyst, every organization sharing, and the consents: made once."""
    from django.db import connection, transaction

    from opennrm.accounts import services as account_services
    from opennrm.accounts.models import Membership, Organization, OrganizationType, Role
    from opennrm.cases.choices import ConsentMethod, ConsentPurpose
    from opennrm.cases.models import Case, Consent
    from opennrm.devtools.runner import platform_actor
    from opennrm.stats.models_sharing import SharingAgreement

    platform_ = platform_actor()
    with transaction.atomic():
        coordinator = Organization.objects.filter(name=COORDINATOR).first()
        if coordinator is None:
            coordinator = account_services.organization_create(
                actor=platform_,
                name=COORDINATOR,
                org_type=OrganizationType.CENTRAL_GOVERNMENT,
                country="KZ",
                city="Astana",
            )
        Organization.objects.filter(pk=coordinator.pk).update(national_coordinator=True)
        if not Membership.objects.filter(organization=coordinator, user__email=ANALYST_EMAIL):
            account_services.membership_create(
                actor=platform_,
                organization=coordinator,
                email=ANALYST_EMAIL,
                full_name="Analyst",
                role=Role.DATA_ANALYST,
                password=os.urandom(16).hex(),
            )
        sharing = Organization.objects.exclude(pk=coordinator.pk).exclude(
            pk__in=SharingAgreement.objects.filter(withdrawn_on__isnull=True).values("organization")
        )
        agreements = SharingAgreement.objects.bulk_create(
            SharingAgreement(
                organization=organization,
                coordinator=coordinator,
                starts_on=date(2000, 1, 1),
                reference="bench",
                recorded_by=platform_.user,
            )
            for organization in sharing
        )
    # One INSERT ... SELECT: a statistics consent on nine cases in ten, given when the case was
    # opened, by its owner; encrypted blank fields as the field itself writes them. The cases
    # that have one already are listed once (NOT IN: a hashed subplan on PostgreSQL): a NOT EXISTS
    # planned for the empty consent table became a nested loop that read the table it was filling
    # once per case (1,000,000 cases: 250 rows a second, stopped after 7 minutes).
    consent = Consent._meta
    case = Case._meta
    blank = {
        name: consent.get_field(name).get_db_prep_value("", connection)
        for name in ("guardian_name", "withdrawal_reason")
    }
    uuid = (
        "gen_random_uuid()" if connection.vendor == "postgresql" else "lower(hex(randomblob(16)))"
    )
    column = {f.name: f.column for f in consent.concrete_fields}
    sql = f"""
        INSERT INTO {consent.db_table} ({column["uuid"]}, {column["case"]}, {column["purpose"]},
            {column["recipient_type"]}, {column["method"]}, {column["given_on"]},
            {column["guardian_name"]}, {column["recorded_by"]}, {column["recorded_at"]},
            {column["withdrawal_reason"]})
        SELECT {uuid}, c.{case.pk.column}, %s, '', %s, c.{case.get_field("opened_on").column},
            %s, c.{case.get_field("owner").column}, CURRENT_TIMESTAMP, %s
        FROM {case.db_table} c
        WHERE c.{case.pk.column} %% {CONSENT_EVERY} <> 0 AND c.{case.pk.column} NOT IN (
            SELECT k.{column["case"]} FROM {consent.db_table} k WHERE k.{column["purpose"]} = %s)
    """
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                ConsentPurpose.STATISTICS,
                ConsentMethod.WRITTEN,
                blank["guardian_name"],
                blank["withdrawal_reason"],
                ConsentPurpose.STATISTICS,
            ],
        )
        added = cursor.rowcount
    seconds = time.perf_counter() - started
    if added:
        print(f"  statistics consents added: {added:,} in {seconds:.1f} s", flush=True)
    # The consents went in by SQL, past the writes that keep the statistics' counts.
    from opennrm.stats import rollup
    from opennrm.stats.models_rollup import CaseFact

    rebuilt = None
    if added or not CaseFact.objects.exists():
        started = time.perf_counter()
        rollup.rebuild()
        if connection.vendor == "postgresql":
            # What autovacuum does soon after: statistics, and the visibility map that lets a
            # read of the kept counts use their index alone.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE) stats_casecount, stats_casefact")
        rebuilt = time.perf_counter() - started
        print(f"  statistics counted ahead (stats_rebuild) in {rebuilt:.1f} s", flush=True)
    return {
        "rebuild_seconds": rebuilt,
        "coordinator": coordinator.pk,
        "agreements_added": len(agreements),
        "consents_added": added,
        "consents": Consent.objects.filter(purpose=ConsentPurpose.STATISTICS).count(),
        "consent_seconds": seconds,
    }


def _membership_of(email: str) -> Any:
    from opennrm.accounts.models import Membership

    return Membership.objects.select_related("user", "organization").get(user__email=email)


def _timed(call: Any, repeat: int, *, cold: bool) -> dict[str, Any]:
    """Median seconds of ``repeat`` calls, the statistics cache emptied before each if cold."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from opennrm.stats import cache

    cache.clear()
    call()  # the first call: imports, translations, the database's pages read once
    times, counts = [], []
    slowest: tuple[float, str] = (-1.0, "")
    for _ in range(repeat):
        if cold:
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            call()
            times.append(time.perf_counter() - started)
        counts.append(len(captured.captured_queries))
        for query in captured.captured_queries:
            if float(query["time"]) > slowest[0]:
                slowest = (float(query["time"]), query["sql"])
    return {
        "median": statistics.median(times),
        "max": max(times),
        "queries": max(counts),
        "slowest_query_s": slowest[0],
        "slowest_sql": slowest[1],
    }


def _measure(backend: str, size: int, repeat: int) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import translation

    from opennrm.accounts.permissions import Actor
    from opennrm.accounts.timezones import local_today
    from opennrm.stats import cache, dashboard, national, prepare
    from tests.conftest import sign_in

    setup_test_environment()
    translation.activate("en")
    actors = population._actors()
    supervisor, supervisor_membership = actors["supervisor"]
    analyst_membership = _membership_of(ANALYST_EMAIL)
    analyst = Actor.of(analyst_membership.user, analyst_membership)
    today = local_today(analyst_membership.organization)
    last_year = today.year - 1
    periods = {
        f"year {last_year}": (date(last_year, 1, 1), date(last_year, 12, 31)),
        f"every year (2000-{today.isoformat()})": (date(2000, 1, 1), today),
    }
    has_report = importlib.util.find_spec("opennrm.stats.report") is not None
    rows: list[dict[str, Any]] = []
    plans: dict[str, str] = {}
    breakdown: list[tuple[str, float, int]] = []

    def national_view(start: date, end: date) -> Any:
        found = national.national_scope(actor=analyst, start=start, end=end)
        return national.national_sections(found)

    def dashboard_view(start: date, end: date) -> Any:
        scope = dashboard.dashboard_scope(actor=supervisor, start=start, end=end)
        return dashboard.compare(scope), dashboard.dashboard_sections(scope)

    analyst_page = sign_in(Client(), analyst_membership.user, analyst_membership)
    supervisor_page = sign_in(Client(), supervisor_membership.user, supervisor_membership)

    def page(client: Any, path: str, start: date, end: date) -> Any:
        def call() -> int:
            response = client.get(
                path, {"preset": "dates", "start": start.isoformat(), "end": end.isoformat()}
            )
            assert response.status_code == 200, response.status_code
            return len(response.content)

        return call

    for period, (start, end) in periods.items():
        calls: list[tuple[str, Any]] = [
            (
                "national view: national_scope + national_sections",
                lambda s=start, e=end: national_view(s, e),
            ),
            (
                "national view page: GET /stats/national/",
                page(analyst_page, "/stats/national/", start, end),
            ),
            (
                "dashboard: compare + dashboard_sections",
                lambda s=start, e=end: dashboard_view(s, e),
            ),
            ("dashboard page: GET /stats/", page(supervisor_page, "/stats/", start, end)),
        ]
        calls.append(
            (
                "national prepare job (run inline here)",
                lambda s=start, e=end: prepare.national_prepare_start(
                    actor=analyst, start=s, end=e
                ),
            )
        )
        if has_report and start.year == end.year:
            from opennrm.stats import report  # the annual report part, when merged

            calls.append(
                (
                    "annual report: organization_report",
                    lambda y=start.year: report.organization_report(actor=supervisor, year=y),
                )
            )
            calls.append(
                (
                    "annual report: national_report",
                    lambda y=start.year: report.national_report(actor=analyst, year=y),
                )
            )
        for what, call in calls:
            cold = _timed(call, repeat, cold=True)
            warm = _timed(call, repeat, cold=False)
            sql = cold.pop("slowest_sql")
            warm.pop("slowest_sql")
            rows.append({"what": what, "period": period, "cold": cold, "warm": warm})
            if what.startswith("national view:") and sql:
                plans[f"{what}, {period} (slowest query {cold['slowest_query_s']:.3f} s)"] = (
                    sql[:2000] + "\n" + population._explain(connection, sql)
                )
            print(
                f"[{backend} {size:,}] {what[:52]:52} {period[:28]:28} cold {cold['median']:6.3f} s"
                f" ({cold['queries']} queries)  warm {warm['median']:6.3f} s"
                f" ({warm['queries']} queries)",
                flush=True,
            )
        if start.year != end.year:
            breakdown = _breakdown(national, analyst, start, end)
    cache.clear()
    return {
        "rows": rows,
        "plans": plans,
        "breakdown": breakdown,
        "report": "measured" if has_report else "skipped: opennrm.stats.report is not in this tree",
        "organization_cases": actors["organization_cases"],
        "data_size": population._data_size(backend, size),
        "server": population._server_version(),
    }


def _breakdown(national: Any, analyst: Any, start: date, end: date) -> list[tuple[str, float, int]]:
    """Each table of the national view counted once, uncached: where the cold time goes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    found = national.national_scope(actor=analyst, start=start, end=end)
    scope = found.scope
    functions = [
        national.linked_records,
        *(fn for _title, fns in national.national_tables() for fn in fns),
    ]
    out = []
    for fn in functions:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            fn(scope)
            seconds = time.perf_counter() - started
        out.append((fn.__name__, seconds, len(captured.captured_queries)))
    return out


# --- The report.


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--output", default=str(OUTPUT), help="also write the report here")
    parser.add_argument("--child", nargs=2, metavar=("BACKEND", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeat < 3:
        parser.error("--repeat must be at least 3")
    if args.child:
        result = child(args.child[0], int(args.child[1]), args.repeat)
        children.child_result(result)
        return 0
    reports, failed = [], []
    for backend in args.backends.split(","):
        for size in (int(s) for s in args.sizes.split(",")):
            command = ["--child", backend, str(size)]
            command += ["--repeat", str(args.repeat)]
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
    given = " ".join(argv) if argv is not None else " ".join(sys.argv[1:])
    command = f".venv/bin/python bench/stats.py {given}".rstrip()
    lines = ["=" * 100]
    lines.append(
        f"Statistics: median seconds over {args.repeat} calls after one first call, cold (the "
        f"statistics cache emptied before each call) and warm (read from it); goal: under "
        f"{GOAL_COLD_S:.0f} s cold at 1,000,000 cases"
    )
    load = os.getloadavg()
    lines.append(
        f"machine: {os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
        f" (at the end; the machine is shared), Python {platform.python_version()}, "
        + ", ".join(sorted({r["server"] for _, _, r in reports}))
    )
    lines.append(f"reproduce: {command}")
    for backend, size, result in reports:
        prepared = result["prepared"]
        lines.append("")
        lines.append(
            f"{backend} {size:,} cases: data {result['data_size']}; {prepared['consents']:,} "
            f"statistics consents (added in this run: {prepared['consents_added']:,}, one INSERT "
            f"... SELECT, {prepared['consent_seconds']:.1f} s); sharing agreements added in this "
            f"run: {prepared['agreements_added']}; the dashboard's organization has "
            f"{result['organization_cases']:,} cases"
        )
        if prepared.get("rebuild_seconds") is not None:
            lines.append(
                "  counts kept ahead recounted from the cases in this run (manage.py "
                f"stats_rebuild): {prepared['rebuild_seconds']:.1f} s"
            )
        gen = result["generation"]
        lines.append(
            f"  generated in this run: {gen['seconds']:.0f} s ({gen['summary']})"
            if gen
            else "  population reused"
        )
        lines.append(f"  annual report: {result['report']}")
        lines.append(
            f"  {'what':52} {'period':30} {'cold s':>7} {'max':>7} {'queries':>7}"
            f" {'warm s':>7} {'queries':>7}"
        )
        for r in result["rows"]:
            cold, warm = r["cold"], r["warm"]
            flag = "  OVER 2 s" if cold["median"] > GOAL_COLD_S else ""
            lines.append(
                f"  {r['what'][:52]:52} {r['period'][:30]:30} {cold['median']:7.3f}"
                f" {cold['max']:7.3f} {cold['queries']:7} {warm['median']:7.3f}"
                f" {warm['queries']:7}{flag}"
            )
        if result["breakdown"]:
            lines.append("  the national view's tables, every year, each counted once uncached:")
            for name, seconds, queries in result["breakdown"]:
                lines.append(f"    {name:40} {seconds:7.3f} s {queries:3} queries")
        for key, plan in result["plans"].items():
            lines.append(f"\n  {key}:")
            lines.append("    " + plan.replace("\n", "\n    "))
        lines.append(
            f"  command: .venv/bin/python bench/stats.py --sizes {size} --backends {backend}"
        )
    for name in failed:
        lines.append(f"\n{name}: the run failed (see the output above)")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
