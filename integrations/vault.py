"""The credential vault: secrets encrypted at rest with Fernet (AES-128-CBC + HMAC).

Keys come from settings.PATCHBAY_ENCRYPTION_KEYS, newest first. MultiFernet
encrypts with the newest key and decrypts with any, which is what lets keys rotate
without downtime (see the rotate_encryption_keys command).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


class VaultError(Exception):
    """A stored secret could not be decrypted with any configured key."""


@lru_cache(maxsize=8)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("PATCHBAY_ENCRYPTION_KEYS is empty.")
    return MultiFernet([Fernet(key.encode()) for key in keys])


def vault() -> MultiFernet:
    return _fernet(tuple(settings.PATCHBAY_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    return vault().encrypt(plaintext.encode()).decode()


def decrypt(ciphertext: str) -> str:
    try:
        return vault().decrypt(ciphertext.encode()).decode()
    except InvalidToken as error:
        raise VaultError("A stored secret cannot be decrypted with the configured keys.") from error


def mask(secret: str) -> str:
    """What a page may show of a secret: its last four characters."""
    return f"••••{secret[-4:]}" if secret else ""


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """A text column whose value is stored encrypted; empty stays empty."""

    def from_db_value(self, value: str | None, *args: Any) -> str | None:
        if not value:
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if not value:
            return value
        return encrypt(str(value))
