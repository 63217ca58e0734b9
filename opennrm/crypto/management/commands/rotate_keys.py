from django.core.management.base import BaseCommand

from opennrm.crypto.rotation import rotate_keys


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted column with the first key of OPENNRM_FIELD_KEYS. "
        "Put the new key first, keep the old ones until this has run, then remove them."
    )

    def handle(self, *args, **options):
        for column, count in rotate_keys().items():
            self.stdout.write(f"{column}: {count} value(s) re-encrypted")
