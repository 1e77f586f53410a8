"""Re-encrypt every stored secret with the newest key of FIELD_ENCRYPTION_KEYS.

Rotation: put the new key first in FIELD_ENCRYPTION_KEYS (keep the old ones after it), run
this command, then drop the old keys. Reading decrypts with whichever key fits; writing
encrypts with the newest. Rows are rewritten in batches, each batch locked and in its own
transaction, so a token refreshed meanwhile is not overwritten by an older value.
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from ambassador.fields import EncryptedTextField, encryption

BATCH = 500


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field with the newest key of FIELD_ENCRYPTION_KEYS."

    def handle(self, *args, **options):
        encryption()  # stops here, naming the setting, when no key is configured
        total = 0
        for model in apps.get_models():
            names = [
                f.attname for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)
            ]
            if not names:
                continue
            manager = model._base_manager
            pks = list(manager.order_by("pk").values_list("pk", flat=True))
            for start in range(0, len(pks), BATCH):
                with transaction.atomic():
                    rows = manager.select_for_update().filter(pk__in=pks[start : start + BATCH])
                    for pk, *values in rows.values_list("pk", *names):
                        update = {n: v for n, v in zip(names, values, strict=True) if v}
                        if update:
                            manager.filter(pk=pk).update(**update)
                            total += 1
            self.stdout.write(f"{model._meta.label}: {len(pks)} rows")
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted {total} rows with the newest key."))
