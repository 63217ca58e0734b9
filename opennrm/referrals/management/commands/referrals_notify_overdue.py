"""Notify both sides of every referral still unanswered after its deadline, once each.

Safe to run as often as wanted (cron, or the worker through
``opennrm.referrals.tasks.notify_overdue_referrals``): a referral already notified is skipped.
"""

from django.core.management.base import BaseCommand

from opennrm.referrals.services import referral_overdue_notify


class Command(BaseCommand):
    help = "Send 'referral.overdue' notifications, once per referral past its deadline."

    def handle(self, *args, **options):
        count = referral_overdue_notify()
        self.stdout.write(f"{count} overdue referral(s) notified.")
