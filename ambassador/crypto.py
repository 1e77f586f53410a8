"""Secrets at rest: text encrypted with the Fernet keys in ``FIELD_ENCRYPTION_KEYS``.

The keys are comma-separated, newest first. Encryption always uses the newest key;
decryption tries each, so a key can be rotated in by putting it first and rotated out
once ``reencrypt`` has rewritten the old values. Without any key, only a development
setup (``DEBUG``) works: it derives one from ``SECRET_KEY`` so ``make run`` needs nothing.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class DecryptionError(Exception):
    """The value was not made with any of the configured keys (or was tampered with)."""


def _keys() -> list[bytes]:
    keys = [key.strip().encode() for key in settings.FIELD_ENCRYPTION_KEYS if key.strip()]
    if keys:
        return keys
    if settings.DEBUG:
        digest = hashlib.sha256(f"field-encryption:{settings.SECRET_KEY}".encode()).digest()
        return [base64.urlsafe_b64encode(digest)]
    raise ImproperlyConfigured(
        "FIELD_ENCRYPTION_KEYS is required to store secrets when DEBUG is off."
    )


def _fernet() -> MultiFernet:
    try:
        return MultiFernet([Fernet(key) for key in _keys()])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS holds a value that is not a Fernet key."
        ) from exc


def is_configured() -> bool:
    """Whether secrets can be stored now (the caller shows a message when not)."""
    try:
        _fernet()
    except ImproperlyConfigured:
        return False
    return True


def encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError("The value cannot be decrypted with the configured keys.") from exc


def reencrypt(token: str) -> str:
    """``token`` encrypted again with the newest key (key rotation)."""
    try:
        return _fernet().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError("The value cannot be decrypted with the configured keys.") from exc
