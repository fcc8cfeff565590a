"""Password hashing (argon2) and opaque tokens stored only as hashes."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from aixplore.core.settings import get_settings


def hasher_for(env: str) -> PasswordHasher:
    """Argon2id as RFC 9106 recommends for low memory (64 MiB, 3 passes), outside the tests.

    The test environment hashes with argon2's cheapest parameters: a strong hash costs a
    tenth of a second of a core by design, and the suites hash and verify thousands of
    passwords (Django's test runner does the same with its fast hasher). A hash made either
    way verifies either way: the parameters travel in the hash.
    """
    if env == "test":
        return PasswordHasher.from_parameters(profiles.CHEAPEST)
    return PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)


_hasher = hasher_for(get_settings().env)
# A real hash verified when the account does not exist, so timing does not reveal it.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    """Hash a password with argon2id."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check ``password`` against ``password_hash`` in constant-ish time, None included."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def password_needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with older parameters."""
    return _hasher.check_needs_rehash(password_hash)


def new_token(nbytes: int = 32) -> str:
    """Return a random URL-safe token."""
    return secrets.token_urlsafe(nbytes)


def token_digest(token: str) -> str:
    """Return the keyed SHA-256 digest under which a token is stored."""
    key = get_settings().secret_key.encode()
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()
