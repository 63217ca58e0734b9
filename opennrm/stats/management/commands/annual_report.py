"""Write the annual report of an organization, or of the country, from the command line.

    manage.py annual_report --organization "IOM Kazakhstan, Almaty office" --year 2005 \\
        [--format pdf|html|text] [--national] [--output FILE]

Run by the server's operator: no actor; what it writes is audited under the organization.
pdf and html go to --output, or to stdout as bytes; text prints the key figures one a line,
``key value`` (``people_assisted 49``, ``citizenship.UZ 16``; ``suppressed`` for a figure under
the threshold). A bad year or an unknown organization: a message and a non-zero exit.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from opennrm.errors import NotFound, ValidationFailed
from opennrm.stats import report


class Command(BaseCommand):
    help = "Write an organization's (or with --national the country's) annual report."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--organization", help="the organization's name, id or UUID")
        parser.add_argument("--year", required=True, help="the year, e.g. 2005")
        parser.add_argument("--format", choices=report.FORMATS, default="pdf")
        parser.add_argument(
            "--national",
            action="store_true",
            help="the country's report (the organization, if given, is the national coordinator)",
        )
        parser.add_argument("--output", help="the file to write (default: stdout)")
        parser.add_argument("--language", default="en", help="the report's language (en, ru...)")

    def handle(self, *args: Any, **options: Any) -> None:
        file_format = options["format"]
        with translation.override(options["language"]):
            try:
                if options["organization"]:
                    organization = report.command_organization(options["organization"])
                elif options["national"]:
                    organization = report.national_coordinator()
                else:
                    raise CommandError("Give --organization (or --national).")
                found = report.report_system(
                    organization=organization, year=options["year"], national_=options["national"]
                )
            except ValidationFailed as exc:
                lines = [m for messages in exc.errors.values() for m in messages]
                raise CommandError(" ".join(["year:", *lines])) from None
            except NotFound as exc:
                raise CommandError(str(exc)) from None
            if file_format == "text":
                body = report.render_text(found).encode()
            elif file_format == "html":
                body = report.render_html(found).encode()
            else:
                body = report.render_pdf(found)
            report.report_written_record(actor=None, report=found, file_format=file_format)
        if file_format == "text" and not options["output"]:
            self.stdout.write(body.decode(), ending="")
        elif options["output"]:
            Path(options["output"]).write_bytes(body)
        else:
            self.stdout.flush()
            sys.stdout.buffer.write(body)
            sys.stdout.buffer.flush()
