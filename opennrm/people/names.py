"""Names in any script: which script a name is written in, and its search tokens."""

from __future__ import annotations

import unicodedata

from opennrm.crypto.keyring import blind_index

# ISO 15924 codes of the scripts seen in the region; others are named by Unicode.
_SCRIPTS = {"LATIN": "Latn", "CYRILLIC": "Cyrl", "ARABIC": "Arab", "GREEK": "Grek"}


def script_of(text: str) -> str:
    """The ISO 15924 code of the script most letters of ``text`` are in ("Zyyy" if none)."""
    counts: dict[str, int] = {}
    for char in text:
        if char.isalpha():
            name = unicodedata.name(char, "")
            script = _SCRIPTS.get(name.split(" ")[0], "Zzzz") if name else "Zzzz"
            counts[script] = counts.get(script, 0) + 1
    return max(counts, key=lambda k: counts[k]) if counts else "Zyyy"


def name_tokens(*, given: str, family: str, patronymic: str, others: list[str]) -> set[str]:
    """Blind-index tokens for each name part, the full name in both orders, and each alias."""
    parts = [p for p in (given, family, patronymic) if p.strip()]
    values = set(parts) | {v for v in others if v.strip()}
    if given.strip() and family.strip():
        values |= {f"{given} {family}", f"{family} {given}"}
    return {blind_index(v, purpose="name") for v in values}
