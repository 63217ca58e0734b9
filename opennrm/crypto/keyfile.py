"""Writes a local key file for a development install, once; runs before Django starts."""

import base64
import os
import secrets
import sys
from pathlib import Path


def local_env_file() -> Path:
    """Where a development install keeps its secrets: ``OPENNRM_ENV_FILE``, else var/opennrm.env."""
    var = os.environ.get("OPENNRM_VAR_DIR") or str(Path(__file__).resolve().parents[2] / "var")
    return Path(os.environ.get("OPENNRM_ENV_FILE") or Path(var) / "opennrm.env")


def _new_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def _audit_keys_line() -> str:
    return f"OPENNRM_AUDIT_KEYS=audit-local1:{_new_key()}"


def main(path: str) -> None:
    """Write the key file once; give a file from an older version the keys it lacks."""
    target = Path(path)
    if target.exists():
        text = target.read_text()
        if not any(line.startswith("OPENNRM_AUDIT_KEYS=") for line in text.splitlines()):
            separator = "\n" if text and not text.endswith("\n") else ""
            with target.open("a") as handle:
                handle.write(separator + _audit_keys_line() + "\n")
            print(f"added OPENNRM_AUDIT_KEYS to {target}", file=sys.stderr)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        "# Local OpenNRM secrets, made by `make run`. Never commit; production keys come from",
        "# the environment (see README).",
        f"DJANGO_SECRET_KEY={secrets.token_urlsafe(50)}",
        f"OPENNRM_FIELD_KEYS=local1:{_new_key()}",
        f"OPENNRM_BLIND_INDEX_KEY={_new_key()}",
        _audit_keys_line(),
    ]
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write("\n".join(lines) + "\n")
    print(f"created {target}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1])
