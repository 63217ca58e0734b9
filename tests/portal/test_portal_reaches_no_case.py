"""The public portal reaches no case or person.

Two holds: the import rule (the portal's modules import, of the domain apps, only the hotline's
and the directory's models, services and selectors; pyproject's import-linter contract "portal"
says the same to CI), and what its pages do at run time (no query of any of its pages reads a
table of cases, persons, referrals, returns, screenings, linkage or statistics)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.support.portal import portal_pages

PORTAL = Path(__file__).resolve().parents[2] / "opennrm" / "portal"
# Of the OpenNRM modules, what the portal may import.
ALLOWED = re.compile(
    r"^opennrm\.(portal|accounts|audit|crypto|errors|validation|web|locales|events)(\.|$)"
    r"|^opennrm\.(hotline|directory)\.(models|services|selectors|choices)$"
)
FORBIDDEN_TABLES = re.compile(
    r'"(cases|people|referrals|returns|screening|linkage|matching|stats|notifications)_\w+"'
)


def imports_of(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return {name for name in found if name.startswith("opennrm")}


def test_the_portal_imports_no_case_or_person_module() -> None:
    modules = sorted(PORTAL.rglob("*.py"))
    assert len(modules) > 5
    wrong = {
        f"{path.relative_to(PORTAL)}: {name}"
        for path in modules
        for name in imports_of(path)
        if not ALLOWED.match(name)
    }
    assert not wrong, sorted(wrong)


@pytest.mark.django_db
def test_no_portal_page_queries_a_case_or_person_table(world, settings) -> None:
    settings.OPENNRM_PORTAL_ORGANIZATION = str(world.org_b.uuid)
    pages = portal_pages()
    client = Client()
    for path in pages:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path, {"q": "Almaty"}).status_code == 200, path
        touched = {m for q in captured.captured_queries for m in FORBIDDEN_TABLES.findall(q["sql"])}
        assert not touched, f"{path} queried {touched}"
