"""``manage.py load_demo``: the demo scenario (demo mode only), then the demo logins."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from opennrm.accounts.demo import DEMO_PASSWORD, ORGANIZATIONS, PLATFORM_ADMIN, USERS
from opennrm.demo.scenario import demo_load, demo_loaded


class Command(BaseCommand):
    help = "Load the demo scenario's organizations and one demo user per role (demo mode only)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("load_demo needs OPENNRM_DEMO_MODE=1; demo users skip two-factor.")
        if demo_loaded():
            self.stdout.write("Demo scenario already loaded.")
        else:
            for figure, count in demo_load().items():
                self.stdout.write(f"  {count:4} {figure}")
        self._print_logins()

    def _print_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        self.stdout.write(f"  {PLATFORM_ADMIN:32} platform admin (organizations only)")
        names = {key: name for key, name, *_rest in ORGANIZATIONS}
        for email, _name, roles in USERS:
            described = ", ".join(f"{role.label} at {names[key]}" for key, role in roles)
            self.stdout.write(f"  {email:32} {described}")
        self.stdout.write("")
