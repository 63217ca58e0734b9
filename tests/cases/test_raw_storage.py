"""Identifying values are unreadable in the database file (SQLite) and in a dump (PostgreSQL).

The demo scenario is loaded into a real database by `manage.py`, as an operator would, and the raw
storage is searched for Diana's names and her passport number.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
SECRETS = ["Диана", "Рахимова", "Diana Rakhimova", "CA7731904", "7015550142"]
# Perpetrators, the contact warning and the account of the scenario (decision 0017).
SECRETS += ["Chilanzar bazaar", "7771234567", "Daewoo Nexia", "the phone is checked"]
SECRETS += ["Lola knows the address", "stay in Kazakhstan, get a new passport"]


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True
    )


def _env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="opennrm.settings.test",
        DATABASE_URL=database_url,
        OPENNRM_DEMO_MODE="1",
    )
    return env


def _load_demo(database_url: str) -> None:
    env = _env(database_url)
    _manage(env, "migrate", "--noinput")
    # Demo mode is on for this process only (test settings turn it off): load through a shell.
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; django.setup(); from django.conf import settings; "
            "settings.DEMO_MODE = True; from django.core.management import call_command; "
            "call_command('load_demo')",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )


def _assert_absent(raw: bytes, where: str) -> None:
    for secret in SECRETS:
        assert secret.encode() not in raw, f"{secret!r} readable in {where}"


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="the SQLite run checks files"
)
def test_sqlite_file_holds_no_identifying_value(tmp_path):
    path = tmp_path / "raw.sqlite3"
    _load_demo(f"sqlite:///{path}")
    files = [p for p in tmp_path.iterdir() if p.name.startswith("raw.sqlite3")]
    assert path.stat().st_size > 100_000  # the scenario is really in there
    raw = b"".join(p.read_bytes() for p in files)
    assert b"IOM T\xc3\xbcrkiye" in raw  # plain organization data is readable, as it should be
    _assert_absent(raw, "the SQLite file")


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="needs PostgreSQL"
)
def test_postgresql_dump_holds_no_identifying_value():
    if shutil.which("pg_dump") is None:
        pytest.fail("pg_dump is not installed")
    base = urlparse(os.environ["DATABASE_URL"])
    name = f"opennrm_raw_{uuid.uuid4().hex[:8]}"
    admin = base._replace(path="/postgres").geturl()
    target = base._replace(path=f"/{name}").geturl()
    subprocess.run(
        ["psql", admin, "-c", f"CREATE DATABASE {name}"], check=True, capture_output=True
    )
    try:
        _load_demo(target)
        dump = subprocess.run(["pg_dump", target], check=True, capture_output=True).stdout
        assert b"IOM T\xc3\xbcrkiye" in dump
        _assert_absent(dump, "pg_dump")
    finally:
        subprocess.run(["psql", admin, "-c", f"DROP DATABASE {name}"], capture_output=True)
