"""Memory and time of the HTCDS import (issue 14: "100,000 rows within 500 MB of memory"):
seconds, rows per second and peak resident memory of the dry run (``import_preview``), the
import (``import_run``) and a re-import of the same file (every row matched by its
``cas_CaseId``, nothing changed), for N rows in the official Excel template's layout and in CSV,
on SQLite and PostgreSQL.

The files are generated here, seeded (var/bench/import/): the official template's two header
rows (its hidden field names, its labels; column A numbering the rows, AJ with a label only) and
a ``cas_CaseId`` column beside them, then N distinct valid rows (names from a short list with a
gender, citizenship, birth and referral dates, phones, several picklists and
multi-select picklists, the case status). The workbook is written by openpyxl in write-only mode;
the CSV is UTF-8 with commas, field names then labels, as saved from the template; the JSON is a
list of objects keyed by field name.

Each step runs in a child process of its own, so its peak memory (VmHWM of /proc/self/status) is
that step's alone, Django included; the child also samples its resident memory every 500 rows
(the import's progress callback), which shows whether memory grows with the file. Every
(format, rows) pair imports into an organization of its own, with a supervisor made through the
account services, so each import creates all its rows; the database is made fresh once per
backend (a new SQLite file under var/bench/; PostgreSQL's ``public`` schema of
``opennrm_bench_import``, made when missing, dropped and migrated again), and later runs find
earlier runs' cases of other organizations in it.

Run from the repository root:
    .venv/bin/python bench/import.py [--rows 1000,10000,100000] [--formats xlsx,csv]
        [--backends sqlite,postgresql] [--repeat 1] [--output FILE]   (formats: xlsx, csv, json)
    .venv/bin/python bench/import.py --profile 5000 [--backends sqlite] [--formats xlsx]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import random
import secrets
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import children  # noqa: E402

GOAL_MB = 500.0
SEED = 2026
OUTPUT = ROOT / "bench" / "results" / "import-2026-12-04.txt"
BENCH_DIR = ROOT / "var" / "bench"
FILES = BENCH_DIR / "import"
KEY_FILE = BENCH_DIR / "import.env"
SQLITE_FILE = BENCH_DIR / "import.sqlite3"
PG_URL = os.environ.get(
    "OPENNRM_BENCH_IMPORT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/opennrm_bench_import"
)
TEMPLATE = ROOT / "opennrm" / "interop" / "official" / "HTCDS Excel Spreadsheet v2.0.xlsx"
SUPERVISOR = "supervisor.{slug}@bench-import.invalid"
DEFAULT_STEPS = "preview,import,reimport"
STEPS = {
    "preview": "dry run (import_preview)",
    "import": "import (import_run)",
    "reimport": "re-import, same file (import_run)",
}

# --- The generated files.

# Names as a Central Asian organization's files hold them: common ones repeat (a person is
# told apart by the birth date and phone), a quarter in Cyrillic. Made-up combinations of common
# names, no real person's.
GIVEN = [
    "Aigerim",
    "Dilnoza",
    "Nargiza",
    "Oksana",
    "Madina",
    "Gulnara",
    "Zhanar",
    "Aizhan",
    "Saule",
    "Dinara",
    "Feruza",
    "Shakhnoza",
    "Malika",
    "Nilufar",
    "Zarina",
    "Mohira",
    "Asel",
    "Aidana",
    "Cholpon",
    "Nazira",
    "Gulbahor",
    "Mukaddas",
    "Lola",
    "Svetlana",
    "Natalya",
    "Olga",
    "Tatyana",
    "Yulia",
    "Anna",
    "Elena",
    "Timur",
    "Bakhtiyor",
    "Rustam",
    "Azamat",
    "Nurlan",
    "Daniyar",
    "Farrukh",
    "Jasur",
    "Sherzod",
    "Ulugbek",
]
FAMILY = [
    "Seitkazieva",
    "Abdullaeva",
    "Mamytova",
    "Karimova",
    "Petrenko",
    "Nurlanova",
    "Ismoilova",
    "Yusupova",
    "Rakhimova",
    "Sarsenbayeva",
    "Tursunova",
    "Akhmedova",
    "Khodjaeva",
    "Sultanova",
    "Nazarova",
    "Rashidova",
    "Alimova",
    "Kasymova",
    "Bekova",
    "Omarova",
    "Zhakupova",
    "Iskakova",
    "Sadykova",
    "Baimukhanova",
    "Kenzhebaeva",
    "Toktogulova",
    "Asanova",
    "Usmonova",
    "Saidova",
    "Mirzaeva",
    "Ivanova",
    "Kuznetsova",
    "Smirnova",
    "Popova",
    "Boyko",
    "Kovalenko",
    "Karimov",
    "Ismoilov",
    "Yusupov",
    "Rakhimov",
]
GIVEN_CYRILLIC = [
    "Айгерим",
    "Диляра",
    "Жанар",
    "Гульнара",
    "Мадина",
    "Асель",
    "Динара",
    "Сауле",
    "Зарина",
    "Малика",
    "Ольга",
    "Наталья",
    "Тимур",
    "Рустам",
    "Азамат",
    "Нурлан",
]
FAMILY_CYRILLIC = [
    "Сарсенбаева",
    "Юсупова",
    "Рахимова",
    "Абдуллаева",
    "Каримова",
    "Мамытова",
    "Турсунова",
    "Ахмедова",
    "Султанова",
    "Назарова",
    "Омарова",
    "Искакова",
    "Садыкова",
    "Асанова",
    "Иванова",
    "Кузнецова",
]
DATA_VERSION = 2  # in the files' names: files of older rows are not reused
CITIES = ["Almaty", "Astana", "Shymkent", "Tashkent", "Bishkek", "Osh", "Dushanbe"]
COUNTRIES = ["KZ", "UZ", "KG", "TJ", "RU", "UA"]
EXPLOITED_IN = ["RU", "KZ", "TR", "AE", "KR", "Moscow", "Istanbul"]
GENDERS = ["Feminine", "Feminine", "Masculine", "Masculine", "NonSpecifiedUnknown"]
DECIDED_BY = ["Police", "NGO", "CourtOrProsecution", "NonPoliceGovernmentalOrganization"]
RECRUITMENT = [
    "AtWork",
    "ThroughOnlineSocialNetworks",
    "ThroughAnOnlineAdvertisement",
    "ThroughFamilyOrFamilyEvents",
    "ThroughFriendsOrSocialEvents",
]
CONTROL = [
    "DebtBondage",
    "WithholdsDocuments",
    "FalsePromises",
    "TakesEarnings",
    "PhysicalThreats",
    "ExcessiveWorkingHours",
]
EXPLOITATION = ["ForcedLabour", "ForcedLabour", "SexualExploitation", "ForcedBegging", "Servitude"]
INDUSTRY = [
    "F_Construction",
    "A_AgricultureForestryAndFishing",
    "T_ActivitiesOfHouseholdsAsEmployers",
]
SEX_EXPLOITATION = ["Prostitution", "PrivateSexualServices"]
REFERRERS = ["Hotline 1188", "IOM Almaty", "Police of Almaty", "Consulate of Uzbekistan"]


def template_header() -> tuple[list[Any], list[Any]]:
    """The official template's hidden field names and labels, and our ``cas_CaseId`` beside."""
    import openpyxl

    workbook = openpyxl.load_workbook(TEMPLATE, read_only=True)
    first, second = (list(r) for r in workbook.worksheets[0].iter_rows(max_row=2, values_only=True))
    workbook.close()
    return [*first, "cas_CaseId"], [*second, "Case ID"]


