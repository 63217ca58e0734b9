"""Background jobs of the accounts app (django-tasks; the worker runs them).

A task's arguments and its result stay in the queue's table (django-tasks-db's ``DBTaskResult``)
until deleted, readable by anyone who can read the database: they never hold a secret. A job that
needs one (the set-password link) gets an id and builds the secret when it runs, and a finished
job's row is deleted at once (``forget_finished_task``); failed rows, which hold only ids and a
traceback, are pruned by ``manage.py prune_db_task_results``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import TaskResult, TaskResultStatus, task

from .models import User


@task()
def send_email(*, subject: str, body: str, to: list[str]) -> int:
    """Send a plain e-mail. Callers put no identifying data of persons and no secret in it."""
    return send_mail(subject, body, None, to)


def set_password_link(user: User) -> str:
    """The one-time link for ``user`` to set a password; made when sent, never stored."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.OPENNRM_BASE_URL + reverse("accounts:password_reset_confirm", args=[uid, token])


@task()
def send_set_password_email(*, user_id: str) -> int:
    """E-mail a new user the link to set their password, built now from the user's id.

    Nothing is sent to a user who is gone, deactivated or who has set a password meanwhile.
    """
    user = User.objects.filter(uuid=user_id, is_active=True).first()
    if user is None or user.has_usable_password():
        return 0
    return send_mail(
        "OpenNRM: set your password",
        "An account was opened for you in OpenNRM.\n"
        f"Set your password here (the link works once): {set_password_link(user)}\n"
        "You will then enrol an authenticator app for two-factor sign-in.",
        None,
        [user.email],
    )


def forget_finished_task(sender: Any, task_result: TaskResult[Any], **kwargs: Any) -> None:
    """Delete a successful job's row from the database queue: its arguments and return value
    have done their work, and a row kept is a row someone can read later."""
    if task_result.status != TaskResultStatus.SUCCESSFUL:
        return
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if isinstance(task_result.task.get_backend(), DatabaseBackend):
        DBTaskResult.objects.filter(id=task_result.id).delete()
