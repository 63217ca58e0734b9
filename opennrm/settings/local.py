"""Development and demo install: `make run`. SQLite under var/, console e-mail."""

from .base import *  # noqa: F403

DEBUG = env.bool("DJANGO_DEBUG", default=True)  # noqa: F405