def record(n: int, rng: random.Random) -> dict[str, Any]:
    """Row ``n`` (from 1): its own case id and phone, a common name, valid."""
    exploitation = rng.choice(EXPLOITATION)
    cyrillic = rng.random() < 0.25
    row: dict[str, Any] = {
        "cas_CaseId": f"BENCH-{n:07d}",
        "prs_FirstName": rng.choice(GIVEN_CYRILLIC if cyrillic else GIVEN),
        "prs_SecondName": rng.choice(FAMILY_CYRILLIC if cyrillic else FAMILY),
        "con_Consent": True,
        "prs_Birthdate": datetime(1965, 1, 1) + timedelta(days=rng.randrange(40 * 365)),
        "prs_Gender": rng.choice(GENDERS),
        "prs_Citizenship": rng.choice(COUNTRIES),
        "prs_MobilePhone": f"+7701{n:07d}",
        "prs_MailingCity": rng.choice(CITIES),
        "prs_MailingCountry": rng.choice(COUNTRIES),
        "vic_TraffickingStatus": "PossibleVictimOfTrafficking",
        "vic_TraffickinStatusDecisionMakingOrg": rng.choice(DECIDED_BY),
        "vic_MethodOfRecruitment": ";".join(rng.sample(RECRUITMENT, rng.randint(1, 2))),
        "vic_LocationOfRecruitment": rng.choice(COUNTRIES),
        "vic_MethodsOfControl": ";".join(rng.sample(CONTROL, rng.randint(1, 3))),
        "vic_TypeOfExploitation": exploitation,
        "vic_LocationOfExploitation": rng.choice(EXPLOITED_IN),
        "cas_Status": "FollowUp" if rng.random() < 0.1 else "Active",
        # A referral recorded from the organization's files names who referred (cas_ fields).
        "cas_ReferringOrganisation": rng.choice(REFERRERS),
        "cas_IncomingReferralDate": datetime(2020, 1, 1) + timedelta(days=rng.randrange(6 * 365)),
    }
    if exploitation == "ForcedLabour":
        row["vic_ForcedLabourIndustry"] = rng.choice(INDUSTRY)
    elif exploitation == "SexualExploitation":
        row["vic_TypeOfSexExploitation"] = rng.choice(SEX_EXPLOITATION)
    return row


