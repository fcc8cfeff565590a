"""Secrets at rest: AES-256-GCM with a fresh 96-bit nonce per value and the key id beside it.

``encrypt(plaintext, context=...) -> token`` and ``decrypt(token, context=...) -> plaintext``.
A token reads ``v1.<key id>.<base64url(nonce + ciphertext + tag)>``.

The key is ``AIXPLORE_ENCRYPTION_KEY`` (32 random bytes as URL-safe base64, see
:func:`new_key`) when set, else derived from ``AIXPLORE_SECRET_KEY`` with HKDF-SHA256, so a
deployment has one secret to manage until it wants to rotate the secret key without losing
stored secrets. The key id is a digest of the key: a value written under another key is
refused with a clear error, never decrypted to garbage. The version, key id and ``context``
(for example ``"sso_connection.client_secret:42"``) are bound as associated data, so a value
copied into another row or column fails to decrypt.

Rotation: put the old key in ``AIXPLORE_PREVIOUS_ENCRYPTION_KEYS`` (comma-separated; ``python
-m aixplore.cli encryption-key`` prints the current one), set the new one, and run ``python -m
aixplore.cli rotate-secrets``: values under a previous key stay readable while it re-encrypts
them in batches, with the app running.
"""

from __future__ import annotations

import base64
import binascii
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
_TAG_BYTES = 16


class DecryptionError(ValueError):
    """A token that is malformed, tampered with, made under another key or another context."""


# The SSO code knew the error under this name; one class, two names.
DecryptionFailed = DecryptionError


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


@lru_cache(maxsize=4)
def _key_id(key: bytes) -> str:
    return hashlib.sha256(b"key-id" + key).hexdigest()[:8]


def _current() -> tuple[str, AESGCM]:
    settings = get_settings()
    key = _key(settings.encryption_key, settings.secret_key)
    return _key_id(key), AESGCM(key)


def current_key_id() -> str:
    """The id of the key new values are written under."""
    return _current()[0]


def current_key() -> str:
    """The current key as URL-safe base64 (to keep in the previous keys while rotating)."""
    settings = get_settings()
    key = _key(settings.encryption_key, settings.secret_key)
    return base64.urlsafe_b64encode(key).decode().rstrip("=")


def _reader(kid: str) -> AESGCM | None:
    current_kid, aead = _current()
    if kid == current_kid:
        return aead
    settings = get_settings()
    for raw in (settings.previous_encryption_keys or "").split(","):
        if raw.strip():
            key = _key(raw.strip(), settings.secret_key)
            if _key_id(key) == kid:
                return AESGCM(key)
    return None


def key_id_of(token: str) -> str:
    """The key id a token was written under ("" when it is not a token)."""
    parts = token.split(".", 2) if isinstance(token, str) else []
    return parts[1] if len(parts) == 3 and parts[0] == _VERSION else ""


def _aad(kid: str, context: str) -> bytes:
    return f"{_VERSION}.{kid}.{context}".encode()


def encrypt(plaintext: str, *, context: str = "") -> str:
    """Encrypt ``plaintext`` under the current key; ``decrypt`` needs the same ``context``."""
    kid, aead = _current()
    nonce = os.urandom(_NONCE_BYTES)
    sealed = aead.encrypt(nonce, plaintext.encode(), _aad(kid, context))
    return f"{_VERSION}.{kid}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def decrypt(token: str, *, context: str = "") -> str:
    """Decrypt a token made by :func:`encrypt`; raise :class:`DecryptionError` otherwise."""
    try:
        version, kid, body = token.split(".", 2)
        raw = base64.urlsafe_b64decode(body.encode())
    except (ValueError, AttributeError, binascii.Error) as exc:
        raise DecryptionError("malformed encrypted value") from exc
    if version != _VERSION or len(raw) < _NONCE_BYTES + _TAG_BYTES:
        raise DecryptionError("malformed encrypted value")
    aead = _reader(kid)
    if aead is None:
        raise DecryptionError(f"value encrypted under another key (id {kid})")
    try:
        plain = aead.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], _aad(kid, context))
    except InvalidTag as exc:
        raise DecryptionError("encrypted value was altered or belongs elsewhere") from exc
    return plain.decode()


def new_key() -> str:
    """A fresh value for ``AIXPLORE_ENCRYPTION_KEY``."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")
