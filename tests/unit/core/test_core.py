"""Settings, hashing and time columns."""

from __future__ import annotations

from datetime import datetime

import pytest
from pydantic import ValidationError

from aixplore.core.columns import UTCDateTime
from aixplore.core.security import hash_password, hasher_for, token_digest, verify_password
from aixplore.core.settings import DEV_SECRET_KEY, Settings


@pytest.mark.parametrize("secret", [DEV_SECRET_KEY, "change-me", "short-but-not-placeholder"])
def test_settings_refuse_placeholder_or_short_secrets_outside_development(secret: str) -> None:
    with pytest.raises(ValidationError, match="AIXPLORE_SECRET_KEY"):
        Settings(env="production", secret_key=secret)


def test_settings_accept_the_dev_secret_in_development_only() -> None:
    assert Settings(env="development", secret_key=DEV_SECRET_KEY).secret_key == DEV_SECRET_KEY


def test_embedded_worker_defaults_follow_redis() -> None:
    assert Settings(redis_url=None, embedded_worker=None).run_embedded_worker is True
    assert (
        Settings(redis_url="redis://127.0.0.1:1/0", embedded_worker=None).run_embedded_worker
        is False
    )
    assert Settings(env="development", redis_url="").redis_url is None


def test_passwords_are_argon2_hashed_and_verified() -> None:
    digest = hash_password("correct horse battery staple")
    assert digest.startswith("$argon2id$")
    assert verify_password(digest, "correct horse battery staple")
    assert not verify_password(digest, "wrong")
    assert not verify_password(None, "anything")
    assert not verify_password("not-a-hash", "anything")


def test_outside_the_tests_passwords_get_rfc_9106_strength() -> None:
    strong = hasher_for("production").hash("correct horse battery staple")
    assert strong.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert hasher_for("development").hash("x").startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    # A hash made with the tests' cheap parameters still verifies, and asks to be redone.
    cheap = hasher_for("test").hash("x")
    assert hasher_for("production").verify(cheap, "x")
    assert hasher_for("production").check_needs_rehash(cheap)


def test_token_digest_is_keyed_and_stable() -> None:
    assert token_digest("abc") == token_digest("abc") != token_digest("abd")
    assert len(token_digest("abc")) == 64


def test_naive_datetimes_are_refused_by_the_column() -> None:
    with pytest.raises(ValueError, match="naive"):
        UTCDateTime().process_bind_param(
            datetime(2026, 1, 1), dialect=type("D", (), {"name": "sqlite"})()
        )
