"""manage.py on a server stops before development settings load: a clear message, no traceback,
no keys written; a developer's own PostgreSQL with the explicit override; CI's test settings on
PostgreSQL unaffected."""

from __future__ import annotations

from tests.test_settings import POSTGRES, _env, _run


def test_manage_py_stops_with_a_message_and_no_traceback(tmp_path):
    done = _run(_env(tmp_path, DATABASE_URL=POSTGRES), "manage.py", "check")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "refuse a PostgreSQL database" in done.stderr
    assert "OPENNRM_DEVELOPMENT_ON_POSTGRESQL=1" in done.stderr
    assert "db.example.org" not in done.stderr
    assert not (tmp_path / "opennrm.env").exists(), "no development keys written"


def test_the_explicit_override_lets_development_settings_use_postgresql(tmp_path):
    env = _env(tmp_path, DATABASE_URL=POSTGRES, OPENNRM_DEVELOPMENT_ON_POSTGRESQL="1")
    done = _run(env, "manage.py", "check")
    assert done.returncode == 0, done.stderr
    assert "DJANGO_SECRET_KEY=" in (tmp_path / "opennrm.env").read_text()


def test_test_settings_on_postgresql_run_as_in_ci(tmp_path):
    env = _env(tmp_path, DATABASE_URL=POSTGRES, DJANGO_SETTINGS_MODULE="opennrm.settings.test")
    done = _run(env, "manage.py", "check")
    assert done.returncode == 0, done.stderr
