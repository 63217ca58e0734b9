"""Import a CTDC global data set file as a reference data set, from the command line.

    manage.py import_ctdc CTDC_global_dataset.csv [--name "CTDC global data set 2017"]

Ends with the number of rows imported, then one ``YEAR COUNT`` line per year of registration,
years in order (``unknown COUNT`` last, for rows without a year). A refused file saves nothing
and the command names what was wrong (line, column).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from opennrm.errors import ValidationFailed
from opennrm.stats.ctdc_import import reference_import_system, reference_year_counts


class Command(BaseCommand):
    help = "Import a CTDC global data set file (;-separated CSV) as a reference data set."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="the CSV file as CTDC publishes it")
        parser.add_argument("--name", help="the data set's name (default: the file's name)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            with path.open("rb") as file:
                dataset = reference_import_system(
                    name=options["name"] or path.stem, file=file, source_name=path.name
                )
        except ValidationFailed as exc:
            lines = [m for messages in exc.errors.values() for m in messages]
            raise CommandError("\n".join([exc.message, *lines])) from None
        self.stdout.write(f"{dataset.row_count} rows imported")
        for year, count in reference_year_counts(dataset):
            self.stdout.write(f"{year if year is not None else 'unknown'} {count}")
