"""``manage.py generate_population``: synthetic persons with one case each, for benchmarks and
for matching tests. Development and test settings only (``opennrm.devtools`` is not installed in
production).

``manage.py generate_population --persons N --seed S [--organizations K] [--duplicate-share 0.05]
[--truth-file var/population-truth.csv] [--batch 5000] [--workers W]``

A known share of persons are the same person recorded again at another organization, spelt
differently or with fields missing: ``--duplicate-share`` of the records (exactly round(share x
batch) per batch) are further records of a person recorded in the same batch. The truth file
(CSV: person_uuid, identity_id, organization_uuid) maps each person's UUID to the identity it
stands for. The same seed gives the same people, whatever the number of processes; UUIDs are
random, as for any person.

The parts: ``identities`` (who the invented people are), ``bulk_writer`` (their rows as the
services would store them), ``runner`` (setup, the sample check, the batches). Speed, on the
shared 2-core machine: see bench/results/generation-2026-11-29.txt.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from opennrm.devtools.runner import Population, population_generate


class Command(BaseCommand):
    help = "Generate synthetic persons with one case each (invented data, for benchmarks)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--persons", type=int, required=True)
        parser.add_argument("--seed", type=int, required=True)
        parser.add_argument("--organizations", type=int, default=10)
        parser.add_argument("--duplicate-share", type=float, default=0.05)
        parser.add_argument("--truth-file", default="var/population-truth.csv")
        parser.add_argument("--batch", type=int, default=5000)
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="PostgreSQL: processes that generate and write batches side by side, each with "
            "its own connection (default: one per core). SQLite: processes that generate and "
            "prepare the next batches while this process writes (default: none).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        population = Population(
            persons=options["persons"],
            seed=options["seed"],
            organizations=options["organizations"],
            duplicate_share=options["duplicate_share"],
            truth_file=options["truth_file"],
            batch=options["batch"],
            workers=options["workers"],
        )
        population_generate(population, say=self.stdout.write)
