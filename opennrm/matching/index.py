"""An in-memory equivalent of the product's name search, for benchmarks and experiments.

``people.search.persons_by_name`` looks a name's keys (``names.query_tokens``) up among the stored
blind indexes (``names.Lookup.plan``: a key many share brings no candidate alone), ranks the
persons by the summed weight of the keys they share and keeps the best ``CANDIDATES``; the caller
then decrypts those few and scores them with ``names.compare_name``. ``NameIndex`` does the same
with the keys' plain values (``names.index_values`` and ``names.query_lookup``, normalized as
``blind_index`` normalizes them) instead of their HMACs, so a figure measured here is the figure
of the product's algorithm, without a database.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass

from opennrm.crypto.keyring import normalize_for_index

from .names import Lookup, NameMatch, compare_name, index_values, query_lookup

CANDIDATES = 200  # as people.search.CANDIDATES: persons scored per search at most


@dataclass(frozen=True)
class Names:
    """A person's names as stored: the parts the product keeps apart."""

    given: str = ""
    family: str = ""
    patronymic: str = ""
    others: tuple[str, ...] = ()


@dataclass(frozen=True)
class Found:
    person: int
    weight: int  # the summed weight of the keys shared with the search
    match: NameMatch


def _key(purpose: str, value: str) -> tuple[str, str]:
    return purpose, normalize_for_index(value)


class NameIndex:
    """Persons by their name keys; ``search`` ranks and scores as the product does."""

    def __init__(self) -> None:
        self._postings: dict[tuple[str, str], list[int]] = defaultdict(list)
        self._names: dict[int, Names] = {}

    def __len__(self) -> int:
        return len(self._names)

    def names(self, person: int) -> Names:
        return self._names[person]

    def add(self, person: int, names: Names) -> None:
        if person in self._names:
            raise ValueError(f"person {person} is already indexed")
        self._names[person] = names
        values = index_values(
            given=names.given,
            family=names.family,
            patronymic=names.patronymic,
            others=list(names.others),
        )
        for key in {_key(purpose, value) for purpose, value in values}:
            self._postings[key].append(person)

    def candidates(self, text: str, *, limit: int = CANDIDATES) -> list[tuple[int, int]]:
        """(person, shared key weight), best first, at most ``limit``: ``persons_by_name``."""
        lookup = _normalized(query_lookup(text))
        plan = lookup.plan(self._shared(lookup.keys()), self._shared(lookup.sounds()))
        if not plan.both:
            return self._ranked(plan.bring, limit)
        weights = self._summed(plan.bring)
        known: dict[int, set[tuple[str, str]]] = defaultdict(set)
        for a, b in plan.both:
            for person in set(self._postings.get(a, ())) & set(self._postings.get(b, ())):
                known[person].update((a, b))
        for person, keys in known.items():
            weights[person] += sum(plan.rank[key] for key in keys)
        return heapq.nsmallest(limit, weights.items(), key=_rank)

    def _shared(self, keys: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
        return {key: len(self._postings.get(key, ())) for key in keys}

    def _summed(self, weights: dict[tuple[str, str], int]) -> dict[int, int]:
        summed: dict[int, int] = defaultdict(int)
        for key, weight in weights.items():
            for person in self._postings.get(key, ()):
                summed[person] += weight
        return summed

    def _ranked(self, weights: dict[tuple[str, str], int], limit: int) -> list[tuple[int, int]]:
        # Best weight first, then the lower id, as the query's ORDER BY -weight, person_id.
        return heapq.nsmallest(limit, self._summed(weights).items(), key=_rank)

    def search(self, text: str, *, limit: int = CANDIDATES) -> list[Found]:
        """The candidates scored by ``compare_name``, best score first (then key weight)."""
        found = []
        for person, weight in self.candidates(text, limit=limit):
            names = self._names[person]
            match = compare_name(
                text,
                given=names.given,
                family=names.family,
                patronymic=names.patronymic,
                others=list(names.others),
            )
            found.append(Found(person, weight, match))
        found.sort(key=lambda f: (-f.match.score, -f.weight, f.person))
        return found


def _rank(item: tuple[int, int]) -> tuple[int, int]:
    return -item[1], item[0]


def _normalized(lookup: Lookup) -> Lookup:
    """The lookup's keys normalized as ``blind_index`` normalizes them before hashing."""

    def weights(keys: dict[tuple[str, str], int]) -> dict[tuple[str, str], int]:
        out: dict[tuple[str, str], int] = {}
        for (purpose, value), weight in keys.items():
            key = _key(purpose, value)
            out[key] = max(out.get(key, 0), weight)
        return out

    return Lookup(
        weights(lookup.pairs),
        weights(lookup.words),
        tuple((_key(*sound), weights(near)) for sound, near in lookup.near),
        tuple(tuple(_key(*key) for key in keys) for keys in lookup.covers),
    )
