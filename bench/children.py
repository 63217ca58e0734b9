"""What the benches share: their own keys, and a measurement run in a child process.

Each bench measures in child processes (Django is set up once per process, and a child's peak
memory is its own); a child prints its figures as one ``RESULT {json}`` line, which the parent
reads while passing every other line through.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def bench_keys(key_file: Path, name: str) -> dict[str, str]:
    """A bench's own keys, made once in ``key_file`` (never the development or production keys);
    ``name`` names the field and audit keys."""
    key_file.parent.mkdir(parents=True, exist_ok=True)
    if not key_file.exists():
        lines = [
            f"DJANGO_SECRET_KEY={secrets.token_urlsafe(50)}",
            f"OPENNRM_FIELD_KEYS={name}1:" + base64.b64encode(os.urandom(32)).decode(),
            "OPENNRM_BLIND_INDEX_KEY=" + base64.b64encode(os.urandom(32)).decode(),
            f"OPENNRM_AUDIT_KEYS={name}-audit1:" + base64.b64encode(os.urandom(32)).decode(),
        ]
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write("\n".join(lines) + "\n")
    return dict(line.split("=", 1) for line in key_file.read_text().splitlines() if "=" in line)


def django_environment(keys: dict[str, str], database_url: str) -> None:
    """The child's settings: the test settings with the bench's keys and database."""
    os.environ.update(keys)
    os.environ["DJANGO_SETTINGS_MODULE"] = "opennrm.settings.test"
    os.environ["OPENNRM_ENV_FILE"] = "/nonexistent"
    os.environ["DATABASE_URL"] = database_url


def child_result(result: dict[str, Any]) -> None:
    """The child's figures, for the parent."""
    print("RESULT " + json.dumps(result, default=str), flush=True)


def run_child(script: str, arguments: list[str]) -> dict[str, Any] | None:
    """Run ``script`` with ``arguments`` in a child process, its output passed through; its
    figures, or None when it failed or gave none."""
    command = [sys.executable, script, *arguments]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    result = None
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("RESULT "):
            result = json.loads(line[len("RESULT ") :])
        else:
            print(line, end="", flush=True)
    if process.wait() != 0:
        return None
    return result
