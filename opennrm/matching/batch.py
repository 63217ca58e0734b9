"""Batch linkage: which records of a pool are the same person (Splink on DuckDB, in process).

Pure: records in, pairs and clusters out; no models, no actor, no network. The caller decrypts
the records in memory and hands them here; nothing is written to disk (DuckDB in memory, its
spilling to temporary files turned off).

Features come from ``matching.names``: each name word's folded spelling, sound and stem, so
"Юсупова Жанар" and "Yusupova Zhanar" compare as the same spelling. The given and family names
are each compared order-insensitively (a family name found as the other's given name or among
their other names counts), birth date by exact date, one typo, year and year ±1; sex,
citizenship, phones and documents by equality; optional extra columns by edit distance.

Parameters: with at least ``MIN_TRAINED`` records the model is trained on the pool (u by random
sampling with a fixed seed, m by expectation maximisation, term frequencies on the names); a
smaller pool (an organization's few hundred persons) is scored with the fixed priors below, so
two runs on the same records give the same answer either way.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .names import Word, name_words

SEED = 20261203  # every random sample of a run, so a run can be repeated exactly
MIN_TRAINED = 1000  # records: below this, fixed priors (EM needs matches to learn from)
THRESHOLD = 0.5  # match probability of a pair reported by default
U_PAIRS = 1_000_000  # random pairs sampled to estimate u
THREADS = 2

Progress = Callable[[float], None]

_DATE = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})$")
_EXTRA_NAME = re.compile(r"^[a-z][a-z0-9_]{0,30}$")


@dataclass(frozen=True)
class Record:
    """One person's record as linkage sees it: decrypted, in memory only."""

    id: str
    organization: str = ""
    given: str = ""
    family: str = ""
    patronymic: str = ""
    others: tuple[str, ...] = ()
    birth_date: str = ""  # ISO 8601 (or yyyymmdd); "" when unknown
    birth_year: int | None = None  # when only the year is known
    sex: str = ""  # "" or "unknown" when not known
    citizenship: str = ""
    phones: tuple[str, ...] = ()  # normalized numbers or their tokens
    documents: tuple[str, ...] = ()  # document numbers or their tokens
    extra: Mapping[str, str] = field(default_factory=dict)  # column -> value, compared by edits


@dataclass(frozen=True)
class Pair:
    id_a: str
    id_b: str
    probability: float


@dataclass
class LinkResult:
    records: int
    pairs: list[Pair]
    clusters: list[list[str]]  # groups of two or more ids, each the same person
    trained: bool  # True: parameters estimated on the pool; False: fixed priors
    model: dict[str, Any]  # the Splink settings with parameters (JSON-ready)
    seconds: float = 0.0


# --- Features


def _join(items: Iterable[str]) -> str | None:
    value = " ".join(i for i in items if i)
    return value or None


def _words_of(text: str) -> list[Word]:
    return [w for w in name_words(text) if w.fold]


def _date(record: Record) -> tuple[str | None, str | None]:
    match = _DATE.match((record.birth_date or "").strip())
    if match:
        year, month, day = match.groups()
        return f"{year}-{month}-{day}", year
    if record.birth_year:
        return None, str(record.birth_year)
    return None, None


def features(record: Record, extra_columns: Sequence[str] = ()) -> dict[str, Any]:
    """The row Splink compares for one record; names reduced to folded keys."""
    given, family = _words_of(record.given), _words_of(record.family)
    patronymic = _words_of(record.patronymic)
    others = [w for text in record.others for w in _words_of(text)]
    everyone = given + family + patronymic + others
    birth_date, birth_year = _date(record)
    sex = (record.sex or "").strip().lower()
    row: dict[str, Any] = {
        "unique_id": record.id,
        "organization": record.organization or "",
        "given_fold": _join(w.fold for w in given),
        "given_sound": _join(w.sound for w in given),
        "family_fold": _join(w.fold for w in family),
        "family_sound": _join(w.sound for w in family),
        "family_stem": _join(w.stem or w.sound for w in family),
        "patronymic_fold": _join(w.fold for w in patronymic),
        "patronymic_stem": _join(w.stem or w.sound for w in patronymic),
        # Every folded word and sound of every name, for order-insensitive comparison.
        "name_folds": sorted({w.fold for w in everyone}),
        "name_sounds": sorted({w.sound for w in everyone}),
        "birth_date": birth_date,
        "birth_year": birth_year,
        "sex": sex if sex and sex != "unknown" else None,
        "citizenship": (record.citizenship or "").upper() or None,
        "phones": sorted({p for p in record.phones if p}) or None,
        "phone": min((p for p in record.phones if p), default=None),
        "documents": sorted({d for d in record.documents if d}) or None,
        "document": min((d for d in record.documents if d), default=None),
    }
    for column in extra_columns:
        value = (record.extra.get(column) or "").strip().lower()
        row[f"x_{column}"] = value or None
    return row


