"""Import an HTCDS 2.0 file (the official Excel templates, CSV or JSON) into an organization.

    manage.py import_htcds FILE --organization NAME_OR_ID [--user EMAIL] [--dry-run]
                                [--valid-rows-only]

Prints how the file was read, what it would create or update (or did), then every problem, one
per line with sheet, row, column and field. Exits non-zero when the file is refused or, without
``--valid-rows-only``, when any row is. The cases are opened by ``--user``, a member of the
organization allowed to open cases (by default its one active supervisor), and audited as theirs.
Progress goes to standard error every 500 rows.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from opennrm.accounts.models import Membership, Organization, Role
from opennrm.accounts.permissions import Actor
from opennrm.errors import ApplicationError
from opennrm.interop.readers import FileRefused
from opennrm.interop.services import ImportResult, import_preview, import_run


def organization_find(name_or_id: str) -> Organization:
    """The organization by its id, UUID or exact name (a name two organizations share is
    refused)."""
    organizations = Organization.objects.filter(is_active=True)
    if name_or_id.isdigit():
        found = organizations.filter(pk=int(name_or_id)).first()
        if found:
            return found
    try:
        found = organizations.filter(uuid=uuid.UUID(name_or_id)).first()
    except ValueError:
        found = None
    if found:
        return found
    named = list(organizations.filter(name__iexact=name_or_id.strip())[:2])
    if len(named) == 1:
        return named[0]
    if named:
        raise CommandError(f"Two organizations are named {name_or_id!r}: give its id.")
    raise CommandError(f"No such organization: {name_or_id!r}")


def member_find(organization: Organization, email: str | None) -> Actor:
    memberships = Membership.objects.filter(
        organization=organization, is_active=True, user__is_active=True
    ).select_related("user", "organization")
    if email:
        membership = memberships.filter(user__email__iexact=email).first()
        if membership is None:
            raise CommandError(f"{email} is not an active member of {organization.name}.")
    else:
        supervisors = list(memberships.filter(role=Role.SUPERVISOR)[:2])
        if len(supervisors) != 1:
            raise CommandError(
                "Name the member who imports with --user EMAIL "
                "(the organization has no single active supervisor)."
            )
        membership = supervisors[0]
    return Actor.of(membership.user, membership)


class Command(BaseCommand):
    help = "Import an HTCDS 2.0 file (Excel template, CSV or JSON) into an organization."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="the .xlsx, .csv or .json file")
        parser.add_argument("--organization", required=True, help="the organization's name or id")
        parser.add_argument("--user", help="the e-mail of the member who imports")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and preview; save nothing"
        )
        parser.add_argument(
            "--valid-rows-only",
            action="store_true",
            help="save the rows without problems and list the others",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        organization = organization_find(options["organization"])
        actor = member_find(organization, options["user"])

        def progress(done: int, total: int | None) -> None:
            self.stderr.write(f"{done} rows read" + (f" of {total}" if total else ""))

        try:
            with path.open("rb") as file:
                if options["dry_run"]:
                    result = import_preview(
                        actor=actor,
                        organization=organization,
                        file=file,
                        name=path.name,
                        progress=progress,
                    )
                else:
                    result = import_run(
                        actor=actor,
                        organization=organization,
                        file=file,
                        name=path.name,
                        valid_rows_only=options["valid_rows_only"],
                        progress=progress,
                    )
        except FileRefused as exc:
            raise CommandError(
                "\n".join([exc.message, *(p.line() for p in exc.problems)])
            ) from None
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        self._report(result, dry_run=options["dry_run"])
        refused = result.problem_count and not (options["valid_rows_only"] and result.saved)
        if refused:
            raise CommandError(
                f"{result.problem_count} problems in {result.rows_refused} of {result.rows} rows; "
                + (
                    "nothing would be saved as it is."
                    if options["dry_run"]
                    else "nothing was saved."
                )
            )

    def _report(self, result: ImportResult, *, dry_run: bool) -> None:
        write = self.stdout.write
        sheet = f" sheet {result.sheet}," if result.sheet else ""
        write(f"Read as {result.kind.upper()},{sheet} columns mapped by {result.mapped_by}.")
        for note in result.notes:
            write(note)
        verb = "would" if dry_run else ("did" if result.saved else "would have")
        write(
            f"{result.rows} rows: {verb} create {result.persons_create} persons and "
            f"{result.cases_create} cases, update {result.cases_update} cases, "
            f"leave {result.cases_unchanged} unchanged; {result.rows_refused} rows refused."
        )
        if result.saved:
            write("Saved.")
        for warning in result.warnings:
            write(f"Note: {warning.line()}")
        for problem in result.problems:
            write(problem.line())
        if result.problem_count > len(result.problems):
            write(f"... and {result.problem_count - len(result.problems)} more problems.")
