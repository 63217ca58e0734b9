"""Wording the translation review found wrong, as the pages show it in Russian: a person's name
is «ФИО» (not the «Название» of a thing), a button says what it does (a verb), and a directory
listing is taken off the directory, not «Отозвать» like a consent."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client

from opennrm.cases.models import Case
from tests.cases.factories import open_diana
from tests.conftest import World, sign_in
from tests.directory.factories import entry, hotline

pytestmark = pytest.mark.django_db


def in_russian(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    return client


@pytest.fixture
def diana(world: World) -> Case:
    return open_diana(world.a["case_worker"])


@pytest.fixture
def worker(world: World) -> Client:
    return in_russian(sign_in(Client(), world.a["case_worker"].user, world.a["case_worker"]))


def test_a_persons_name_is_a_name_not_a_title(diana: Case, worker: Client) -> None:
    tab = worker.get(f"/cases/{diana.uuid}/person/").content.decode()
    assert "<dt>ФИО</dt>" in tab
    # Nor does the form that edits the person group the name fields under «Название».
    assert "Название" not in tab


def test_the_screening_starts_with_a_verb(diana: Case, worker: Client) -> None:
    page = worker.get(f"/cases/{diana.uuid}/screenings/new/").content.decode()
    button = re.search(r'<button type="submit" class="primary">([^<]*)</button>', page)
    assert button and button.group(1) == "Начать скрининг"
    assert ">Начало<" not in page


def test_a_listing_is_taken_off_the_directory(world: World) -> None:
    manager = world.b["supervisor"]
    entry(manager, countries=["UZ"], contact_phone="+998 71 200 00 00")
    hotline(manager, country="UZ", number="+998 71 200 00 00")
    client = in_russian(sign_in(Client(), manager.user, manager))
    page = client.get(f"/directory/organizations/{world.org_b.uuid}/").content.decode()
    assert page.count("Убрать из справочника") >= 1
    assert "Отозвать" not in page
    search = client.get("/directory/").content.decode()
    assert "Отозвать" not in search
