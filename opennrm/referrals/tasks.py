"""Background jobs of referrals (django-tasks; the worker runs them)."""

from django_tasks import task

from .services import referral_overdue_notify


@task()
def notify_overdue_referrals() -> int:
    """Tell both sides of each referral newly past its deadline; each referral once."""
    return referral_overdue_notify()