def file_path(rows: int, kind: str) -> Path:
    return FILES / f"htcds-{rows}-seed{SEED}-v{DATA_VERSION}.{kind}"


def generate(rows: int, kind: str) -> dict[str, Any]:
    """The file of ``rows`` rows (made once, seeded: the same bytes of rows each time)."""
    path = file_path(rows, kind)
    if path.exists():
        return {"path": str(path), "bytes": path.stat().st_size, "seconds": None}
    FILES.mkdir(parents=True, exist_ok=True)
    names, labels = template_header()
    rng = random.Random(SEED)
    started = time.perf_counter()
    partial = path.with_suffix(path.suffix + ".part")
    if kind == "xlsx":
        import openpyxl

        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet("Sheet1")
        sheet.append(names)
        sheet.append(labels)
        for n in range(1, rows + 1):
            row = record(n, rng)
            sheet.append([n, *(row.get(name) if name else None for name in names[1:])])
        workbook.save(partial)
    elif kind == "json":
        # A list of objects keyed by field name, written one object at a time.
        with partial.open("w", encoding="utf-8") as handle:
            handle.write("[")
            for n in range(1, rows + 1):
                row = {k: _csv_value(v) for k, v in record(n, rng).items() if v is not None}
                handle.write(("," if n > 1 else "") + "\n" + json.dumps(row, ensure_ascii=False))
            handle.write("\n]\n")
    else:
        with partial.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["" if v is None else v for v in names])
            writer.writerow(["" if v is None else v for v in labels])
            for n in range(1, rows + 1):
                row = record(n, rng)
                writer.writerow(
                    [n, *(_csv_value(row.get(name)) if name else "" for name in names[1:])]
                )
    partial.rename(path)
    return {
        "path": str(path),
        "bytes": path.stat().st_size,
        "seconds": time.perf_counter() - started,
    }


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if value is True:
        return "TRUE"
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value)


# --- The databases.


def bench_keys() -> dict[str, str]:
    """This bench's own keys, made once (never the development or production keys)."""
    return children.bench_keys(KEY_FILE, "benchimport")


def database_url(backend: str) -> str:
    return f"sqlite:///{SQLITE_FILE}" if backend == "sqlite" else PG_URL


