"""An in-memory equivalent of the product's name search, for benchmarks and experiments.

``people.search.persons_by_name`` looks a name's keys (``names.query_tokens``) up among the stored
blind indexes, pairs of words first (``names.Lookup``), ranks the persons by the summed weight of
the keys they share and keeps the best ``CANDIDATES``; the caller then decrypts those few and
scores them with ``names.compare_name``. ``NameIndex`` does the same with the keys' plain values
(``names.index_values`` and ``names.query_lookup``, normalized as ``blind_index`` normalizes them)
instead of their HMACs, so a figure measured here is the figure of the product's algorithm,
without a database.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass

from opennrm.crypto.keyring import normalize_for_index

from .names import NEAR_WHEN_FEWER, NameMatch, compare_name, index_values, query_lookup

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
        lookup = query_lookup(text)
        pairs = self._normalized(lookup.pairs)
        if pairs:
            found = self._ranked(pairs, limit)
            if len(found) >= limit:
                return found
        weights = self._normalized(lookup.words)
        for sound, near in lookup.near:
            if len(self._postings.get(_key(*sound), ())) < NEAR_WHEN_FEWER:
                for key, weight in self._normalized(near).items():
                    weights[key] = max(weights.get(key, 0), weight)
        for key, weight in pairs.items():
            weights[key] = max(weights.get(key, 0), weight)
        return self._ranked(weights, limit)

    @staticmethod
    def _normalized(keys: dict[tuple[str, str], int]) -> dict[tuple[str, str], int]:
        weights: dict[tuple[str, str], int] = {}
        for (purpose, value), weight in keys.items():
            key = _key(purpose, value)
            weights[key] = max(weights.get(key, 0), weight)
        return weights

    def _ranked(self, weights: dict[tuple[str, str], int], limit: int) -> list[tuple[int, int]]:
        summed: dict[int, int] = defaultdict(int)
        for key, weight in weights.items():
            for person in self._postings.get(key, ()):
                summed[person] += weight
        # Best weight first, then the lower id, as the query's ORDER BY -weight, person_id.
        return heapq.nsmallest(limit, ((p, w) for p, w in summed.items()), key=_rank)

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
