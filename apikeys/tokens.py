"""The API key format: ``pbk_`` + 30 random base62 characters + a 6-character checksum.

The prefix makes a leaked key recognisable (and greppable by secret scanners); the
CRC32 checksum lets a typo or a random string be refused before any lookup. The
checksum is no security control: it is public arithmetic. Only a SHA-256 digest
of the whole key is stored, which is enough for 178 random bits (nobody can
guess such a key, however fast the hash), and lets a request find its key with
one indexed equality lookup.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import zlib

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
PREFIX = "pbk"
# A website key (for the WordPress plugin) has its own type, so a leaked one is told
# apart from a secret REST key at a glance and neither is ever accepted as the other.
WEBSITE_PREFIX = "pbpk"
RANDOM_LENGTH = 30
CHECKSUM_LENGTH = 6
KEY_LENGTH = len(PREFIX) + 1 + RANDOM_LENGTH + CHECKSUM_LENGTH
# Longer keys are accepted by parsers so the format can grow without breaking clients.
MAX_KEY_LENGTH = 255


def _base62(number: int, width: int) -> str:
    digits = []
    for _ in range(width):
        number, remainder = divmod(number, 62)
        digits.append(ALPHABET[remainder])
    return "".join(reversed(digits))


def _checksum(prefix: str, body: str) -> str:
    return _base62(zlib.crc32(f"{prefix}_{body}".encode()), CHECKSUM_LENGTH)


def generate(prefix: str = PREFIX) -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return f"{prefix}_{body}{_checksum(prefix, body)}"


def well_formed(key: str, expected_prefix: str = PREFIX) -> bool:
    """A cheap, I/O-free check: right prefix, length, alphabet and checksum."""
    prefix, separator, rest = key.partition("_")
    if prefix != expected_prefix or not separator or len(rest) != RANDOM_LENGTH + CHECKSUM_LENGTH:
        return False
    if any(character not in ALPHABET for character in rest):
        return False
    body, checksum = rest[:RANDOM_LENGTH], rest[RANDOM_LENGTH:]
    return hmac.compare_digest(_checksum(prefix, body), checksum)


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def display_prefix(key: str) -> str:
    """What the list shows to tell keys apart: the type and the first four random characters."""
    prefix = key.partition("_")[0]
    return key[: len(prefix) + 5]
