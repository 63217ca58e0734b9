"""The screening pages: start from the case, worker-led form, self-answer mode, review, result."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client

from opennrm.cases.models import Case
from opennrm.screening import services
from opennrm.screening.models import Screening, Status
from tests.cases.factories import open_diana
from tests.conftest import PASSWORD, World, sign_in
from tests.screening.helpers import ADULT_LABOUR, ADULT_SEXUAL, codes, diana_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def diana(world: World) -> Case:
    return open_diana(world.a["case_worker"])


@pytest.fixture
def worker(world: World) -> Client:
    return sign_in(Client(), world.a["case_worker"].user, world.a["case_worker"])


def start(world: World, case: Case, code: str = ADULT_SEXUAL, mode: str = "self_answer"):
    return services.screening_start(
        actor=world.actor(world.a["case_worker"]),
        case=case,
        questionnaire_code=code,
        language="ru",
        mode=mode,
    )


def test_identification_tab_lists_screenings_and_offers_to_start_one(
    world: World, diana: Case, worker: Client
) -> None:
    page = worker.get(f"/cases/{diana.uuid}/identification/").content.decode()
    assert 'id="screenings"' in page and f"/cases/{diana.uuid}/screenings/new/" in page
    screening = start(world, diana)
    page = worker.get(f"/cases/{diana.uuid}/identification/").content.decode()
    assert f"/screenings/{screening.uuid}/" in page and "Draft" in page


def test_start_page_proposes_the_list_and_language_that_fit_the_case(
    diana: Case, worker: Client
) -> None:
    page = worker.get(f"/cases/{diana.uuid}/screenings/new/").content.decode()
    # Diana was trafficked for sexual exploitation and speaks Uzbek and Russian.
    assert re.search(r'<option value="ilo-ec-2009-adult-sexual"[^>]*selected', page)
    assert re.search(r'<option value="uz-latn"[^>]*selected', page)
    for code in ("adult-labour", "child-labour", "forced-labour-11"):
        assert code in page


def test_start_with_a_bad_choice_shows_the_error_beside_the_field(
    diana: Case, worker: Client
) -> None:
    response = worker.post(
        f"/cases/{diana.uuid}/screenings/new/",
        {"questionnaire": "nothing", "language": "ru", "mode": "self_answer"},
    )
    assert response.status_code == 200
    assert 'id="id_questionnaire_error"' in response.content.decode()
    assert not Screening.objects.exists()


def test_self_answer_mode_in_russian_one_question_at_a_time(
    world: World, diana: Case, worker: Client
) -> None:
    # The worker's interface is in Kazakh; the person answers in Russian.
    worker.cookies[settings.LANGUAGE_COOKIE_NAME] = "kk"
    response = worker.post(
        f"/cases/{diana.uuid}/screenings/new/",
        {"questionnaire": ADULT_SEXUAL, "language": "ru", "mode": "self_answer"},
    )
    screening = Screening.objects.get()
    assert response["Location"] == f"/screenings/{screening.uuid}/self/"
    intro = worker.get(response["Location"]).content.decode()
    assert '<html lang="ru">' in intro and "Вопросы для вас" in intro
    assert "Начать" in intro

    url = f"/screenings/{screening.uuid}/self/question/"
    first = worker.get(url)
    page = first.content.decode()
    assert first["Cache-Control"].startswith("max-age=0") or "no-store" in first["Cache-Control"]
    assert "Вопрос 1 / 67" in page
    assert "Оказались ли работа, место или работодатель не такими" not in page  # labour wording
    assert "Вам обещали другую работу" in page  # the adapted (sexual exploitation) question
    for word in ("Да", "Нет", "Не знаю"):
        assert f">{word}</button>" in page
    # Tiny, self-contained: no script, no image, no navigation out of the screen.
    assert "<script" not in page and "<img" not in page and "/cases/" not in page
    assert len(first.content) < 4000

    worker.post(url, {"indicator": "d1_job_nature", "answer": "yes"})
    second = worker.get(url).content.decode()
    assert "Вопрос 2 / 67" in second
    assert "Вам обещали другую работу" not in second  # nothing of the earlier question
    assert "checked" not in second and "aria-pressed" not in second
    screening.refresh_from_db()
    assert screening.answers == {"d1_job_nature": "yes"}

    # A forged answer changes nothing and shows the same question again.
    worker.post(url, {"indicator": "d1_conditions", "answer": "perhaps"})
    worker.post(url, {"indicator": "x_unknown", "answer": "yes"})
    assert "Вопрос 2 / 67" in worker.get(url).content.decode()

    for code, value in diana_answers().items():
        if code != "d1_job_nature":
            worker.post(url, {"indicator": code, "answer": value})
    done = worker.get(url)
    assert done["Location"] == f"/screenings/{screening.uuid}/self/done/"
    done_page = worker.get(done["Location"]).content.decode()
    assert "верните устройство сотруднику" in done_page
    screening.refresh_from_db()
    assert screening.answers == diana_answers() and screening.status == Status.DRAFT


def test_stopping_early_keeps_the_answers_and_the_draft_lists_what_is_missing(
    world: World, diana: Case, worker: Client
) -> None:
    screening = start(world, diana)
    url = f"/screenings/{screening.uuid}/self/question/"
    worker.post(url, {"indicator": "d1_job_nature", "answer": "yes"})
    stopped = worker.get(f"/screenings/{screening.uuid}/self/done/").content.decode()
    assert "Ваши ответы сохранены" in stopped

    page = worker.get(f"/screenings/{screening.uuid}/").content.decode()
    assert "1 of 67 questions answered." in page
    assert "66 answers missing" in page
    assert "Deceived about conditions of work" in page  # a missing one, in the worker's words
    assert "Not enough answers" in page

    # Completing now is refused, and says why.
    response = worker.post(f"/screenings/{screening.uuid}/complete/", {"version": 2})
    assert response.status_code == 200
    assert "Some questions the result depends on are not answered yet." in (
        response.content.decode()
    )
    screening.refresh_from_db()
    assert screening.status == Status.DRAFT


def test_worker_led_form_one_dimension_a_page(world: World, diana: Case, worker: Client) -> None:
    screening = start(world, diana, code=ADULT_LABOUR, mode="worker_led")
    url = f"/screenings/{screening.uuid}/answer/D1/"
    page = worker.get(url).content.decode()
    # Yes, no, don't know and "rather not say" for each of the ten questions.
    assert page.count('type="radio"') == 10 * 4
    assert "Отличалась ли оплата от того, что вам обещали?" in page  # asked in Russian
    assert "Was the pay different from what you were promised?" in page  # for the worker

    response = worker.post(
        url, {"version": 1, "d1_job_nature": "yes", "d1_wages": "unknown", "next": "1"}
    )
    assert response["Location"] == f"/screenings/{screening.uuid}/answer/D2/"
    screening.refresh_from_db()
    assert screening.answers == {"d1_job_nature": "yes", "d1_wages": "unknown"}

    # A bad value is shown beside its question; nothing is saved.
    response = worker.post(url, {"version": 2, "d1_job_nature": "no", "d1_contract": "maybe"})
    assert response.status_code == 200
    assert 'class="indicator has-error"' in response.content.decode()
    screening.refresh_from_db()
    assert screening.answers["d1_job_nature"] == "yes"

    # A stale form (answers changed meanwhile on the device) is refused, not merged blindly.
    response = worker.post(url, {"version": 1, "d1_contract": "no"})
    assert "Reload and retry" in response.content.decode()


def test_review_confirm_and_result_page_explains_each_dimension(
    world: World, diana: Case, worker: Client
) -> None:
    screening = start(world, diana)
    services.screening_answer(
        actor=world.actor(world.a["case_worker"]), screening=screening, answers=diana_answers()
    )
    page = worker.get(f"/screenings/{screening.uuid}/").content.decode()
    assert "Provisional result" in page and "Confirm the answers and save" in page
    response = worker.post(f"/screenings/{screening.uuid}/complete/", {"version": 2})
    assert response["Location"] == f"/screenings/{screening.uuid}/"
    screening.refresh_from_db()
    assert screening.status == Status.COMPLETED

    page = worker.get(f"/screenings/{screening.uuid}/").content.decode()
    assert "Possible victim of trafficking: the ILO/EC rule is met." in page
    d1 = page[page.index('id="dimension-D1"') : page.index('id="dimension-D2"')]
    assert "positive" in d1 and "(b) one strong and one medium or weak indicator" in d1
    assert "Deceived about the nature of the job, location or employer" in d1
    d5 = page[page.index('id="dimension-D5"') : page.index('id="dimension-D6"')]
    assert "(a) two strong indicators" in d5 and "Confiscation of documents" in d5
    d4 = page[page.index('id="dimension-D4"') : page.index('id="dimension-D5"')]
    assert "(c) three medium indicators" in d4
    assert "Suggested trafficking status:" in page
    assert "only through an identification decision that a supervisor approves" in page
    assert f"/cases/{diana.uuid}/identification/" in page  # propose, never decide
    assert "Confirm the answers and save" not in page
    # A completed screening offers no form to change it.
    response = worker.get(f"/screenings/{screening.uuid}/answer/D1/")
    assert response["Location"] == f"/screenings/{screening.uuid}/"
    diana.refresh_from_db()
    assert not diana.decisions.exists()
    # The case's screenings list shows the outcome.
    tab = worker.get(f"/cases/{diana.uuid}/identification/").content.decode()
    assert "Possible victim of trafficking: the ILO/EC rule is met." in tab


def test_missing_answers_that_no_longer_matter_do_not_block_completion(
    world: World, diana: Case, worker: Client
) -> None:
    screening = start(world, diana, code=ADULT_LABOUR, mode="worker_led")
    answers = dict.fromkeys(["d1_job_nature", "d1_wages", "d4_excessive_hours"], "yes")
    answers.update(dict.fromkeys(["d4_low_salary", "d5_documents", "d5_violence"], "yes"))
    services.screening_answer(
        actor=world.actor(world.a["case_worker"]), screening=screening, answers=answers
    )
    response = worker.post(f"/screenings/{screening.uuid}/complete/", {"version": 2})
    assert response.status_code == 302
    screening.refresh_from_db()
    assert len(screening.result["missing"]) == len(codes(ADULT_LABOUR)) - 6


def test_the_person_may_rather_not_say_and_the_worker_reads_what_that_means(
    world: World, diana: Case, worker: Client
) -> None:
    screening = start(world, diana)
    intro = worker.get(f"/screenings/{screening.uuid}/self/").content.decode()
    assert "«Предпочитаю не отвечать»" in intro  # the intro says the answer exists
    url = f"/screenings/{screening.uuid}/self/question/"
    page = worker.get(url).content.decode()
    assert '<button type="submit" name="answer" value="declined" class="declined">' in page
    assert ">Предпочитаю не отвечать</button>" in page

    worker.post(url, {"indicator": "d1_job_nature", "answer": "declined"})
    assert "Вопрос 2 / 67" in worker.get(url).content.decode()  # on to the next question
    for code, value in diana_answers().items():
        if code != "d1_job_nature":
            worker.post(url, {"indicator": code, "answer": value})
    screening.refresh_from_db()
    assert screening.answers["d1_job_nature"] == "declined"  # stored as given

    # For the worker, once the device is back: counted as not answered, marked as the
    # person's choice.
    worker.post(f"/screenings/{screening.uuid}/self/unlock/", {"password": PASSWORD})
    page = worker.get(f"/screenings/{screening.uuid}/").content.decode()
    assert "66 of 67 questions answered." in page
    assert "1 answer missing" in page and "(Rather not say)" in page
    assert "Hand the device to the person" not in page  # every question was put to them
    d1 = page[page.index('id="dimension-D1"') : page.index('id="dimension-D2"')]
    assert '1 answer "rather not say", counted as not answered.' in d1
    note = page[page.index('id="declined-note"') :]
    assert "counts as not answered: never as present, never as absent" in note
    assert "Not enough answers" in page  # D1 waits for the declined strong indicator
    answers = page[page.index('id="answers"') :]
    assert ">Rather not say</td>" in answers

    # The worker's own form offers the same answer, already chosen.
    form = worker.get(f"/screenings/{screening.uuid}/answer/D1/").content.decode()
    assert re.search(r'value="declined"[^>]*checked', form)


def test_the_child_screens_speak_to_the_child(world: World, worker: Client) -> None:
    case = open_diana(world.a["case_worker"])
    screening = start(world, case, code="ilo-ec-2009-child-labour")
    intro = worker.get(f"/screenings/{screening.uuid}/self/").content.decode()
    assert "Вопросы для тебя" in intro and "Ты увидишь вопросы по одному" in intro
    assert "Вы увидите" not in intro
    page = worker.get(f"/screenings/{screening.uuid}/self/question/").content.decode()
    assert "Тебе пришлось делать другую работу" in page
    done = worker.get(f"/screenings/{screening.uuid}/self/done/").content.decode()
    assert "отдай устройство сотруднику" in done
