"""Bytes of the public portal's pages (issue 13: aim 50 KB, 100 KB at most), the sign-in and
home pages, the hotline's contact form and a question of the self-answer screening (read on a
phone, often on a slow connection), the home worklist with work waiting and the case page: HTML
plus each stylesheet and script, raw and gzipped, and the database queries of the page.

Run from the repository root: .venv/bin/python bench/page_weight.py
"""

from __future__ import annotations

import gzip
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "opennrm.settings.test"

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_test_environment,
    teardown_test_environment,
)

from tests.cases.factories import open_diana  # noqa: E402
from tests.conftest import build_world, sign_in  # noqa: E402
from tests.screening.test_page_permissions import draft  # noqa: E402
from tests.support.portal import portal_pages  # noqa: E402
from tests.test_page_weight import BUDGET, page_weight  # noqa: E402
from tests.worklist.factories import make_work  # noqa: E402


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def queries_of(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    return len(captured.captured_queries)


def report(title: str, client: Client, path: str) -> None:
    html, assets = page_weight(client, path)
    rows = [(f"{path} (HTML)", html)] + [(url, body or b"") for url, body in assets.items()]
    raw, packed = sum(len(b) for _, b in rows), sum(gz(b) for _, b in rows)
    width = max(len(name) for name, _ in rows) + 2
    print(f"\n{title}: {path}")
    print(f"  {'resource':<{width}}{'raw B':>10}{'gzip B':>10}")
    for name, body in rows:
        print(f"  {name:<{width}}{len(body):>10}{gz(body):>10}{'  MISSING' if not body else ''}")
    print(f"  {'total':<{width}}{raw:>10}{packed:>10}  ({raw / BUDGET:.0%} of the 100 KB budget)")
    print(f"  database queries of the page: {queries_of(client, path)}")


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, serialize=False)
    try:
        world = build_world()
        member = world.a["case_worker"]
        report("sign-in page", Client(), "/accounts/login/")
        worker = sign_in(Client(), member.user, member)
        report("home page, case worker", worker, "/")
        operator = world.b["hotline_operator"]
        hotline = sign_in(Client(), operator.user, operator)
        report("log a contact, operator", hotline, "/hotline/new/")
        screening = draft(world, open_diana(member))
        report("self-answer question", worker, f"/screenings/{screening.uuid}/self/question/")
        work = make_work(world, 20)  # 20 items of each kind waiting in A (and referrals to B)
        boss = world.a["supervisor"]
        supervisor = sign_in(Client(), boss.user, boss)
        report("worklist, supervisor, 20 items of each kind", supervisor, "/")
        report("worklist, case worker, 20 items of each kind", worker, "/")
        case = work.overdue_cases[0]
        report("case page (person tab), case worker", worker, f"/cases/{case.uuid}/")
        report("case page (identification tab)", worker, f"/cases/{case.uuid}/identification/")
        report("case list, 50 rows with names, case worker", worker, "/cases/")
        # The public portal: a first visit on a cheap phone; aim 50 KB, 100 KB fails the test.
        for path in portal_pages():
            report("portal (public, no sign-in)", Client(), path)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    print("\nreproduce: .venv/bin/python bench/page_weight.py")


if __name__ == "__main__":
    main()
