"""No set-password link, token or uid/token pair stays in any table once the e-mail has gone."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection

from opennrm.accounts import services, sessions
from opennrm.accounts.models import Membership
from opennrm.accounts.tasks import send_set_password_email

LINK = re.compile(r"https?://\S+/accounts/password-reset/(?P<uid>[^/\s]+)/(?P<token>[^/\s]+)/")


def _texts_of_every_table() -> dict[str, str]:
    """Every table's rows as one text: every column, text or bytes, as the database holds it."""
    found: dict[str, str] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            parts = []
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        value = bytes(value).decode("utf-8", "replace")
                    parts.append(str(value))
            found[table] = "\n".join(parts)
    return found


def _newcomer(world, email: str, *, actor=None) -> Membership:
    """A data analyst added to organization A, by the platform admin unless ``actor`` is given:
    the set-password e-mail is queued or sent."""
    return services.membership_create(
        actor=actor or world.platform,
        organization=world.org_a,
        email=email,
        full_name="Newcomer",
        role="data_analyst",
    )


@pytest.mark.django_db(transaction=True)
def test_no_table_holds_the_set_password_link_after_the_email_is_sent(world, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django_tasks_db.models import DBTaskResult

    _newcomer(world, "newcomer@example.org", actor=world.actor(world.a["organization_admin"]))
    # Queued: the row names the user, never a link.
    queued = DBTaskResult.objects.get()
    assert queued.args_kwargs["kwargs"] == {"user_id": str(queued.args_kwargs["kwargs"]["user_id"])}
    assert "password-reset" not in str(queued.args_kwargs)
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    assert [m.to for m in mail.outbox] == [["newcomer@example.org"]]
    match = LINK.search(mail.outbox[0].body)
    assert match, mail.outbox[0].body
    secrets = {
        "link": match.group(0),
        "token": match.group("token"),
        "uid/token": f"{match.group('uid')}/{match.group('token')}",
    }
    for table, text in _texts_of_every_table().items():
        for what, secret in secrets.items():
            assert secret not in text, f"the {what} is in table {table}"
    # The finished job left no row behind.
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_failed_job_keeps_only_the_users_id(world, settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django_tasks_db.models import DBTaskResult

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("the mail server is down")

    monkeypatch.setattr("opennrm.accounts.tasks.send_mail", refuse)
    membership = _newcomer(world, "newcomer@example.org")
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    failed = DBTaskResult.objects.get()
    assert failed.status == "FAILED"
    assert failed.args_kwargs == {"args": [], "kwargs": {"user_id": str(membership.user.uuid)}}
    assert "password-reset" not in failed.traceback


def test_the_link_is_built_when_sending_and_not_for_a_user_who_set_a_password(world):
    membership = _newcomer(world, "late@example.org")
    mail.outbox.clear()
    send_set_password_email.call(user_id=str(membership.user.uuid))
    assert LINK.search(mail.outbox[0].body)
    sessions.password_set(user=membership.user, password="a-long-new-password-7", reset=True)
    mail.outbox.clear()
    assert send_set_password_email.call(user_id=str(membership.user.uuid)) == 0
    assert mail.outbox == []


def test_opening_the_link_keeps_the_token_out_of_the_session_table(world):
    from django.test import Client

    membership = _newcomer(world, "opener@example.org")
    mail.outbox.clear()
    send_set_password_email.call(user_id=str(membership.user.uuid))
    match = LINK.search(mail.outbox[0].body)
    client = Client()
    path = "/" + match.group(0).split("/", 3)[3]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    assert "set-password" in form_page.redirect_chain[-1][0]
    for table, text in _texts_of_every_table().items():
        assert match.group("token") not in text, f"the token is in table {table}"
    # Session data is signed and compressed, not encrypted: read it as anyone with the table could.
    from django.contrib.sessions.models import Session

    for session in Session.objects.all():
        assert match.group("token") not in repr(session.get_decoded())
    # The form still works: the password is set and the link is spent.
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-long-new-password-7", "new_password2": "a-long-new-password-7"},
    )
    assert done.status_code == 302
    membership.user.refresh_from_db()
    assert membership.user.check_password("a-long-new-password-7")