# --- The model


def _level(sql: str, label: str, m: float, u: float, *, trained: bool, tf: str = "") -> dict:
    level: dict[str, Any] = {"sql_condition": sql, "label_for_charts": label}
    if not trained:
        level["m_probability"], level["u_probability"] = m, u
    if tf and trained:
        level["tf_adjustment_column"] = tf
        level["tf_adjustment_weight"] = 1.0
    return level


def _null(column: str) -> dict:
    return {
        "sql_condition": f'"{column}_l" IS NULL OR "{column}_r" IS NULL',
        "label_for_charts": "null",
        "is_null_level": True,
    }


def _name_comparison(part: str, other: str, *, trained: bool) -> dict:
    """A given or family name compared as spelled, swapped, by sound, stem and edits."""
    fold, sound, o_fold = f"{part}_fold", f"{part}_sound", f"{other}_fold"
    jw = f'jaro_winkler_similarity("{fold}_l", "{fold}_r")'
    stem = "family_stem" if part == "family" else "given_sound"
    levels = [
        _null(fold),
        _level(f'"{fold}_l" = "{fold}_r"', "same spelling", 0.82, 0.003, trained=trained, tf=fold),
        _level(
            f'"{fold}_l" = "{o_fold}_r" OR "{o_fold}_l" = "{fold}_r"',
            "swapped with the other name",
            0.02,
            0.0002,
            trained=trained,
        ),
        _level(f'"{sound}_l" = "{sound}_r"', "same sound", 0.06, 0.002, trained=trained),
        _level(f'"{stem}_l" = "{stem}_r"', "same stem", 0.03, 0.003, trained=trained),
        _level(f"{jw} >= 0.92", "close spelling", 0.03, 0.005, trained=trained),
        _level(
            f'list_contains("name_folds_r", "{fold}_l") '
            f'OR list_contains("name_folds_l", "{fold}_r")',
            "among the other names",
            0.01,
            0.002,
            trained=trained,
        ),
        _level(f"{jw} >= 0.80", "similar spelling", 0.02, 0.05, trained=trained),
        _level("ELSE", "different", 0.01, 0.935, trained=trained),
    ]
    return {"output_column_name": f"{part}_name", "comparison_levels": levels}


def _patronymic_comparison(*, trained: bool) -> dict:
    col = "patronymic_fold"
    return {
        "output_column_name": "patronymic",
        "comparison_levels": [
            _null(col),
            _level(f'"{col}_l" = "{col}_r"', "same spelling", 0.85, 0.01, trained=trained),
            _level(
                '"patronymic_stem_l" = "patronymic_stem_r"', "same stem", 0.1, 0.01, trained=trained
            ),
            _level("ELSE", "different", 0.05, 0.98, trained=trained),
        ],
    }


def _birth_comparison(*, trained: bool) -> dict:
    year = 'TRY_CAST("birth_year_l" AS INTEGER) - TRY_CAST("birth_year_r" AS INTEGER)'
    return {
        "output_column_name": "birth",
        "comparison_levels": [
            _null("birth_year"),
            _level('"birth_date_l" = "birth_date_r"', "same date", 0.8, 0.0001, trained=trained),
            _level(
                'damerau_levenshtein("birth_date_l", "birth_date_r") <= 1',
                "date one typo apart",
                0.1,
                0.0015,
                trained=trained,
            ),
            _level('"birth_year_l" = "birth_year_r"', "same year", 0.05, 0.02, trained=trained),
            _level(f"abs({year}) <= 1", "year one apart", 0.03, 0.04, trained=trained),
            _level("ELSE", "different", 0.02, 0.9385, trained=trained),
        ],
    }


def _equal_comparison(column: str, m: float, u: float, *, trained: bool) -> dict:
    return {
        "output_column_name": column,
        "comparison_levels": [
            _null(column),
            _level(f'"{column}_l" = "{column}_r"', "same", m, u, trained=trained),
            _level("ELSE", "different", 1 - m, 1 - u, trained=trained),
        ],
    }


def _list_comparison(column: str, m: float, u: float, *, trained: bool) -> dict:
    return {
        "output_column_name": column,
        "comparison_levels": [
            _null(column),
            _level(f'list_has_any("{column}_l", "{column}_r")', "shared", m, u, trained=trained),
            _level("ELSE", "none shared", 1 - m, 1 - u, trained=trained),
        ],
    }