def _django(backend: str) -> None:
    children.django_environment(bench_keys(), database_url(backend))
    import django

    django.setup()


def organization_name(kind: str, rows: int, repetition: int) -> str:
    return f"Bench import {kind} {rows} #{repetition}"


def _create_database() -> None:
    """The bench's PostgreSQL database, made when missing (in the server's ``postgres`` one)."""
    import psycopg
    from psycopg import sql

    name = PG_URL.rsplit("/", 1)[1].split("?")[0]
    server = PG_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if found is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup_child(backend: str, runs: list[tuple[str, int, int]]) -> dict[str, Any]:
    """A fresh database, migrated, with one organization and supervisor per run."""
    started = time.perf_counter()
    if backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)
    else:
        import psycopg

        _create_database()
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
            conn.execute("CREATE SCHEMA public")
    _django(backend)
    from django.core.management import call_command
    from django.db import connection, transaction

    from opennrm.accounts import services as account_services
    from opennrm.accounts.models import OrganizationType, Role
    from opennrm.devtools.runner import platform_actor

    call_command("migrate", verbosity=0)
    migrated = time.perf_counter() - started
    with transaction.atomic():
        platform_ = platform_actor()
        for kind, rows, repetition in runs:
            name = organization_name(kind, rows, repetition)
            organization = account_services.organization_create(
                actor=platform_,
                name=name,
                org_type=OrganizationType.NGO,
                country="KZ",
                city="Almaty",
            )
            account_services.membership_create(
                actor=platform_,
                organization=organization,
                email=SUPERVISOR.format(slug=f"{kind}-{rows}-{repetition}"),
                full_name="Bench Supervisor",
                role=Role.SUPERVISOR,
                password=secrets.token_urlsafe(16),
            )
    if backend == "sqlite":
        server = f"SQLite {connection.Database.sqlite_version}"
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            server = "PostgreSQL " + cursor.fetchone()[0].split()[1]
    return {"migrate_seconds": migrated, "server": server}


# --- One step, in a child process of its own.


