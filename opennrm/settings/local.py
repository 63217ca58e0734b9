"""Development and demo install: `make run`. SQLite under var/, console e-mail."""

import os

from opennrm.crypto.keyfile import local_env_file
from opennrm.crypto.keyfile import main as write_local_keys

# A fresh checkout gets its development keys on first use (`manage.py` included), never reused
# elsewhere: production settings read the environment only.
if "DJANGO_SECRET_KEY" not in os.environ:
    write_local_keys(str(local_env_file()))

from .base import *  # noqa: E402, F403

DEBUG = env.bool("DJANGO_DEBUG", default=True)  # noqa: F405
