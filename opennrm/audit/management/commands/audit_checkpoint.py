from typing import Any

from django.core.management.base import BaseCommand

from opennrm.audit.management.commands.audit_verify import refuse
from opennrm.audit.services import audit_checkpoint_write, audit_verify


class Command(BaseCommand):
    help = (
        "Verify the audit chain from its newest checkpoint and append a new signed checkpoint of"
        " its head: run it on a schedule (every few minutes), and audit_verify daily."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_verify(from_checkpoint=True)
        if not result.ok:
            raise refuse(result)
        checkpoint, path = audit_checkpoint_write(result)
        since = result.started_from
        walked = result.checked - (since.count if since else 0)
        self.stdout.write(
            f"audit checkpoint written to {path}: count {checkpoint.count}, head"
            f" #{checkpoint.head_id} ({walked} event(s) verified since the last checkpoint)"
        )
