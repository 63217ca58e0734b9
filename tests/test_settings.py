"""Which settings a process may run with: development settings refuse a server's database, and
only development and test settings install the apps that write invented people."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = "postgres://opennrm@db.example.org:5432/opennrm"


def _env(tmp_path: Path, **values: str) -> dict[str, str]:
    """The environment of a fresh shell on a server: no settings module, no keys."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "OPENNRM_", "DATABASE_URL"))
    }
    env |= {"OPENNRM_VAR_DIR": str(tmp_path), "OPENNRM_ENV_FILE": str(tmp_path / "opennrm.env")}
    return env | values


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("url", [POSTGRES, "postgresql://u@h/db", "pgsql://u@h/db"])
def test_manage_py_on_a_postgresql_server_refuses_development_settings(tmp_path, url):
    done = _run(_env(tmp_path, DATABASE_URL=url), "manage.py", "check")
    assert done.returncode != 0
    assert "refuse a PostgreSQL database" in done.stderr
    assert "opennrm.settings.production" in done.stderr
    assert "opennrm@db.example.org" not in done.stderr  # the address is not echoed
    assert not (tmp_path / "opennrm.env").exists(), "no development keys written"


def test_a_database_url_in_the_local_key_file_is_refused_too(tmp_path):
    env = _env(tmp_path)
    (tmp_path / "opennrm.env").write_text(
        "DJANGO_SECRET_KEY=x\nOPENNRM_FIELD_KEYS=k:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
        f"OPENNRM_BLIND_INDEX_KEY=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\nDATABASE_URL={POSTGRES}\n"
    )
    done = _run(env, "manage.py", "check")
    assert done.returncode != 0 and "refuse a PostgreSQL database" in done.stderr


def test_manage_py_with_sqlite_writes_development_keys_and_runs(tmp_path):
    done = _run(_env(tmp_path), "manage.py", "check")
    assert done.returncode == 0, done.stderr
    assert "DJANGO_SECRET_KEY=" in (tmp_path / "opennrm.env").read_text()


SHOW_APPS = "from django.conf import settings; print(' '.join(settings.INSTALLED_APPS))"


@pytest.mark.parametrize(
    ("module", "installed"),
    [
        ("opennrm.settings.production", False),
        ("opennrm.settings.test", True),  # CI runs it on PostgreSQL: not refused
        ("opennrm.settings.local", True),
    ],
)
def test_only_development_and_test_settings_install_the_invented_people(
    tmp_path, module, installed
):
    env = _env(tmp_path, DJANGO_SETTINGS_MODULE=module)
    if module != "opennrm.settings.local":
        env |= {
            "DATABASE_URL": POSTGRES,
            "DJANGO_SECRET_KEY": "x" * 50,
            "OPENNRM_FIELD_KEYS": "k:" + "A" * 43 + "=",
            "OPENNRM_BLIND_INDEX_KEY": "A" * 43 + "=",
            "OPENNRM_AUDIT_KEYS": "a:" + "A" * 43 + "=",
        }
    done = _run(env, "-c", f"import django; django.setup(); {SHOW_APPS}")
    assert done.returncode == 0, done.stderr
    apps = done.stdout.split()
    assert "opennrm.cases" in apps
    assert ("opennrm.devtools" in apps) is installed
    assert ("opennrm.demo" in apps) is installed
