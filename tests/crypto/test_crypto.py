"""Field encryption (AES-GCM with a key ring), key rotation and the keyed blind index."""

from __future__ import annotations

import base64
import os

import pytest
from django.core.management import call_command
from django.db import connection

from opennrm.accounts.models import User
from opennrm.crypto.keyring import DecryptionError, KeyRing, blind_index, keyring


def _key(key_id: str) -> str:
    return f"{key_id}:{base64.b64encode(os.urandom(32)).decode()}"


def _raw_full_name(user: User) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT full_name FROM accounts_user WHERE id = %s", [user.pk])
        return cursor.fetchone()[0]


def test_round_trip_in_any_script():
    ring = KeyRing.parse(_key("k1"))
    for text in ["Diana", "Диана Каримова", "Oʻgʻiloy Toʻxtayeva", "Гүлнар Әбенова", ""]:
        token = ring.encrypt(text, context="t.c")
        assert text == ring.decrypt(token, context="t.c")
        if text:
            assert text not in token


def test_same_value_encrypts_differently_each_time():
    ring = KeyRing.parse(_key("k1"))
    assert ring.encrypt("Diana", context="t.c") != ring.encrypt("Diana", context="t.c")


def test_tampered_ciphertext_or_wrong_column_is_refused_without_showing_the_value():
    ring = KeyRing.parse(_key("k1"))
    token = ring.encrypt("Diana", context="people.given_name")
    flipped = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
    with pytest.raises(DecryptionError) as excinfo:
        ring.decrypt(flipped, context="people.given_name")
    assert "Diana" not in str(excinfo.value)
    with pytest.raises(DecryptionError):
        ring.decrypt(token, context="people.family_name")
    with pytest.raises(DecryptionError, match="no key"):
        KeyRing.parse(_key("k2")).decrypt(token, context="people.given_name")


def test_bad_key_specifications_are_refused():
    with pytest.raises(ValueError):
        KeyRing.parse("")
    with pytest.raises(ValueError):
        KeyRing.parse("short:" + base64.b64encode(b"x" * 16).decode())


@pytest.mark.django_db
def test_model_field_stores_only_ciphertext():
    user = User.objects.create_user("staff@example.org", "pw-long-enough-1", full_name="Диана К.")
    raw = _raw_full_name(user)
    assert raw.startswith("v1:") and "Диана" not in raw
    assert User.objects.get(pk=user.pk).full_name == "Диана К."


@pytest.mark.django_db
def test_rotation_re_encrypts_and_old_ciphertext_reads_during_rotation(settings):
    old, new = _key("old"), _key("new")
    settings.OPENNRM_FIELD_KEYS = old
    users = [
        User.objects.create_user(f"u{i}@example.org", "pw-long-enough-1", full_name=f"Name {i}")
        for i in range(7)
    ]
    assert all(_raw_full_name(u).startswith("v1:old:") for u in users)

    # The new key goes first; the old one stays until rotation has run.
    settings.OPENNRM_FIELD_KEYS = f"{new},{old}"
    assert keyring().primary_id == "new"
    assert [User.objects.get(pk=u.pk).full_name for u in users] == [f"Name {i}" for i in range(7)]
    fresh = User.objects.create_user("u9@example.org", "pw-long-enough-1", full_name="Fresh")
    assert _raw_full_name(fresh).startswith("v1:new:")

    from opennrm.crypto.rotation import rotate_keys

    counts = rotate_keys(batch_size=3)  # several batches
    assert counts["accounts_user.full_name"] == 7
    assert all(_raw_full_name(u).startswith("v1:new:") for u in users)

    # The old key can now be removed.
    settings.OPENNRM_FIELD_KEYS = new
    assert User.objects.get(pk=users[3].pk).full_name == "Name 3"
    call_command("rotate_keys")  # nothing left to do, and it says so
    assert rotate_keys()["accounts_user.full_name"] == 0


def test_blind_index_is_keyed_normalized_and_separated_by_purpose(settings):
    a = blind_index("Диана  Каримова", purpose="name")
    assert a == blind_index("  диана каримова ", purpose="name")
    assert a != blind_index("Диана Каримова", purpose="phone")
    assert a != blind_index("Diana Karimova", purpose="name")
    assert len(a) == 64 and "Диана" not in a
    settings.OPENNRM_BLIND_INDEX_KEY = base64.b64encode(os.urandom(32)).decode()
    assert a != blind_index("Диана Каримова", purpose="name")
