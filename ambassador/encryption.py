"""Secrets at rest: the keys, encrypt, decrypt, rotate, and the field that uses them.

Every stored secret (OAuth tokens, app client secrets, team webhook URLs) is an
``EncryptedTextField``, encrypted with MultiFernet from ``cryptography`` (already a
dependency; no encrypted-field package is in the lock). The keys are
``settings.FIELD_ENCRYPTION_KEYS``, comma-separated, newest first: the newest encrypts,
every key decrypts, so a key is rotated in by putting it first, ``manage.py
reencrypt_secrets`` moves every value to it, and then the old key can go. Development
without keys works because the settings derive one from ``SECRET_KEY`` when ``DEBUG`` is on.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction

# Marks a value as ciphertext; a value written before the marker existed decrypts too.
PREFIX = "fernet:"


class DecryptionError(ImproperlyConfigured):
    """A stored value fits none of the configured keys (a key was dropped too early, or the
    value was tampered with)."""


@cache
def _multi_fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS holds a value that is not a Fernet key."
        ) from exc


def encryption() -> MultiFernet:
    """The MultiFernet of the configured keys, newest first; ``ImproperlyConfigured`` naming
    the setting when there are none."""
    keys = tuple(key.strip() for key in settings.FIELD_ENCRYPTION_KEYS if key.strip())
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is required to store secrets.")
    return _multi_fernet(keys)


def is_configured() -> bool:
    """Whether secrets can be stored now (the caller shows a message when not)."""
    try:
        encryption()
    except ImproperlyConfigured:
        return False
    return True


def encrypt(value: str) -> str:
    return PREFIX + encryption().encrypt(value.encode()).decode()


def decrypt(stored: str) -> str:
    try:
        return encryption().decrypt(stored.removeprefix(PREFIX).encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError(
            "A stored secret cannot be decrypted with any key in FIELD_ENCRYPTION_KEYS."
        ) from exc


class EncryptedTextField(models.TextField):
    """A secret. The database holds only ciphertext; an empty value stays empty so "no
    token" needs no key. Not searchable, by design."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return value
        return encrypt(value)

    def value_to_string(self, obj):
        """Serialisation (dumpdata, exports) never writes the secret."""
        return ""


@dataclass(frozen=True)
class Rotated:
    model: str
    rows: int
    rewritten: int


def reencrypt_all(*, batch: int = 500) -> Iterator[Rotated]:
    """Rewrite every encrypted value of every model with the newest key, model by model.

    Rows are read and written in batches, each batch locked and in its own transaction, so
    a value changed meanwhile (a refreshed token) is never overwritten by an older one.
    """
    encryption()  # stops here, naming the setting, when no key is configured
    for model in apps.get_models():
        names = [
            f.attname for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)
        ]
        if not names:
            continue
        manager = model._base_manager
        pks = list(manager.order_by("pk").values_list("pk", flat=True))
        rewritten = 0
        for start in range(0, len(pks), batch):
            with transaction.atomic():
                rows = manager.select_for_update().filter(pk__in=pks[start : start + batch])
                # Read decrypted with whichever key fits, written back with the newest.
                for pk, *values in rows.values_list("pk", *names):
                    update = {n: v for n, v in zip(names, values, strict=True) if v}
                    if update:
                        manager.filter(pk=pk).update(**update)
                        rewritten += 1
        yield Rotated(model._meta.label, len(pks), rewritten)