def _document_comparison(*, trained: bool) -> dict:
    return {
        "output_column_name": "documents",
        "comparison_levels": [
            _null("document"),
            _level(
                'list_has_any("documents_l", "documents_r")', "shared", 0.8, 0.0001, trained=trained
            ),
            _level(
                'damerau_levenshtein("document_l", "document_r") <= 2',
                "one or two typos apart",
                0.15,
                0.001,
                trained=trained,
            ),
            _level("ELSE", "different", 0.05, 0.9989, trained=trained),
        ],
    }


def _extra_comparison(column: str, *, trained: bool) -> dict:
    col = f"x_{column}"
    # Levenshtein, not Damerau-Levenshtein: six times faster in DuckDB, and an address's typo is
    # rarely a transposition.
    dl = f'levenshtein("{col}_l", "{col}_r")'
    return {
        "output_column_name": col,
        "comparison_levels": [
            _null(col),
            _level(f'"{col}_l" = "{col}_r"', "same", 0.8, 0.01, trained=trained, tf=col),
            _level(f"{dl} <= 1", "one edit apart", 0.1, 0.01, trained=trained),
            _level(f"{dl} <= 2", "two edits apart", 0.05, 0.02, trained=trained),
            _level("ELSE", "different", 0.05, 0.96, trained=trained),
        ],
    }


BLOCKING = [
    # Each rule is one way a true pair may still meet despite a misspelling elsewhere.
    'l."given_fold" = r."given_fold" AND l."family_fold" = r."family_fold"',
    'l."given_fold" = r."family_fold" AND l."family_fold" = r."given_fold"',
    'l."family_sound" = r."family_sound" AND l."birth_year" = r."birth_year"',
    'l."given_sound" = r."given_sound" AND l."birth_year" = r."birth_year"',
    'l."family_stem" = r."family_stem" AND l."given_sound" = r."given_sound"',
    'l."birth_date" = r."birth_date"',
    'l."document" = r."document"',
    'l."phone" = r."phone"',
]


def settings(
    *,
    trained: bool,
    extra_columns: Sequence[str] = (),
    between_organizations: bool = False,
    extra_blocking: Sequence[Sequence[str]] = (),
    prior: float = 0.001,
) -> dict[str, Any]:
    """The Splink settings: the same comparisons and blocking for DuckDB and Spark.

    ``between_organizations``: only pairs of records of two different organizations.
    ``prior``: the probability that two random records are the same person (fixed priors).
    """
    comparisons = [
        _name_comparison("family", "given", trained=trained),
        _name_comparison("given", "family", trained=trained),
        _patronymic_comparison(trained=trained),
        _birth_comparison(trained=trained),
        _equal_comparison("sex", 0.97, 0.5, trained=trained),
        _equal_comparison("citizenship", 0.9, 0.3, trained=trained),
        _list_comparison("phones", 0.5, 0.0005, trained=trained),
        _document_comparison(trained=trained),
        *(_extra_comparison(c, trained=trained) for c in extra_columns),
    ]
    across = ' AND l."organization" <> r."organization"' if between_organizations else ""
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "probability_two_random_records_match": prior,
        "comparisons": comparisons,
        "blocking_rules_to_generate_predictions": [
            {"blocking_rule": f"({rule}){across}"}
            for rule in [
                *BLOCKING,
                *(" AND ".join(f'l."x_{c}" = r."x_{c}"' for c in cols) for cols in extra_blocking),
            ]
        ],
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
        "additional_columns_to_retain": [],
    }


# --- The run


def link(
    records: Sequence[Record],
    *,
    threshold: float = THRESHOLD,
    extra_columns: Sequence[str] = (),
    between_organizations: bool = False,
    extra_blocking: Sequence[Sequence[str]] = (),
    trained: bool | None = None,
    progress: Progress | None = None,
) -> LinkResult:
    """Link ``records``: pairs of the same person with a match probability ≥ ``threshold``,
    and clusters (connected pairs). ``trained`` None: trained when the pool is large enough.
    ``extra_blocking``: more blocking rules, each a tuple of extra columns that must all be
    equal. ``progress`` is told the fraction done (0..1) at each step."""
    import time

    started = time.perf_counter()
    report = progress or (lambda fraction: None)
    for column in [*extra_columns, *(c for rule in extra_blocking for c in rule)]:
        if not _EXTRA_NAME.match(column) or column not in extra_columns:
            raise ValueError("extra columns: lower-case letters, digits and _, each declared")
    report(0.0)
    ids = [r.id for r in records]
    if len(set(ids)) != len(ids):
        raise ValueError("record ids must be unique")
    if trained is None:
        trained = len(records) >= MIN_TRAINED
    model = settings(
        trained=trained,
        extra_columns=extra_columns,
        between_organizations=between_organizations,
        extra_blocking=extra_blocking,
        prior=_prior(len(records)),
    )
    if len(records) < 2:
        report(1.0)
        return LinkResult(len(records), [], [], trained, model, time.perf_counter() - started)
    rows = [features(r, extra_columns) for r in records]
    report(0.1)
    pairs, model = _splink(rows, model, trained=trained, threshold=threshold, report=report)
    report(0.9)
    clusters = clusters_of(pairs)
    report(1.0)
    return LinkResult(len(records), pairs, clusters, trained, model, time.perf_counter() - started)


