"""Background jobs of the accounts app (django-tasks; the worker runs them)."""

from django.core.mail import send_mail
from django_tasks import task


@task()
def send_email(*, subject: str, body: str, to: list[str]) -> int:
    """Send a plain e-mail. Callers put no identifying data of persons in it."""
    return send_mail(subject, body, None, to)
