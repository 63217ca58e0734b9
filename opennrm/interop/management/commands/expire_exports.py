"""Mark approved HTCDS exports past their time expired and forget their passwords (decision 0029).

Safe to run as often as wanted (cron, daily): a download is refused after its time whether or not
this has run; this forgets the password and records the expiry in the audit.
"""

from typing import Any

from django.core.management.base import BaseCommand

from opennrm.interop.exports import exports_expire


class Command(BaseCommand):
    help = "Expire approved HTCDS exports past their time and forget their passwords."

    def handle(self, *args: Any, **options: Any) -> None:
        count = exports_expire()
        self.stdout.write(f"{count} export request(s) expired.")
