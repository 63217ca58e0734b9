"""Four weeks of contacts to the demo hotline, through the services, ending today.

What a Central Asian hotline hears most: how to work abroad safely and whether a job offer is
real; now and then a missing person, a request for help, a possible trafficking case. Some
callers call again (the known-caller hint shows them); a few web tips wait to be taken; a few
follow-ups are overdue; a few signals became cases. Everything is invented.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from opennrm.accounts.demo import DemoWorld
from opennrm.validation import phone_to_e164

from . import services
from .models import Outcome

DAYS = 28
OPERATOR = ("hotline", "operator@demo.opennrm.org")

# (value, weight): the mix of a hotline's contacts.
REASONS = [
    ("safe_migration", 40),
    ("job_offer_check", 30),
    ("assistance_request", 10),
    ("possible_trafficking", 8),
    ("missing_person", 6),
    ("other", 6),
]
CHANNELS = [
    ("call", 62),
    ("chat", 14),
    ("message", 10),
    ("walk_in", 5),
    ("outreach", 5),
    ("email", 4),
]
LANGUAGES = [("ru", 45), ("kk", 25), ("uz", 14), ("ky", 8), ("tg", 5), ("en", 3)]
CALLERS = {
    "missing_person": [("family", 80), ("friend", 15), ("professional", 5)],
    "possible_trafficking": [
        ("potential_victim", 50),
        ("family", 25),
        ("third_party", 15),
        ("professional", 10),
    ],
}
USUAL_CALLERS = [
    ("potential_victim", 65),
    ("family", 18),
    ("friend", 8),
    ("third_party", 4),
    ("professional", 3),
    ("anonymous", 2),
]
NOTES = {
    "safe_migration": [
        "Going to Moscow for seasonal work: explained registration, the patent and the "
        "embassy hotline.",
        "Asked how to check a work contract in Korea; sent the list of licensed agencies.",
        "Student going to Turkey: explained the visa rules and what to keep copies of.",
        "Asked about working in the UAE: explained the risks of tourist visas for work.",
    ],
    "job_offer_check": [
        "Offer of a waitress job in Dubai via Instagram: agency not licensed, advised not to go.",
        "Construction job in Kazan; the agency asks for the passport in advance. Advised against.",
        "Nanny job in Istanbul, salary far above the market: explained the warning signs.",
        "Agency in Almaty is licensed; advised to sign the contract in Russian or Kazakh.",
    ],
    "assistance_request": [
        "Wages not paid for three months at a farm; referred to the legal aid centre.",
        "Lost her passport abroad; gave the consulate's contacts.",
    ],
    "possible_trafficking": [
        "Caller's sister works in a sauna in Almaty and cannot leave; documents taken.",
        "Man calling from a construction site: passports collected by the foreman, no pay.",
    ],
    "missing_person": [
        "Daughter left for work in Turkey and has not called for a month.",
        "Son went to Russia with a recruiter in spring; phone switched off since.",
    ],
    "other": ["Asked for the address of the crisis centre.", "Wrong number."],
}


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


def _phone(rng: random.Random) -> str:
    """An invented, valid mobile number: Kazakh mostly, Uzbek or Kyrgyz sometimes."""
    while True:
        kind = rng.random()
        if kind < 0.7:
            number = f"+7 70{rng.randint(0, 8)} {rng.randint(200, 999)} {rng.randint(1000, 9999)}"
        elif kind < 0.9:
            number = f"+998 9{rng.randint(0, 9)} {rng.randint(200, 999)} {rng.randint(1000, 9999)}"
        else:
            number = f"+996 70{rng.randint(0, 9)} {rng.randint(100, 999)} {rng.randint(100, 999)}"
        try:
            phone_to_e164(number)
        except ValueError:
            continue
        return number


def load_demo(world: DemoWorld) -> dict[str, int]:
    """Log four weeks of the demo hotline's contacts; returns how many of each kind."""
    rng = random.Random(2026)  # noqa: S311 - invented demo data, not a secret
    operator = world.actor(*OPERATOR)
    organization = world.organizations[OPERATOR[0]]
    today = timezone.localdate()
    callers = [_phone(rng) for _ in range(70)]  # some call more than once
    counts = {
        "hotline contacts": 0,
        "hotline cases opened from a contact": 0,
        "hotline contacts handed on and closed": 0,
    }
    for days_ago in range(DAYS - 1, -1, -1):
        day = today - timedelta(days=days_ago)
        calls = rng.randint(1, 3) if day.weekday() >= 5 else rng.randint(3, 7)
        for _ in range(calls):
            start = datetime.combine(day, time(9), tzinfo=timezone.get_current_timezone())
            received_at = start + timedelta(minutes=rng.randint(0, 9 * 60))
            if received_at > timezone.now():
                received_at = timezone.now() - timedelta(minutes=rng.randint(1, 30))
            reason = _pick(rng, REASONS)
            data: dict[str, Any] = {
                "reason": reason,
                "caller_type": _pick(rng, CALLERS.get(reason, USUAL_CALLERS)),
                "language": _pick(rng, LANGUAGES),
                "received_at": received_at,
                "notes": rng.choice(NOTES[reason]),
                "phone": rng.choice(callers) if rng.random() < 0.75 else "",
            }
            if rng.random() < 0.12 and days_ago < 10:
                # A tip through the web form: it waits for an operator, unless one took it.
                signal = services.web_tip_receive(organization=organization, **data)
                counts["hotline contacts"] += 1
                if days_ago < 3:
                    continue
                signal = services.signal_take(actor=operator, signal=signal)
                signal = services.signal_update(
                    actor=operator,
                    signal=signal,
                    version=signal.version,
                    outcome=Outcome.INFORMATION_GIVEN,
                )
                continue
            data["channel"] = _pick(rng, CHANNELS)
            if reason in ("safe_migration", "job_offer_check", "other"):
                data["outcome"] = Outcome.INFORMATION_GIVEN if rng.random() < 0.9 else "no_action"
            elif days_ago > 0 or rng.random() < 0.5:
                data["outcome"] = Outcome.REFERRED
            if reason != "other" and rng.random() < 0.18:
                data["follow_up_on"] = day + timedelta(days=rng.randint(2, 7))
            signal = services.signal_record(actor=operator, **data)
            counts["hotline contacts"] += 1
            follow_up = signal.follow_up_on
            if follow_up and follow_up < today and rng.random() < 0.75:
                signal = services.signal_update(
                    actor=operator, signal=signal, version=signal.version, followed_up_on=follow_up
                )
            if reason == "possible_trafficking" and signal.outcome != Outcome.REFERRED:
                continue
            if reason == "possible_trafficking" and rng.random() < 0.5:
                women = signal.caller_type != "professional" and rng.random() < 0.7
                signal = services.signal_open_case(
                    actor=operator,
                    signal=signal,
                    version=signal.version,
                    person={
                        "given_name": rng.choice(["Айгуль", "Dilnoza", "Жанар", "Нурлан"]),
                        "gender": "Feminine" if women else "Masculine",
                        "languages": [signal.language] if signal.language else [],
                    },
                    exploitation_types=["SexualExploitation" if women else "ForcedLabour"],
                )
                counts["hotline cases opened from a contact"] += 1
                if days_ago > 7 and rng.random() < 0.5:
                    # Handed on to a crisis centre: the hotline's copy and case are closed.
                    services.signal_hand_on(actor=operator, signal=signal, version=signal.version)
                    counts["hotline contacts handed on and closed"] += 1
    return counts
