"""Load the questionnaire files (``opennrm/screening/questionnaires``); safe to run again."""

from django.core.management.base import BaseCommand, CommandError

from opennrm.screening.loader import QuestionnaireFileError, questionnaires_load


class Command(BaseCommand):
    help = "Load new questionnaire versions; a version already used is never changed in place."

    def handle(self, *args, **options):
        try:
            report = questionnaires_load()
        except QuestionnaireFileError as exc:
            raise CommandError(str(exc)) from None
        for label in report.created:
            self.stdout.write(f"loaded {label}")
        for label in report.reloaded:
            self.stdout.write(f"reloaded {label} (not used yet)")
        self.stdout.write(f"{len(report.unchanged)} unchanged")
        if report.refused:
            raise CommandError(
                f"changed but already used: {', '.join(report.refused)}. "
                "Publish the correction as a new version file."
            )
