"""A user changes their own password and sees and ends their own sessions."""

from __future__ import annotations

from django.db import connection
from django.test import Client

from opennrm.accounts.models import UserSession
from opennrm.accounts.selectors import session_key_hash
from opennrm.accounts.sessions import device_summary
from opennrm.audit.models import AuditEvent
from tests.conftest import PASSWORD, sign_in

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"


def _record(client: Client) -> UserSession:
    return UserSession.objects.get(key_hash=session_key_hash(client.session.session_key))


def _two_sessions(world):
    member = world.a["case_worker"]
    here = sign_in(Client(), member.user, member)
    there = sign_in(Client(), member.user, member)
    UserSession.objects.filter(pk=_record(here).pk).update(device=device_summary(FIREFOX))
    return member, here, there


def test_the_device_is_summed_up():
    assert device_summary(FIREFOX) == "Firefox / Windows"
    android = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36"
    assert device_summary(android) == "Chrome / Android"
    assert device_summary("curl/8.5") == ""


def test_the_session_list_shows_ones_own_sessions_without_their_keys(world):
    member, here, there = _two_sessions(world)
    other = sign_in(Client(), world.a["supervisor"].user)
    page = here.get("/accounts/sessions/")
    assert page.status_code == 200
    text = page.content.decode()
    assert UserSession.objects.filter(user=member.user).count() == 2
    # The other session can be ended from here, this one is marked.
    assert f"/accounts/sessions/{_record(there).uuid}/end/" in text
    assert f"/accounts/sessions/{_record(here).uuid}/end/" not in text
    assert "This session" in text
    # No session key (a sign-in credential) in the page, nor in the table in plain text.
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_usersession")
        table = repr(cursor.fetchall())
    for client in (here, there, other):
        key = client.session.session_key
        assert key not in text
        assert key not in table
    assert "Firefox / Windows" in text
    assert str(UserSession.objects.get(user=world.a["supervisor"].user).uuid) not in text


def test_ending_another_session_signs_it_out(world):
    member, here, there = _two_sessions(world)
    assert there.get("/").status_code == 200
    theirs = _record(there)
    response = here.post(f"/accounts/sessions/{theirs.uuid}/end/")
    assert response.status_code == 302
    assert there.get("/")["Location"].startswith("/accounts/login/")
    assert here.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="session.end_other", actor=member.user).exists()


def test_one_cannot_end_someone_elses_session(world):
    member, here, _there = _two_sessions(world)
    other = world.a["supervisor"]
    other_client = sign_in(Client(), other.user, other)
    theirs = UserSession.objects.get(user=other.user)
    assert here.post(f"/accounts/sessions/{theirs.uuid}/end/").status_code == 404
    assert other_client.get("/").status_code == 200


def test_end_all_others_keeps_this_one(world):
    member, here, there = _two_sessions(world)
    third = sign_in(Client(), member.user, member)
    assert here.post("/accounts/sessions/end-others/").status_code == 302
    assert here.get("/").status_code == 200
    for client in (there, third):
        assert client.get("/")["Location"].startswith("/accounts/login/")
    assert UserSession.objects.filter(user=member.user).count() == 1
    assert AuditEvent.objects.filter(action="session.end_others").exists()


def test_anonymous_users_are_sent_to_sign_in():
    assert Client().get("/accounts/sessions/")["Location"].startswith("/accounts/login/")
    assert Client().get("/accounts/password/")["Location"].startswith("/accounts/login/")


def test_changing_the_password_needs_the_old_one_and_ends_the_other_sessions(world):
    member, here, there = _two_sessions(world)
    wrong = here.post(
        "/accounts/password/",
        {
            "old_password": "not-the-password",
            "new_password1": "a-brand-new-password-42",
            "new_password2": "a-brand-new-password-42",
        },
    )
    assert wrong.status_code == 200
    member.user.refresh_from_db()
    assert member.user.check_password(PASSWORD)
    # Django's validators apply: too short, too common, all numeric.
    weak = here.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "123", "new_password2": "123"},
    )
    assert weak.status_code == 200
    assert "too short" in weak.content.decode()
    mismatch = here.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-brand-new-password-42",
            "new_password2": "a-brand-new-password-43",
        },
    )
    assert mismatch.status_code == 200
    member.user.refresh_from_db()
    assert member.user.check_password(PASSWORD)

    done = here.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-brand-new-password-42",
            "new_password2": "a-brand-new-password-42",
        },
    )
    assert done.status_code == 302
    member.user.refresh_from_db()
    assert member.user.check_password("a-brand-new-password-42")
    # This session goes on (under a new key, still listed); the other one is signed out.
    assert here.get("/").status_code == 200
    assert there.get("/")["Location"].startswith("/accounts/login/")
    [left] = UserSession.objects.filter(user=member.user)
    assert here.get("/accounts/sessions/").content.decode().count("This session") == 1
    assert left.session_key == here.session.session_key
    event = AuditEvent.objects.get(action="user.password_change", actor=member.user)
    assert event.fields == ["password"]
