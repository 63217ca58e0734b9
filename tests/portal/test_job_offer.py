"""The job-offer check: Diana's offer shows each of its warning signs, a safe offer none; nothing
entered is stored, logged or kept in a session or cookie; only anonymous counts."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from django.test import Client

from opennrm.portal import job_offer
from opennrm.portal.models_agencies import JobOfferCheckCount
from tests.support.matrix import changed, snapshot

# Diana's offer (../shared/reference/scenario.md): a cosmetics sales job abroad at $150 a month,
# offered by a female acquaintance, travel paid, passport handed over on arrival.
DIANA = {
    "who": "acquaintance",
    "abroad": "yes",
    "wage": "no",
    "travel": "recruiter",
    "passport": "yes",
}
DIANA_SIGNS = ["informal_recruiter", "travel_paid", "passport_kept", "job_abroad"]
SAFE = {
    "who": "agency",
    "agency_licence": "licensed",
    "abroad": "no",
    "wage": "no",
    "fees": "no",
    "employer": "known",
    "contract": "understood",
    "travel": "self",
    "passport": "no",
    "visa": "no",
}
INDICATORS = Path("/work/shared/reference/indicators.md")


def test_dianas_offer_shows_each_of_its_signs():
    result = job_offer.job_offer_check(job_offer.job_offer_answers(DIANA))
    assert [s.key for s in result.signs] == DIANA_SIGNS


def test_a_safe_offer_shows_no_sign():
    result = job_offer.job_offer_check(job_offer.job_offer_answers(SAFE))
    assert result.signs == () and result.answered == len(SAFE)


def test_each_answer_that_is_a_sign_shows_it_alone():
    for sign in job_offer.SIGNS:
        for answer in sign.answers:
            answers = {sign.question: answer}
            if sign.when:
                answers[sign.when[0]] = sign.when[1]
            found = [s.key for s in job_offer.job_offer_check(answers).signs]
            assert sign.key in found, (sign.key, answer)


def test_an_unlicensed_agency_is_a_sign_only_for_an_agency():
    assert not job_offer.job_offer_check({"agency_licence": "not_checked"}).signs
    found = job_offer.job_offer_check({"who": "agency", "agency_licence": "not_checked"})
    assert [s.key for s in found.signs] == ["agency_unlicensed"]


@pytest.mark.skipif(not INDICATORS.exists(), reason="the reference file is outside the project")
def test_each_sign_names_an_indicator_of_the_reference_lists():
    text = INDICATORS.read_text()
    for sign in job_offer.SIGNS:
        assert str(sign.indicator) in text, sign.key


def test_answers_not_offered_are_dropped_unread():
    answers = job_offer.job_offer_answers(
        {"who": "<script>", "passport": ["yes"], "name": "Diana", "abroad": "yes"}
    )
    assert answers == {"abroad": "yes"}


@pytest.mark.django_db
def test_the_page_explains_each_sign_and_keeps_nothing_but_counts(caplog):
    client = Client()
    before = snapshot()
    with caplog.at_level(logging.DEBUG):
        page = client.post("/help/job-offer/", {**DIANA, "note": "Diana from Samarkand"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "3 warning signs in this offer" in text
    for key in DIANA_SIGNS:
        assert f'id="sign-{key}"' in text
    assert "Someone else will keep your passport" in text
    assert "Why it matters:" in text and "What to do:" in text
    assert 'href="/help/agencies/"' in text and 'href="/help/numbers/"' in text
    # Only the anonymous counters changed; no session, no cookie, nothing in the logs.
    assert changed(before, snapshot()) == ["portal.JobOfferCheckCount (0 → 5 rows)"]
    assert not page.cookies
    assert "Samarkand" not in caplog.text and "acquaintance" not in caplog.text
    counts = dict(JobOfferCheckCount.objects.values_list("sign", "count"))
    assert counts == {"": 1, **dict.fromkeys(DIANA_SIGNS, 1)}
    client.post("/help/job-offer/", DIANA)
    assert JobOfferCheckCount.objects.get(sign="").count == 2


@pytest.mark.django_db
def test_a_safe_offer_on_the_page():
    text = Client().post("/help/job-offer/", SAFE).content.decode()
    assert "No warning sign in your answers" in text
    assert 'class="sign ' not in text


@pytest.mark.django_db
def test_the_form_alone():
    text = Client().get("/help/job-offer/").content.decode()
    assert "Who offered you the job?" in text and "Check the offer" in text
    assert JobOfferCheckCount.objects.count() == 0
