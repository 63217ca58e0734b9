"""A signal's phone and notes are unreadable in the database: in the columns and in the file.

The columns are read with plain SQL, past the ORM's decryption (any database). For SQLite, a
signal is also logged into a real database file by a separate process, as an operator would, and
the file's bytes are searched for the phone in every form and for the notes.
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
from django.db import connection

from opennrm.hotline.models import Signal
from tests.hotline.factories import record

ROOT = Path(__file__).resolve().parent.parent.parent
PHONE = "+7 701 555 01 42"
NOTES = "Мадина Юсупова звонит из сауны в Алматы"
SECRETS = ["7015550142", "701 555 01 42", "Мадина", "Юсупова", "сауны"]


def test_the_columns_hold_only_ciphertext(world):
    signal = record(world.a["hotline_operator"], phone=PHONE, notes=NOTES)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT phone, notes, phone_token FROM {Signal._meta.db_table} WHERE id = %s",
            [signal.pk],
        )
        phone, notes, token = cursor.fetchone()
    for value in (phone, notes):
        assert value.startswith("v1:")
        for secret in SECRETS:
            assert secret not in value
    assert len(token) == 64 and "7015550142" not in token
    assert Signal.objects.get().phone == "+77015550142"  # and the application reads it back


SCRIPT = f"""
import django
django.setup()
from tests.conftest import build_world
from tests.hotline.factories import record
world = build_world()
record(world.a["hotline_operator"], phone={PHONE!r}, notes={NOTES!r}, language="ru")
"""


def _log_a_signal_into(database_url: str) -> None:
    """Migrate a fresh database and log a signal into it, in processes of their own."""
    env = dict(os.environ)
    env.update(DJANGO_SETTINGS_MODULE="opennrm.settings.test", DATABASE_URL=database_url)
    for command in (
        [sys.executable, "manage.py", "migrate", "--noinput"],
        [sys.executable, "-c", SCRIPT],
    ):
        subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)


def _assert_unreadable(raw: bytes, where: str) -> None:
    assert b"job_offer_check" in raw  # the signal is really in there, its statistics plain
    for secret in SECRETS:
        assert secret.encode() not in raw, f"{secret!r} readable in {where}"


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="the SQLite run checks files"
)
def test_the_sqlite_file_holds_no_phone_or_notes(tmp_path):
    path = tmp_path / "signals.sqlite3"
    _log_a_signal_into(f"sqlite:///{path}")
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith(path.name))
    _assert_unreadable(raw, "the SQLite file")


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="needs PostgreSQL"
)
def test_a_postgresql_dump_holds_no_phone_or_notes():
    if shutil.which("pg_dump") is None:
        pytest.fail("pg_dump is not installed")
    base = urlparse(os.environ["DATABASE_URL"])
    name = f"opennrm_signals_{uuid.uuid4().hex[:8]}"
    admin = base._replace(path="/postgres").geturl()
    target = base._replace(path=f"/{name}").geturl()
    subprocess.run(
        ["psql", admin, "-c", f"CREATE DATABASE {name}"], check=True, capture_output=True
    )
    try:
        _log_a_signal_into(target)
        dump = subprocess.run(["pg_dump", target], check=True, capture_output=True).stdout
        _assert_unreadable(dump, "pg_dump")
    finally:
        subprocess.run(["psql", admin, "-c", f"DROP DATABASE {name}"], capture_output=True)
