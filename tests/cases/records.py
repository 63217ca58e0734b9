"""Perpetrator records, assessments and accounts of Diana's case, through the services."""

from __future__ import annotations

from datetime import date

from opennrm.cases import needs, perpetrators
from opennrm.cases.models import Case, NeedsAssessment, Perpetrator, PersonalAccount
from tests.conftest import World

TAXI_DRIVER = {
    "name": "Рустам, таксист",
    "roles": ["Transporter", "ControlledIndividual"],
    "relationship": "Unaquainted",
    "phones": ["+7 701 555 0199", "+998 90 765 43 21"],
    "vehicles": ["белая Toyota Camry 777ABA02"],
    "places": ["Алматы, улица Райымбека 12"],
    "actions": "Возил её между квартирой и клиентами, забирал деньги.",
    "sex": "Masculine",
    "nationality": "KZ",
}
WARNING = "Не перезванивать: телефон проверяют"
ASSESSMENT = {
    "assessed_on": date(2005, 10, 4),
    "contact_safety": "with_care",
    "contact_channels": ["in_person"],
    "contact_when": "по вторникам в центре",
    "contact_warning": WARNING,
    "trafficker_risk": "high",
    "trafficker_risk_details": "Вербовщица знает адрес матери в Ташкенте.",
    "health_needs": "Гинеколог, ВИЧ-тест",
    "children_count": 1,
    "children_whereabouts": "Сын у бабушки в Чиланзаре",
    "accommodation_need": "emergency",
    "other_needs": "Новый паспорт",
    "interpreter_needed": True,
    "interpreter_language": "uz",
}
STORY = {
    "told_on": date(2005, 10, 5),
    "language": "ru",
    "with_interpreter": False,
    "recruitment": "Знакомая Гульнара предложила работу в косметике за 200 долларов.",
    "exploitation": "В Алматы забрали паспорт и били шлангом.",
    "wishes": "Хочет остаться в Казахстане и вернуть паспорт.",
}


def record_perpetrator(world: World, case: Case, **changes) -> Perpetrator:
    return perpetrators.perpetrator_add(
        actor=world.actor(world.a["case_worker"]), case=case, **{**TAXI_DRIVER, **changes}
    )


def assess(world: World, case: Case, **changes) -> NeedsAssessment:
    return needs.assessment_record(
        actor=world.actor(world.a["case_worker"]), case=case, **{**ASSESSMENT, **changes}
    )


def record_account(world: World, case: Case, **changes) -> PersonalAccount:
    return needs.account_record(
        actor=world.actor(world.a["case_worker"]), case=case, **{**STORY, **changes}
    )


def share(world: World, case: Case) -> None:
    perpetrators.perpetrators_share(actor=world.actor(world.a["supervisor"]), case=case)
