"""How likely two person records are the same person: a score, a band and the reasons.

Pure code over values already decrypted in memory (no database, nothing stored). The name
decides first (``names.compare_name``: scripts, spellings, endings, order); birth, sex,
citizenship and phone add to it or pull it down. Conservative by design: a duplicate offered
wrongly costs a worker a look, but a record offered across organizations on a weak likeness
tells another organization something it should not learn, so

- a single-word name alone never reaches "high" (it needs a birth date or a phone besides);
- birth years both known and more than one apart, or different sexes, pull the score down
  below the bands, whatever the name;
- a name in a script we do not transliterate is compared as written only (``names``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .names import compare_name, name_words

# The bands, from the score: "low" is the least a check shows.
HIGH, MEDIUM, LOW = 0.85, 0.7, 0.6
BANDS = (("high", HIGH), ("medium", MEDIUM), ("low", LOW))

# Values of sex that say nothing (people.Gender's unknown, and a blank).
_UNKNOWN_SEX = frozenset({"", "NonSpecifiedUnknown"})

# The kinds of attributes that matched: what another organization's hint may say.
KINDS = ("name", "birth_date", "sex", "citizenship", "phone")
KIND_LABELS = {
    "name": _("name"),
    "birth_date": _("birth date or year"),
    "sex": pgettext_lazy("person", "sex"),
    "citizenship": _("citizenship"),
    "phone": _("phone number"),
}
BAND_LABELS = {
    "high": pgettext_lazy("likeness", "high"),
    "medium": pgettext_lazy("likeness", "medium"),
    "low": pgettext_lazy("likeness", "low"),
}

_PARTS = {
    "given": _("given name"),
    "family": _("family name"),
    "patronymic": _("patronymic"),
    "other": _("another name"),
}
_HOWS = {
    "exact": _("same spelling"),
    "transliterated": _("transliterated"),
    "spelling": _("similar spelling"),
    "sound": _("similar spelling"),
    "similar": _("similar spelling"),
    "ending": _("other ending"),
}


@dataclass(frozen=True)
class Probe:
    """One person's values as compared: names, birth, sex, citizenship and phone tokens.

    The same shape for the person being recorded and for a candidate record.
    """

    given: str = ""
    family: str = ""
    patronymic: str = ""
    others: tuple[str, ...] = ()
    birth_date: str = ""  # ISO 8601, "" when unknown
    birth_year: int | None = None  # from the date when it is known
    sex: str = ""  # people.Gender value; "" or "NonSpecifiedUnknown" when unknown
    citizenship: str = ""  # ISO 3166-1 alpha-2
    phones: frozenset[str] = frozenset()  # blind-index tokens, never numbers

    @property
    def year(self) -> int | None:
        if self.birth_date[:4].isdigit():
            return int(self.birth_date[:4])
        return self.birth_year

    def name_texts(self) -> list[str]:
        """The full name (given name first, the order ``compare_name`` reads as not swapped)
        and each other name: what is searched."""
        full = " ".join(p for p in (self.given, self.family, self.patronymic) if p.strip())
        return [t for t in (full, *self.others) if t.strip()]

    def has_name(self) -> bool:
        return any(name_words(t) for t in self.name_texts())


@dataclass(frozen=True)
class Reason:
    code: str  # stable: "family.transliterated", "birth.day", "phone"

    @property
    def label(self) -> str:
        """In the reader's language, asked for only by the few matches shown."""
        return reason_label(self.code)


@dataclass
class Match:
    score: float = 0.0
    band: str = ""  # "high", "medium", "low", or "" below the bands
    reasons: list[Reason] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # in KINDS order

    @property
    def band_label(self) -> str:
        return str(BAND_LABELS.get(self.band, ""))

    @property
    def kind_labels(self) -> list[str]:
        return [str(KIND_LABELS[k]) for k in self.kinds]


def band_of(score: float) -> str:
    for band, low in BANDS:
        if score >= low:
            return band
    return ""


def _name(probe: Probe, candidate: Probe) -> tuple[float, dict[str, str], bool, int]:
    """The best likeness of any of the probe's names to the candidate's: the score, how each
    part matched, whether the order was swapped, and how many words matched."""
    best: tuple[float, dict[str, str], bool, int] = (0.0, {}, False, 0)
    for text in probe.name_texts():
        m = compare_name(
            text,
            given=candidate.given,
            family=candidate.family,
            patronymic=candidate.patronymic,
            others=list(candidate.others),
        )
        if m.score > best[0]:
            best = (m.score, m.parts, m.swapped, len(m.parts))
    return best


def score(probe: Probe, candidate: Probe) -> Match:
    """How likely ``candidate`` is the person of ``probe``: 0..1, a band, the reasons why."""
    similarity, parts, swapped, matched_words = _name(probe, candidate)
    if similarity <= 0:
        return Match()
    codes = [f"{part}.{how}" for part, how in parts.items() if part in _PARTS and how in _HOWS]
    if swapped:
        codes.append("order.swapped")
    kinds = {"name"} if codes else set()
    value = 0.8 * similarity
    strong = False  # evidence besides the name that lets a single word reach "high"

    # Birth: a day both know decides; else the years.
    if probe.birth_date and candidate.birth_date:
        if probe.birth_date == candidate.birth_date:
            value += 0.15
            strong = True
            kinds.add("birth_date")
            codes.append("birth.day")
        elif probe.birth_date[:4] == candidate.birth_date[:4]:
            value += 0.03
            kinds.add("birth_date")
            codes.append("birth.year")
        else:
            value -= 0.05 if _years_apart(probe, candidate) <= 1 else 0.35
    elif probe.year is not None and candidate.year is not None:
        apart = _years_apart(probe, candidate)
        if apart == 0:
            value += 0.07
            kinds.add("birth_date")
            codes.append("birth.year")
        elif apart > 1:
            value -= 0.35

    if probe.sex not in _UNKNOWN_SEX and candidate.sex not in _UNKNOWN_SEX:
        if probe.sex == candidate.sex:
            value += 0.02
            kinds.add("sex")
        else:
            value -= 0.35

    if probe.citizenship and candidate.citizenship:
        if probe.citizenship == candidate.citizenship:
            value += 0.03
            kinds.add("citizenship")
            codes.append("citizenship")
        else:
            value -= 0.05  # citizenship is sometimes recorded from what the person said

    if probe.phones & candidate.phones:
        value += 0.2
        strong = True
        kinds.add("phone")
        codes.append("phone")

    if matched_words < 2 and not strong:
        value = min(value, HIGH - 0.01)
    value = max(0.0, min(1.0, value))
    band = band_of(value)
    return Match(
        score=round(value, 3),
        band=band,
        reasons=[Reason(code) for code in codes] if band else [],
        kinds=[k for k in KINDS if k in kinds],
    )


_REASONS = {
    "order.swapped": _("name order swapped"),
    "birth.day": _("born the same day"),
    "birth.year": _("born the same year"),
    "citizenship": _("same citizenship"),
    "phone": _("same phone"),
}


def reason_label(code: str) -> str:
    """The reader's words for a reason's code ("family.transliterated" → "family name,
    transliterated")."""
    if code in _REASONS:
        return str(_REASONS[code])
    part, _dot, how = code.partition(".")
    return f"{_PARTS[part]}, {_HOWS[how]}"


def _years_apart(a: Probe, b: Probe) -> int:
    if a.year is None or b.year is None:
        return 0
    return abs(a.year - b.year)
