"""Every screening page: anonymous, every role of two organizations, the platform admin.

Diana's case belongs to organization A and is owned by A's case worker. Who may screen her:
that case worker and A's supervisor. A's hotline operator may screen, but does not see this
case; B's members are another organization: all of them get 404, as if it did not exist.
Roles without ``screening.conduct`` get 403; anonymous visitors are sent to sign in.
A refused request changes nothing. The rules, and that check: tests/support/matrix.py.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from opennrm.cases.models import Case
from opennrm.screening import services
from opennrm.screening.models import Screening
from tests.cases.factories import open_diana
from tests.conftest import PASSWORD, World
from tests.screening.helpers import ADULT_SEXUAL, diana_answers
from tests.support.matrix import Route, check, each

SCREENERS = frozenset({"hotline_operator", "case_worker", "supervisor"})
SEES_DIANA = frozenset({"a:case_worker", "a:supervisor"})


def diana(world: World) -> Case:
    return world.once("diana", lambda: open_diana(world.a["case_worker"]))


def draft(world: World, case: Case, answered: bool = False) -> Screening:
    screening = Screening.objects.filter(case=case).first()
    if screening is None:
        screening = services.screening_start(
            actor=world.actor(world.a["case_worker"]),
            case=case,
            questionnaire_code=ADULT_SEXUAL,
            language="ru",
            mode="self_answer",
        )
        if answered:
            services.screening_answer(
                actor=world.actor(world.a["case_worker"]),
                screening=screening,
                answers=diana_answers(),
            )
    return screening


def on(path: str = "", answered: bool = False) -> Callable[[World], str]:
    return lambda w: f"/screenings/{draft(w, diana(w), answered).uuid}/{path}"


ENDPOINTS = [
    Route(
        "start page",
        "get",
        lambda w: f"/cases/{diana(w).uuid}/screenings/new/",
        SCREENERS,
        sees=SEES_DIANA,
    ),
    Route(
        "start",
        "post",
        lambda w: f"/cases/{diana(w).uuid}/screenings/new/",
        SCREENERS,
        ok=302,
        data=lambda w: {"questionnaire": ADULT_SEXUAL, "language": "ru", "mode": "worker_led"},
        sees=SEES_DIANA,
    ),
    Route("detail", "get", on(), SCREENERS, sees=SEES_DIANA),
    Route("dimension form", "get", on("answer/D1/"), SCREENERS, sees=SEES_DIANA),
    Route(
        "dimension save",
        "post",
        on("answer/D1/"),
        SCREENERS,
        ok=302,
        data=lambda w: {"version": 1, "d1_job_nature": "yes"},
        sees=SEES_DIANA,
    ),
    Route(
        "complete",
        "post",
        on("complete/", answered=True),
        SCREENERS,
        ok=302,
        data=lambda w: {"version": 2},
        sees=SEES_DIANA,
    ),
    Route("self intro", "get", on("self/"), SCREENERS, sees=SEES_DIANA),
    Route("self question", "get", on("self/question/"), SCREENERS, sees=SEES_DIANA),
    Route(
        "self answer",
        "post",
        on("self/question/"),
        SCREENERS,
        ok=302,
        data=lambda w: {"indicator": "d1_job_nature", "answer": "yes"},
        sees=SEES_DIANA,
    ),
    Route("self done", "get", on("self/done/"), SCREENERS, sees=SEES_DIANA),
    Route(
        "self unlock",
        "post",
        on("self/unlock/"),
        SCREENERS,
        ok=302,
        data=lambda w: {"password": PASSWORD},
        sees=SEES_DIANA,
    ),
]


@pytest.mark.django_db
@each(ENDPOINTS)
def test_access(world: World, route: Route, principal: str) -> None:
    check(world, route, principal)
