import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from opennrm.audit.services import VerifyResult, audit_checkpoint_write, audit_verify

logger = logging.getLogger("opennrm.audit")


def refuse(result: VerifyResult) -> CommandError:
    """The failure as the command's error (non-zero exit), logged for whoever watches the log."""
    where = f"at event #{result.event_id} ({result.event_uuid})" if result.event_id else ""
    message = (
        f"audit log broken{' ' + where if where else ''}: {result.problem}"
        f" ({result.checked} event(s) before it verified)"
    )
    logger.error("%s", message)
    return CommandError(message)


class Command(BaseCommand):
    help = (
        "Verify the keyed chain of the audit log against every checkpoint; name the first event"
        " that was changed, removed or forged. When intact, append a new signed checkpoint."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_verify()
        if not result.ok:
            raise refuse(result)
        checkpoint, path = audit_checkpoint_write(result)
        self.stdout.write(
            f"audit log intact: {result.checked} event(s) verified against"
            f" {result.checkpoints} checkpoint(s); checkpoint written to {path}"
            f" (count {checkpoint.count}, head #{checkpoint.head_id})"
        )