def _status_mb(key: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def step_child(
    step: str, backend: str, kind: str, rows: int, repetition: int, profile: int = 0
) -> dict[str, Any]:
    _django(backend)
    from django.db import connection

    from opennrm.accounts.models import Membership
    from opennrm.accounts.permissions import Actor
    from opennrm.interop.services import import_preview, import_run

    membership = Membership.objects.select_related("user", "organization").get(
        organization__name=organization_name(kind, rows, repetition), role="supervisor"
    )
    actor = Actor.of(membership.user, membership)
    organization = membership.organization
    connection.ensure_connection()
    baseline = _status_mb("VmRSS")
    samples: list[tuple[int, float]] = []

    def progress(done: int, total: int | None) -> None:
        samples.append((done, _status_mb("VmRSS")))
        if done % 10_000 == 0 and done != total:  # a long step shows it moves (standard error)
            elapsed = time.perf_counter() - started
            print(
                f"    {step} {done:,} rows, {elapsed:.0f} s, RSS {samples[-1][1]:.0f} MB",
                file=sys.stderr,
                flush=True,
            )

    path = file_path(rows, kind)
    call = import_preview if step == "preview" else import_run
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
    with path.open("rb") as handle:
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        result = call(
            actor=actor, organization=organization, file=handle, name=path.name, progress=progress
        )
        if profiler:
            profiler.disable()
        seconds = time.perf_counter() - started
    out = {
        "seconds": seconds,
        # The kernel updates VmHWM lazily: a sample taken during the step may be a little over it.
        "peak_mb": max([_status_mb("VmHWM"), *(mb for _done, mb in samples)]),
        "baseline_mb": baseline,
        "samples": samples,
        "rows": result.rows,
        "created": result.cases_create,
        "updated": result.cases_update,
        "unchanged": result.cases_unchanged,
        "refused": result.rows_refused,
        "problems": result.problem_count,
        "problem_lines": [p.line() for p in result.problems[:3]],
        "saved": result.saved,
    }
    if profiler:
        import pstats

        text = io.StringIO()
        stats = pstats.Stats(profiler, stream=text).strip_dirs()
        stats.sort_stats("cumulative").print_stats(40)
        stats.sort_stats("tottime").print_stats(25)
        out["profile"] = _trim_profile(text.getvalue())
    return out


def _trim_profile(text: str) -> str:
    """pstats' output without its preamble lines and blank runs."""
    lines = [line.rstrip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line and not line.startswith("   Ordered by"))


# --- The parent: runs the children, prints, writes the report.


def _run_child(arguments: list[str]) -> dict[str, Any] | None:
    return children.run_child(__file__, arguments)


def _line(backend: str, kind: str, rows: int, step: str, measured: dict[str, Any]) -> str:
    seconds = measured["seconds"]
    peak = measured["peak_mb"]
    goal = "under 500 MB" if peak <= GOAL_MB else "OVER 500 MB"
    outcome = (
        f"created {measured['created']:,}, updated {measured['updated']:,}, "
        f"unchanged {measured['unchanged']:,}, refused {measured['refused']:,}"
        + (", saved" if measured["saved"] else ", not saved")
    )
    return (
        f"  {backend:10} {kind:4} {rows:>7,} {STEPS[step]:34} {seconds:9.1f} s "
        f"{rows / seconds:8.0f} rows/s  peak {peak:6.0f} MB (before the call "
        f"{measured['baseline_mb']:4.0f} MB)  {goal}  [{outcome}]"
    )


def _growth(samples: list[list[float]]) -> str:
    """Resident memory during the step: at the first sample, a quarter, half, and the end."""
    if len(samples) < 2:
        return ""
    picks = sorted({0, len(samples) // 4, len(samples) // 2, len(samples) - 1})
    return ", ".join(f"{int(samples[i][0]):,} rows {samples[i][1]:.0f} MB" for i in picks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", default="100000")
    parser.add_argument("--formats", default="xlsx,csv")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--steps", default=DEFAULT_STEPS)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--profile", type=int, default=0, help="cProfile an import of N rows")
    parser.add_argument("--output", default=str(OUTPUT), help="also write the report here")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        if args.child[0] == "setup":
            runs = json.loads(args.child[2])
            result = setup_child(args.child[1], [tuple(r) for r in runs])
        else:
            step, backend, kind, rows, repetition, profile = args.child
            result = step_child(step, backend, kind, int(rows), int(repetition), int(profile))
        children.child_result(result)
        return 0

    given = " ".join(argv) if argv is not None else " ".join(sys.argv[1:])
    sizes = [int(s) for s in args.rows.split(",")]
    kinds = args.formats.split(",")
    backends = args.backends.split(",")
    steps = args.steps.split(",")
    if args.profile:
        sizes, steps, args.repeat = [args.profile], ["import"], 1
    load_before = os.getloadavg()
    files = {}
    for rows in sizes:
        for kind in kinds:
            made = generate(rows, kind)
            files[(kind, rows)] = made
            how = f"made in {made['seconds']:.1f} s" if made["seconds"] is not None else "reused"
            print(f"file {kind} {rows:,} rows: {made['bytes'] / 2**20:.1f} MiB, {how}", flush=True)
    runs = [(k, r, i) for r in sizes for k in kinds for i in range(args.repeat)]
    measured: dict[tuple[str, str, int, str], list[dict[str, Any]]] = {}
    servers, setups, failed, profiles = [], {}, [], {}
    for backend in backends:
        setup = _run_child(["--child", "setup", backend, json.dumps(runs)])
        if setup is None:
            failed.append(f"{backend}: the database could not be made")
            continue
        servers.append(setup["server"])
        setups[backend] = setup
        print(
            f"[{backend}] fresh database migrated in {setup['migrate_seconds']:.0f} s", flush=True
        )
        for kind, rows, repetition in runs:
            for step in steps:
                result = _run_child(
                    [
                        "--child",
                        step,
                        backend,
                        kind,
                        str(rows),
                        str(repetition),
                        str(args.profile),
                    ]
                )
                if result is None:
                    failed.append(f"{backend} {kind} {rows:,} {step}")
                    break
                if "profile" in result:
                    profiles[(backend, kind, rows)] = result.pop("profile")
                measured.setdefault((backend, kind, rows, step), []).append(result)
                print(_line(backend, kind, rows, step, result), flush=True)
                if result["refused"]:  # the figure would time refusals, not an import
                    failed.append(
                        f"{backend} {kind} {rows:,} {step}: {result['refused']:,} rows refused"
                    )
                for problem in result["problem_lines"]:
                    print(f"      problem: {problem}", flush=True)
    report = _report(measured, files, setups, servers, failed, profiles, args, given, load_before)
    print(report)
    if args.output and (not args.profile or args.output != str(OUTPUT)):
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(report + "\n", encoding="utf-8")
        print(f"written to {args.output}")
    return 1 if failed else 0


def _report(
    measured: dict[tuple[str, str, int, str], list[dict[str, Any]]],
    files: dict[tuple[str, int], dict[str, Any]],
    setups: dict[str, dict[str, Any]],
    servers: list[str],
    failed: list[str],
    profiles: dict[tuple[str, str, int], str],
    args: argparse.Namespace,
    given: str,
    load_before: tuple[float, float, float],
) -> str:
    import openpyxl

    load = os.getloadavg()
    lines = ["=" * 100]
    lines.append(
        f"HTCDS import: seconds, rows per second and peak resident memory (VmHWM, the whole "
        f"child process, Django included) per step, median of {args.repeat} run(s); goal: "
        f"100,000 rows within {GOAL_MB:.0f} MB"
    )
    lines.append(
        f"machine: {os.cpu_count()} cores, load average {load_before[0]:.2f} {load_before[1]:.2f}"
        f" {load_before[2]:.2f} at the start, {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the "
        f"end (the machine is shared), Python {platform.python_version()}, openpyxl "
        f"{openpyxl.__version__}, " + ", ".join(servers)
    )
    lines.append(f"reproduce: .venv/bin/python bench/import.py {given}".rstrip())
    lines.append("files (var/bench/import/, seeded, made once and reused):")
    for (kind, rows), made in sorted(files.items(), key=lambda i: (i[0][1], i[0][0])):
        how = f"made in {made['seconds']:.1f} s" if made["seconds"] is not None else "reused"
        lines.append(f"  {kind:4} {rows:>7,} rows  {made['bytes'] / 2**20:7.1f} MiB  {how}")
    for backend, setup in setups.items():
        lines.append(f"{backend}: fresh database, migrated in {setup['migrate_seconds']:.0f} s")
    lines.append("")
    lines.append(
        f"  {'backend':10} {'kind':4} {'rows':>7} {'step':34} {'seconds':>11} {'rate':>14}  memory"
    )
    for (backend, kind, rows, step), results in measured.items():
        median = dict(results[len(results) // 2])
        median["seconds"] = statistics.median(r["seconds"] for r in results)
        median["peak_mb"] = statistics.median(r["peak_mb"] for r in results)
        lines.append(_line(backend, kind, rows, step, median))
        growth = _growth(median["samples"])
        if growth:
            lines.append(f"      resident memory during the step: {growth}")
        for problem in median["problem_lines"]:
            lines.append(f"      problem: {problem}")
    lines.append("")
    if args.profile:
        lines.append("  (under cProfile, which slows the Python side about twofold)")
    else:
        lines.append("commands, one line of the table each group:")
    for backend in setups if not args.profile else []:
        for kind in args.formats.split(","):
            for rows in args.rows.split(","):
                lines.append(
                    f"  .venv/bin/python bench/import.py --rows {rows} --formats {kind}"
                    f" --backends {backend}"
                    + (f" --steps {args.steps}" if args.steps != DEFAULT_STEPS else "")
                )
    for (backend, kind, rows), text in profiles.items():
        lines.append(f"\ncProfile of import_run, {backend} {kind} {rows:,} rows:")
        lines.append("  " + text.replace("\n", "\n  "))
    for name in failed:
        lines.append(f"\n{name}: the run failed (see the output above)")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
