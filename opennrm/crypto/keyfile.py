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


def main(path: str) -> None:
    target = Path(path)
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    key = base64.b64encode(os.urandom(32)).decode()
    index_key = base64.b64encode(os.urandom(32)).decode()
    lines = [
        "# Local OpenNRM secrets, made by `make run`. Never commit; production keys come from",
        "# the environment (see README).",
        f"DJANGO_SECRET_KEY={secrets.token_urlsafe(50)}",
        f"OPENNRM_FIELD_KEYS=local1:{key}",
        f"OPENNRM_BLIND_INDEX_KEY={index_key}",
    ]
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write("\n".join(lines) + "\n")
    print(f"created {target}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1])
