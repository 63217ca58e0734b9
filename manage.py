#!/usr/bin/env python
import os
import sys
from urllib.parse import urlsplit

DEVELOPMENT_SETTINGS = "opennrm.settings.local"
POSTGRESQL_SCHEMES = {"postgres", "postgresql", "pgsql", "psql", "postgis"}
# A developer's own PostgreSQL may be used with development settings when this is set to 1.
OVERRIDE = "OPENNRM_DEVELOPMENT_ON_POSTGRESQL"
REFUSED = (
    f"manage.py stopped: development settings ({DEVELOPMENT_SETTINGS}) refuse a PostgreSQL "
    "database.\nDATABASE_URL names one, and these settings write development keys when they are "
    "missing and let demo users in.\nOn a server set "
    "DJANGO_SETTINGS_MODULE=opennrm.settings.production (see docs/deploy.md).\n"
    f"For a developer's own PostgreSQL set {OVERRIDE}=1.\n"
)


def refuse_development_settings_on_a_server() -> None:
    """Before any settings load (and write keys): a server's shell has DATABASE_URL but, often,
    no DJANGO_SETTINGS_MODULE."""
    module = os.environ.get("DJANGO_SETTINGS_MODULE", DEVELOPMENT_SETTINGS)
    scheme = urlsplit(os.environ.get("DATABASE_URL", "")).scheme.lower()
    if (
        module == DEVELOPMENT_SETTINGS
        and scheme in POSTGRESQL_SCHEMES
        and os.environ.get(OVERRIDE) != "1"
    ):
        sys.stderr.write(REFUSED)
        sys.exit(2)


if __name__ == "__main__":
    refuse_development_settings_on_a_server()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEVELOPMENT_SETTINGS)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
