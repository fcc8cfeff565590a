"""Secrets at rest: AES-256-GCM with a random 96-bit nonce per value and the key id beside it.

``encrypt(plaintext) -> token`` and ``decrypt(token) -> plaintext``. A token reads
``v1.<key id>.<base64url(nonce + ciphertext + tag)>``. The key is derived from
``AIXPLORE_SECRET_KEY`` with HKDF-SHA256; its id is a digest of the key, so a value written
under another secret key is recognized as such and refused with a clear error (never
decrypted to garbage). The key id is bound into the ciphertext as associated data.
"""

from __future__ import annotations

import base64
import hashlib
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from aixplore.core.settings import get_settings

_VERSION = "v1"
_NONCE_BYTES = 12


class DecryptionError(ValueError):
    """A token that is malformed, tampered with, or made under another key."""


@lru_cache(maxsize=8)
def _key_for(secret: str) -> tuple[str, bytes]:
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"aixplore-secrets", info=b"aes-256-gcm v1"
    ).derive(secret.encode())
    return hashlib.sha256(b"key-id" + key).hexdigest()[:8], key


def _current() -> tuple[str, bytes]:
    return _key_for(get_settings().secret_key)


def encrypt(plaintext: str) -> str:
    """Encrypt ``plaintext`` under the current key; each call uses a fresh random nonce."""
    kid, key = _current()
    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, plaintext.encode(), f"{_VERSION}.{kid}".encode())
    return f"{_VERSION}.{kid}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def decrypt(token: str) -> str:
    """Decrypt a token made by :func:`encrypt`; raise DecryptionError otherwise."""
    try:
        version, kid, body = token.split(".", 2)
        raw = base64.urlsafe_b64decode(body.encode())
    except (ValueError, AttributeError) as exc:
        raise DecryptionError("malformed encrypted value") from exc
    if version != _VERSION or len(raw) < _NONCE_BYTES + 16:
        raise DecryptionError("malformed encrypted value")
    current_kid, key = _current()
    if kid != current_kid:
        raise DecryptionError(f"value encrypted under another key (id {kid})")
    try:
        plain = AESGCM(key).decrypt(
            raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], f"{version}.{kid}".encode()
        )
    except InvalidTag as exc:
        raise DecryptionError("encrypted value was altered") from exc
    return plain.decode()
