from django.core.management.base import BaseCommand, CommandError

from opennrm.audit.services import audit_verify


class Command(BaseCommand):
    help = "Verify the hash chain of the audit log; name the first event that was tampered with."

    def handle(self, *args, **options):
        result = audit_verify()
        if result.ok:
            self.stdout.write(f"audit log intact: {result.checked} event(s) verified")
            return
        raise CommandError(
            f"audit log broken at event #{result.event_id} ({result.event_uuid}): {result.problem}"
            f" ({result.checked} event(s) before it verified)"
        )
