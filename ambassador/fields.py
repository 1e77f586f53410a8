"""Secrets at rest: a text field encrypted with MultiFernet.

No encrypted-field package is in the lock, so this small field does the job with
``cryptography``'s MultiFernet, which is already a dependency. Keys come from
``settings.FIELD_ENCRYPTION_KEYS`` (newest first): the newest encrypts, every key decrypts,
so a new key can be put in front and ``manage.py reencrypt_secrets`` moves every value to it.
"""

from __future__ import annotations

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "fernet:"


@cache
def _multi_fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def encryption() -> MultiFernet:
    """The MultiFernet of the configured keys, newest first."""
    keys = tuple(k.strip() for k in settings.FIELD_ENCRYPTION_KEYS if k.strip())
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is required to store secrets.")
    return _multi_fernet(keys)


def encrypt(value: str) -> str:
    return PREFIX + encryption().encrypt(value.encode()).decode()


def decrypt(stored: str) -> str:
    try:
        return encryption().decrypt(stored.removeprefix(PREFIX).encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "A stored secret cannot be decrypted with any key in FIELD_ENCRYPTION_KEYS."
        ) from exc


class EncryptedTextField(models.TextField):
    """A secret (an OAuth token, a client secret). The database holds only ciphertext; an
    empty value stays empty so "no token" needs no key. Not searchable, by design."""

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
