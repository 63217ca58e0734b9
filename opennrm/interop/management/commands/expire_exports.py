"""Mark approved HTCDS exports past their time expired and forget their passwords (decision 0029),
and delete the rows left out of imports finished more than 72 hours ago.

Safe to run as often as wanted (cron, daily): a download is refused after its time whether or not
this has run; this forgets the password and records the expiry in the audit.
"""

from typing import Any

from django.core.management.base import BaseCommand

from opennrm.interop.exports import exports_expire
from opennrm.interop.jobs import imports_forget_rejected


class Command(BaseCommand):
    help = "Expire HTCDS exports past their time; delete the left-out rows of old imports."

    def handle(self, *args: Any, **options: Any) -> None:
        count = exports_expire()
        self.stdout.write(f"{count} export request(s) expired.")
        forgotten = imports_forget_rejected()
        self.stdout.write(f"{forgotten} file(s) of rows left out of an import deleted.")
