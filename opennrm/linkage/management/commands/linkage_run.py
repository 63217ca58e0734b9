"""Run the batch duplicate search from the command line, in this process (no worker).

    manage.py linkage_run --organization "Crisis Centre A"   (or its id or UUID)
    manage.py linkage_run --national                          (at the national coordinator)

Prints the progress and the counts; never a name or a record.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from opennrm.accounts.models import Organization
from opennrm.errors import NotFound
from opennrm.linkage.batch import linkage_run_execute, linkage_run_open
from opennrm.linkage.models_batch import LinkageScope, LinkageStatus


class Command(BaseCommand):
    help = "Batch duplicate search within one organization, or nationally; prints counts only."

    def add_arguments(self, parser: Any) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--organization", help="the organization's name, id or UUID")
        which.add_argument(
            "--national", action="store_true", help="across organizations (national coordinator)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["national"]:
            organization = Organization.objects.filter(
                national_coordinator=True, is_active=True
            ).first()
            if organization is None:
                raise CommandError("No active organization is the national coordinator.")
            scope = LinkageScope.NATIONAL
        else:
            organization = self._organization(options["organization"])
            scope = LinkageScope.ORGANIZATION
        try:
            run = linkage_run_open(organization=organization, scope=scope)
        except NotFound as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"run {run.uuid} ({scope}) for {organization.name}")
        run = linkage_run_execute(
            run_id=run.uuid,
            on_progress=lambda f: self.stdout.write(f"progress {f:.0%}"),
        )
        if run.status != LinkageStatus.DONE:
            raise CommandError(f"run {run.uuid} failed")
        self.stdout.write(
            f"done: {run.records} records, {run.pairs} linked pairs, {run.clusters} groups, "
            f"{run.persons} persons counted once, {run.organizations} organization(s)"
        )

    def _organization(self, value: str) -> Organization:
        organizations = Organization.objects.all()
        found = organizations.filter(name=value)
        if not found.exists() and value.isdigit():
            found = organizations.filter(pk=int(value))
        if not found.exists():
            try:
                found = organizations.filter(uuid=value)
                found.exists()
            except Exception:  # not a UUID
                found = organizations.none()
        if found.count() != 1:
            raise CommandError("No single organization has that name, id or UUID.")
        return found.get()
