"""Development and demo install: `make run`. SQLite under var/, console e-mail.

Refused where ``DATABASE_URL`` names PostgreSQL: that is a server, and development settings would
write keys beside it and let demo users in. A server runs ``opennrm.settings.production``.
"""

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from opennrm.crypto.keyfile import local_env_file
from opennrm.crypto.keyfile import main as write_local_keys

POSTGRESQL_SCHEMES = {"postgres", "postgresql", "pgsql", "psql", "postgis"}
REFUSED = (
    "Development settings (opennrm.settings.local) refuse a PostgreSQL database: on a server set "
    "DJANGO_SETTINGS_MODULE=opennrm.settings.production (see docs/deploy.md)."
)


# manage.py says so first, without a traceback; the same override lets a developer use their own.
ALLOWED = os.environ.get("OPENNRM_DEVELOPMENT_ON_POSTGRESQL") == "1"


def _refuse_postgresql(url: str) -> None:
    if urlsplit(url).scheme.lower() in POSTGRESQL_SCHEMES and not ALLOWED:
        raise ImproperlyConfigured(REFUSED)


# Before anything is written: a server's manage.py must not get development keys.
_refuse_postgresql(os.environ.get("DATABASE_URL", ""))

# A fresh checkout gets its development keys on first use (`manage.py` included), never reused
# elsewhere: production settings read the environment only.
if "DJANGO_SECRET_KEY" not in os.environ:
    write_local_keys(str(local_env_file()))

from .base import *  # noqa: E402, F403

# The key file may name a database too.
_ENGINE = DATABASES["default"]["ENGINE"]  # noqa: F405
if _ENGINE.startswith("django.db.backends.postgresql") and not ALLOWED:
    raise ImproperlyConfigured(REFUSED)

DEBUG = env.bool("DJANGO_DEBUG", default=True)  # noqa: F405
INSTALLED_APPS = [*INSTALLED_APPS, *DEVELOPMENT_APPS]  # noqa: F405
# The demo scenario's hotline hosts the portal (/help/): its tips land in that hotline's queue and
# its admin edits the portal's pages.
OPENNRM_PORTAL_ORGANIZATION = env.str(  # noqa: F405
    "OPENNRM_PORTAL_ORGANIZATION", default="Kazakhstan Trafficking Hotline"
)