def _prior(count: int) -> float:
    """The prior that two random records are one person: about one duplicate per ten records
    among ``count`` records (an organization's duplicates are few), bounded for tiny pools."""
    if count < 2:
        return 0.001
    return min(0.01, max(1e-7, (count / 10) / (count * (count - 1) / 2)))


def _splink(
    rows: list[dict[str, Any]],
    model: dict[str, Any],
    *,
    trained: bool,
    threshold: float,
    report: Progress,
) -> tuple[list[Pair], dict[str, Any]]:
    import duckdb
    from splink import DuckDBAPI, Linker, block_on

    connection = duckdb.connect(":memory:")
    connection.execute(f"SET threads = {THREADS}")
    # The features are decrypted names: never spilled to a temporary file (an oversized pool
    # fails with an out-of-memory error instead of writing them to disk).
    connection.execute("SET temp_directory = ''")
    try:
        db_api = DuckDBAPI(connection=connection)
        table = db_api.register(rows, table_name="records")
        linker = Linker(table, model, log_level=logging.WARNING)
        if trained:
            linker.training.estimate_probability_two_random_records_match(
                [
                    'l."document" = r."document"',
                    block_on("given_fold", "family_fold", "birth_date"),
                ],
                recall=0.7,
            )
            report(0.2)
            linker.training.estimate_u_using_random_sampling(max_pairs=U_PAIRS, seed=SEED)
            report(0.4)
            for rule in (block_on("birth_date"), block_on("family_sound", "given_sound")):
                linker.training.estimate_parameters_using_expectation_maximisation(
                    rule, estimate_without_term_frequencies=True
                )
            report(0.6)
        predictions = linker.inference.predict(threshold_match_probability=threshold)
        report(0.8)
        result = predictions.as_duckdbpyrelation().project(
            "unique_id_l, unique_id_r, match_probability"
        )
        pairs = []
        for id_l, id_r, probability in result.fetchall():
            if probability is None or math.isnan(probability) or probability < threshold:
                continue
            a, b = sorted((str(id_l), str(id_r)))
            pairs.append(Pair(a, b, float(probability)))
        pairs.sort(key=lambda p: (-p.probability, p.id_a, p.id_b))
        return pairs, linker.misc.save_model_to_json()
    finally:
        connection.close()


def save_model(model: Mapping[str, Any], path: str) -> None:
    """Write a run's Splink settings with its parameters as JSON: the same file loads into a
    Splink ``Linker`` on DuckDB or Spark (docs/linkage-spark.md). It holds no record."""
    import json

    with open(path, "w", encoding="utf-8") as out:
        json.dump(model, out, indent=2, ensure_ascii=False)
        out.write("\n")


# DuckDB's names of the functions the custom levels use, and Spark's (the last two are
# Splink's own UDFs, registered by SparkAPI(register_udfs_automatically=True)).
_SPARK_FUNCTIONS = {
    "list_has_any(": "arrays_overlap(",
    "list_contains(": "array_contains(",
    "jaro_winkler_similarity(": "jaro_winkler(",
    "damerau_levenshtein(": "damerau_levenshtein(",
    "TRY_CAST(": "try_cast(",
}


def for_spark(model: Mapping[str, Any]) -> dict[str, Any]:
    """The same model (comparisons, blocking, parameters) with Spark SQL's function names."""
    import json

    text = json.dumps(model)
    for duckdb_name, spark_name in _SPARK_FUNCTIONS.items():
        text = text.replace(duckdb_name, spark_name)
    converted = json.loads(text)
    converted["sql_dialect"] = "spark"
    return converted


def clusters_of(pairs: Iterable[Pair | tuple[str, str]]) -> list[list[str]]:
    """Connected groups of ids (union-find), each sorted, largest first."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for pair in pairs:
        a, b = (pair.id_a, pair.id_b) if isinstance(pair, Pair) else pair
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = {}
    for x in list(parent):
        groups.setdefault(find(x), []).append(x)
    return sorted((sorted(g) for g in groups.values() if len(g) > 1), key=lambda g: (-len(g), g))
