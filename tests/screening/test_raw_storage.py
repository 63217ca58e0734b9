"""A screening's answers and result are unreadable in the database; the audit log holds neither."""

from __future__ import annotations

import pytest
from django.db import connection

from opennrm.screening import services
from opennrm.screening.models import Screening
from tests.cases.factories import open_diana
from tests.conftest import World
from tests.screening.helpers import ADULT_SEXUAL, diana_answers


@pytest.mark.django_db
def test_answers_and_result_are_ciphertext_in_the_table(world: World) -> None:
    worker = world.actor(world.a["case_worker"])
    case = open_diana(world.a["case_worker"])
    screening = services.screening_start(
        actor=worker, case=case, questionnaire_code=ADULT_SEXUAL, language="ru", mode="worker_led"
    )
    services.screening_answer(actor=worker, screening=screening, answers=diana_answers())
    services.screening_complete(actor=worker, screening=screening)

    table = Screening._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT answers, result FROM {table}")  # noqa: S608
        answers, result = cursor.fetchone()
        cursor.execute("SELECT * FROM audit_auditevent")
        audit = repr(cursor.fetchall())
    for raw in (answers, result):
        # JSON always has braces and quotes; the ciphertext (base64) never does.
        assert raw and "{" not in raw and '"' not in raw
        for readable in ("d1_job_nature", "d5_documents", "possible_victim"):
            assert readable not in raw, f"{readable!r} readable in {table}"
    for readable in ("d1_job_nature", "possible_victim", '"yes"'):
        assert readable not in audit
    # Through the model, the same row reads back in full.
    stored = Screening.objects.get(pk=screening.pk)
    assert stored.answers == diana_answers() and stored.result["outcome"] == "possible_victim"
