"""Re-encrypt every stored secret with the newest key of FIELD_ENCRYPTION_KEYS.

Rotation: put the new key first in FIELD_ENCRYPTION_KEYS (keep the old ones after it), run
this command, then drop the old keys. Reading decrypts with whichever key fits; writing
encrypts with the newest.
"""

from django.core.management.base import BaseCommand

from ambassador.encryption import reencrypt_all


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field with the newest key of FIELD_ENCRYPTION_KEYS."

    def handle(self, *args, **options):
        total = 0
        for rotated in reencrypt_all():
            self.stdout.write(f"{rotated.model}: {rotated.rows} rows")
            total += rotated.rewritten
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted {total} rows with the newest key."))
