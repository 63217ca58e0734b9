"""Announce reintegration follow-ups that fall due: run it daily (cron, or the task worker).

Each follow-up is announced once, to the return workers of its organization; running the command
again the same day announces nothing new.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from opennrm.returns.services import follow_ups_notify_due


class Command(BaseCommand):
    help = "Send 'follow-up due' notifications for follow-ups due within 14 days or overdue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=None,
            help="YYYY-MM-DD (default: each organization's own today)",
        )

    def handle(self, *args: Any, today: date | None = None, **options: Any) -> None:
        count = follow_ups_notify_due(today=today)
        self.stdout.write(f"{count} follow-up(s) announced.")
