"""Clear the phone, the notes and the person's identifying data of every hotline contact handed on
and closed longer than OPENNRM_HOTLINE_RETENTION_DAYS ago; the counts stay (decision 0019).

Safe to run as often as wanted (cron, daily, or the worker through
``opennrm.hotline.tasks.clear_closed_signals``): a contact already cleared is skipped.
"""

from django.core.management.base import BaseCommand

from opennrm.hotline.services import signals_clear_closed


class Command(BaseCommand):
    help = "Clear the identifying data of hotline contacts closed longer than the retention ago."

    def handle(self, *args, **options):
        count = signals_clear_closed()
        self.stdout.write(f"{count} closed contact(s) cleared.")
