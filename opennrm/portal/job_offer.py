"""The "check a job offer" self-check (decision 0027): its questions, its warning signs (data,
each with the indicator it comes from and its texts) and the reading of a set of answers.

Nothing entered is stored or logged: ``job_offer_check`` reads the answers and returns the signs;
``job_offer_count`` adds one to anonymous daily counters (checks, and each sign found).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models_agencies import JobOfferCheckCount

# The ILO/EC operational indicators of trafficking in human beings (2009), adults, labour
# exploitation (../shared/reference/indicators.md, section 1), and the ILO indicators of forced
# labour (2012, section 4).
ILO_EC_2009 = _("ILO/EC operational indicators of trafficking (2009)")
ILO_2012 = _("ILO indicators of forced labour (2012)")


@dataclass(frozen=True)
class Question:
    name: str
    label: Promise
    choices: tuple[tuple[str, Promise], ...]
    help_text: Promise | str = ""


YES, NO, DONT_KNOW = "yes", "no", "dont_know"
_YES_NO = ((YES, _("Yes")), (NO, _("No")))
_YES_NO_DONT_KNOW = (*_YES_NO, (DONT_KNOW, _("I do not know")))

QUESTIONS: tuple[Question, ...] = (
    Question(
        "who",
        _("Who offered you the job?"),
        (
            ("agency", _("A recruitment or travel agency")),
            ("employer", _("The employer directly")),
            ("acquaintance", _("An acquaintance, a friend or a relative")),
            ("social_media", _("Someone on social media or in a messaging app")),
            ("stranger", _("A stranger (on the street, at the market, by phone)")),
        ),
    ),
    Question(
        "agency_licence",
        _("If an agency made the offer: is it in the registry of licensed agencies?"),
        (
            ("licensed", _("Yes, I found it there, licensed")),
            ("not_found", _("No, or its licence is revoked, suspended or expired")),
            ("not_checked", _("I have not checked")),
        ),
    ),
    Question("abroad", _("Is the job in another country?"), _YES_NO),
    Question(
        "wage", _("Is the wage much higher than usual for this kind of job?"), _YES_NO_DONT_KNOW
    ),
    Question(
        "fees",
        _("Are you asked to pay before you start (for the job, a visa, travel or documents)?"),
        _YES_NO,
    ),
    Question(
        "employer",
        _("Do you know the employer's name and the address where you will work?"),
        (
            ("known", _("Yes, both")),
            ("vague", _("Only vaguely, or “they will tell you later”")),
        ),
    ),
    Question(
        "contract",
        _("Is there a written contract?"),
        (
            ("none", _("No written contract")),
            ("unreadable", _("Yes, in a language I do not read")),
            ("understood", _("Yes, and I read and understood it")),
        ),
    ),
    Question(
        "travel",
        _("Who pays for the travel?"),
        (
            ("recruiter", _("The recruiter or the employer")),
            ("self", _("I pay it myself")),
        ),
    ),
    Question(
        "passport",
        _("Will someone else keep your passport or ID (“to keep it safe”, “for registration”)?"),
        _YES_NO_DONT_KNOW,
    ),
    Question(
        "visa",
        _("Are you told to travel on a tourist visa, or to say that you are a tourist?"),
        _YES_NO_DONT_KNOW,
    ),
)
QUESTION_NAMES = frozenset(q.name for q in QUESTIONS)

WARNING, CAUTION = "warning", "caution"


@dataclass(frozen=True)
class Sign:
    """A warning sign: the answers that show it, the indicator it comes from, and what the
    person is told: why it matters and what to do."""

    key: str
    question: str
    answers: frozenset[str]
    indicator: Promise  # the indicator's name, as in the source
    source: Promise
    title: Promise
    why: Promise
    what_to_do: Promise
    level: str = WARNING
    # The sign shows only when this other answer is given too (question, answer).
    when: tuple[str, str] | None = None


SIGNS: tuple[Sign, ...] = (
    Sign(
        "informal_recruiter",
        "who",
        frozenset({"acquaintance", "social_media", "stranger"}),
        _("Deceived about the nature of the job, location or employer"),
        ILO_EC_2009,
        _("The offer comes from a person, not from a licensed agency"),
        _(
            "Most people trafficked from our region were recruited by someone they knew or "
            "trusted: a friend, a relative, an acquaintance, someone met online. If the job is "
            "not what was promised, no one answers for it."
        ),
        _(
            "Ask for the employer's name and address and for a written contract. Find out "
            "whether a licensed agency places people in this job."
        ),
    ),
    Sign(
        "agency_unlicensed",
        "agency_licence",
        frozenset({"not_found", "not_checked"}),
        _("Deceived about travel and recruitment conditions"),
        ILO_EC_2009,
        _("The agency's licence is not confirmed"),
        _(
            "Agencies without a licence, travel agencies among them, are a usual channel of "
            "trafficking. A licensed agency answers to the regulator for what it promises."
        ),
        _("Look the agency up in the registry of licensed agencies before you pay or sign."),
        when=("who", "agency"),
    ),
    Sign(
        "wage_too_high",
        "wage",
        frozenset({YES}),
        _("Deceived about wages/earnings"),
        ILO_EC_2009,
        _("The wage is much higher than usual"),
        _("A wage far above what the same work pays at home or there is the most common bait."),
        _(
            "Ask what exactly the wage is for, when and how it is paid and what is taken off "
            "it, and have it written in the contract."
        ),
    ),
    Sign(
        "fees_up_front",
        "fees",
        frozenset({YES}),
        _("Debt bondage"),
        ILO_2012,
        _("You are asked to pay before you start"),
        _(
            "Fees for the job, the visa or the travel put you in debt to the recruiter, and "
            "a debt is used to make people work for nothing."
        ),
        _(
            "Do not pay a recruiter for a job. Pay legal fees (a visa) only against a receipt, "
            "and check them with the consulate."
        ),
    ),
    Sign(
        "employer_vague",
        "employer",
        frozenset({"vague"}),
        _("Deceived about the nature of the job, location or employer"),
        ILO_EC_2009,
        _("The employer or the workplace is vague"),
        _(
            "If you do not know whom you will work for, or where, no one can find you or help "
            "you if things go wrong."
        ),
        _(
            "Ask for the employer's full name and the address of the workplace, check that "
            "they exist, and give them to your family."
        ),
    ),
    Sign(
        "no_contract",
        "contract",
        frozenset({"none"}),
        _("Deceived about content or legality of work contract"),
        ILO_EC_2009,
        _("There is no written contract"),
        _(
            "Without a contract the job, the wage and the hours can change on arrival, and you "
            "have nothing to show anyone."
        ),
        _(
            "Ask for a written contract in a language you read before you leave, and leave a "
            "copy at home."
        ),
    ),
    Sign(
        "contract_unreadable",
        "contract",
        frozenset({"unreadable"}),
        _("Abuse of lack of education (language)"),
        ILO_EC_2009,
        _("The contract is in a language you do not read"),
        _("You cannot know what you agree to: such a contract can hide debts and conditions."),
        _(
            "Ask for the contract in your language, or have someone you trust translate it "
            "before you sign."
        ),
    ),
    Sign(
        "travel_paid",
        "travel",
        frozenset({"recruiter"}),
        _("Debt bondage"),
        ILO_2012,
        _("The recruiter pays for your travel"),
        _(
            "Travel paid for you often becomes a debt you are told to work off, with interest "
            "and fines that never end."
        ),
        _(
            "Ask in writing what the travel costs and how it is paid back, and keep enough "
            "money for a ticket home."
        ),
    ),
    Sign(
        "passport_kept",
        "passport",
        frozenset({YES}),
        _("Retention of identity documents"),
        ILO_2012,
        _("Someone else will keep your passport"),
        _(
            "No employer or recruiter may keep your passport. Without it you cannot leave, "
            "move freely or ask the police for help: it is the most common way to trap people."
        ),
        _("Keep your passport yourself, always. Leave a copy at home and carry a copy with you."),
    ),
    Sign(
        "tourist_visa",
        "visa",
        frozenset({YES}),
        _("Deceived about legal documentation or obtaining legal migrant status"),
        ILO_EC_2009,
        _("You are to travel as a tourist"),
        _(
            "Work on a tourist visa is work without a permit: employers use the fear of the "
            "police to control such workers."
        ),
        _(
            "Ask which work permit you will have, and check it with the consulate of the "
            "country you go to."
        ),
    ),
    Sign(
        "job_abroad",
        "abroad",
        frozenset({YES}),
        _("Difficulty to live in an unknown area"),
        ILO_EC_2009,
        _("The job is in another country"),
        _(
            "Abroad you may not know the language, the law or where to go for help, and that "
            "makes it easier to control you."
        ),
        _(
            "Write down the hotline's and your embassy's numbers, agree on regular calls with "
            "your family, and leave them a copy of your documents and the employer's address."
        ),
        level=CAUTION,
    ),
)
SIGN_KEYS = frozenset(s.key for s in SIGNS)


@dataclass(frozen=True)
class CheckResult:
    answered: int  # how many questions were answered
    signs: tuple[Sign, ...]

    @property
    def warnings(self) -> tuple[Sign, ...]:
        return tuple(s for s in self.signs if s.level == WARNING)


def job_offer_answers(data: Mapping[str, object]) -> dict[str, str]:
    """The answers among ``data`` that are one of their question's choices; anything else is
    dropped unread (an unknown field, a value not offered, a list)."""
    answers: dict[str, str] = {}
    for question in QUESTIONS:
        value = data.get(question.name)
        if isinstance(value, str) and value in {c for c, _label in question.choices}:
            answers[question.name] = value
    return answers


def job_offer_check(answers: Mapping[str, str]) -> CheckResult:
    """The warning signs that ``answers`` show, in the order of SIGNS."""
    found = tuple(
        sign
        for sign in SIGNS
        if answers.get(sign.question) in sign.answers
        and (sign.when is None or answers.get(sign.when[0]) == sign.when[1])
    )
    return CheckResult(answered=len(answers), signs=found)


def job_offer_count(*, day: date, result: CheckResult) -> None:
    """Add one check, and one for each sign found, to ``day``'s anonymous counters."""
    for key in ("", *(s.key for s in result.signs)):
        _add_one(day, key)


def _add_one(day: date, sign: str) -> None:
    with transaction.atomic():
        if JobOfferCheckCount.objects.filter(day=day, sign=sign).update(count=F("count") + 1):
            return
        try:
            with transaction.atomic():
                JobOfferCheckCount.objects.create(day=day, sign=sign, count=1)
                return
        except IntegrityError:  # made meanwhile by another check
            pass
        JobOfferCheckCount.objects.filter(day=day, sign=sign).update(count=F("count") + 1)
