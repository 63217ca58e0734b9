"""Every screening page: anonymous, every role of two organizations, the platform admin.

Diana's case belongs to organization A and is owned by A's case worker. Who may screen her:
that case worker and A's supervisor. A's hotline operator may screen, but does not see this
case; B's members are another organization: all of them get 404, as if it did not exist.
Roles without ``screening.conduct`` get 403; anonymous visitors are sent to sign in.
A refused request changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import resolve

from opennrm.audit.models import AuditEvent
from opennrm.cases.models import Case
from opennrm.screening import services
from opennrm.screening.models import Screening
from tests.accounts.test_permission_matrix import PRINCIPALS, Endpoint, client_for
from tests.cases.factories import open_diana
from tests.conftest import PASSWORD, World
from tests.screening.helpers import ADULT_SEXUAL, diana_answers

SCREENERS = frozenset({"hotline_operator", "case_worker", "supervisor"})
SEES_DIANA = frozenset({"a:case_worker", "a:supervisor"})


@dataclass
class ScreeningEndpoint(Endpoint):
    url: Callable[[World, Case], str]  # type: ignore[assignment]
    data: Callable[[World, Case], dict] | None = None  # type: ignore[assignment]

    def expected(self, principal: str) -> int:
        if principal == "anonymous":
            return 302
        role = principal.rpartition(":")[2]
        if role not in self.allowed:
            return 403
        return self.ok if principal in SEES_DIANA else 404


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


def on(path: str = "", answered: bool = False) -> Callable[[World, Case], str]:
    return lambda w, c: f"/screenings/{draft(w, c, answered).uuid}/{path}"


ENDPOINTS = [
    ScreeningEndpoint(
        "start page", "get", lambda w, c: f"/cases/{c.uuid}/screenings/new/", SCREENERS
    ),
    ScreeningEndpoint(
        "start",
        "post",
        lambda w, c: f"/cases/{c.uuid}/screenings/new/",
        SCREENERS,
        ok=302,
        data=lambda w, c: {"questionnaire": ADULT_SEXUAL, "language": "ru", "mode": "worker_led"},
    ),
    ScreeningEndpoint("detail", "get", on(), SCREENERS),
    ScreeningEndpoint("dimension form", "get", on("answer/D1/"), SCREENERS),
    ScreeningEndpoint(
        "dimension save",
        "post",
        on("answer/D1/"),
        SCREENERS,
        ok=302,
        data=lambda w, c: {"version": 1, "d1_job_nature": "yes"},
    ),
    ScreeningEndpoint(
        "complete",
        "post",
        on("complete/", answered=True),
        SCREENERS,
        ok=302,
        data=lambda w, c: {"version": 2},
    ),
    ScreeningEndpoint("self intro", "get", on("self/"), SCREENERS),
    ScreeningEndpoint("self question", "get", on("self/question/"), SCREENERS),
    ScreeningEndpoint(
        "self answer",
        "post",
        on("self/question/"),
        SCREENERS,
        ok=302,
        data=lambda w, c: {"indicator": "d1_job_nature", "answer": "yes"},
    ),
    ScreeningEndpoint("self done", "get", on("self/done/"), SCREENERS),
    ScreeningEndpoint(
        "self unlock",
        "post",
        on("self/unlock/"),
        SCREENERS,
        ok=302,
        data=lambda w, c: {"password": PASSWORD},
    ),
]


@pytest.mark.django_db
def test_every_screening_page_is_in_the_matrix(world: World) -> None:
    from opennrm.screening.urls import urlpatterns

    case = open_diana(world.a["case_worker"])
    covered = {resolve(e.url(world, case)).url_name for e in ENDPOINTS}
    assert covered == {pattern.name for pattern in urlpatterns}


@pytest.mark.django_db
@pytest.mark.parametrize("principal", PRINCIPALS)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_access(world: World, endpoint: ScreeningEndpoint, principal: str) -> None:
    case = open_diana(world.a["case_worker"])
    url = endpoint.url(world, case)
    data = endpoint.data(world, case) if endpoint.data else None
    before = (
        Screening.objects.count(),
        [s.answers for s in Screening.objects.order_by("id")],
        AuditEvent.objects.filter(action__startswith="screening.").count(),
    )
    response = getattr(client_for(world, principal), endpoint.method)(url, data=data)
    expected = endpoint.expected(principal)
    assert response.status_code == expected, (
        f"{endpoint.name} as {principal}: {response.status_code}, expected {expected}"
    )
    if principal == "anonymous":
        assert response["Location"].startswith("/accounts/login/")
    if expected != endpoint.ok:
        after = (
            Screening.objects.count(),
            [s.answers for s in Screening.objects.order_by("id")],
            AuditEvent.objects.filter(action__startswith="screening.").count(),
        )
        assert after == before
