"""Secrets encrypted at rest: AES-256-GCM under a key from settings.

``AIXPLORE_ENCRYPTION_KEY`` holds 32 random bytes as URL-safe base64. When it is unset the key
is derived from ``AIXPLORE_SECRET_KEY`` with HKDF-SHA256, so a deployment has one secret to
manage; set it to rotate the secret key without losing stored secrets. Each value carries a
version prefix and a fresh 96-bit nonce; ``context`` is bound as associated data, so a value
copied into another row or column fails to decrypt.
"""

from __future__ import annotations

import base64
import binascii
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from aixplore.core.settings import get_settings

PREFIX = "v1:"
NONCE_BYTES = 12


class DecryptionFailed(Exception):
    """A stored value could not be decrypted (wrong key, wrong context or tampered)."""


@lru_cache(maxsize=4)
def _key(raw_key: str | None, secret_key: str) -> bytes:
    if raw_key:
        try:
            key = base64.urlsafe_b64decode(raw_key + "=" * (-len(raw_key) % 4))
        except (binascii.Error, ValueError) as exc:
            msg = "AIXPLORE_ENCRYPTION_KEY must be URL-safe base64"
            raise ValueError(msg) from exc
        if len(key) != 32:
            msg = "AIXPLORE_ENCRYPTION_KEY must decode to 32 bytes"
            raise ValueError(msg)
        return key
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"aixplore-encryption-v1")
    return hkdf.derive(secret_key.encode())


def _aead() -> AESGCM:
    settings = get_settings()
    return AESGCM(_key(settings.encryption_key, settings.secret_key))


def encrypt(plaintext: str, *, context: str) -> str:
    """Encrypt ``plaintext``; ``context`` (e.g. ``"sso_connection.client_secret"``) must match."""
    nonce = os.urandom(NONCE_BYTES)
    sealed = _aead().encrypt(nonce, plaintext.encode(), context.encode())
    return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()


def decrypt(token: str, *, context: str) -> str:
    """Decrypt a value made by :func:`encrypt` with the same ``context``."""
    if not token.startswith(PREFIX):
        raise DecryptionFailed("unknown format")
    try:
        blob = base64.urlsafe_b64decode(token[len(PREFIX) :])
    except (binascii.Error, ValueError) as exc:
        raise DecryptionFailed("not base64") from exc
    if len(blob) < NONCE_BYTES + 16:
        raise DecryptionFailed("too short")
    try:
        return _aead().decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], context.encode()).decode()
    except InvalidTag as exc:
        raise DecryptionFailed("authentication failed") from exc


def new_key() -> str:
    """A fresh value for ``AIXPLORE_ENCRYPTION_KEY``."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")
