"""AES-256-GCM secrets at rest."""

from __future__ import annotations

import base64

import pytest

from aixplore.core import crypto
from aixplore.core.settings import get_settings


def test_round_trip_with_fresh_nonces() -> None:
    a = crypto.encrypt("s3cret", context="sso.client_secret:1")
    b = crypto.encrypt("s3cret", context="sso.client_secret:1")
    assert a != b and "s3cret" not in a
    assert crypto.decrypt(a, context="sso.client_secret:1") == "s3cret"
    assert crypto.decrypt(crypto.encrypt("plain")) == "plain"  # no context is a context too


def test_wrong_context_tampering_and_garbage_are_refused() -> None:
    token = crypto.encrypt("s3cret", context="row:1")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, context="row:2")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token)
    head, body = token.rsplit(".", 1)
    blob = bytearray(base64.urlsafe_b64decode(body))
    blob[-1] ^= 1
    with pytest.raises(crypto.DecryptionError, match="altered"):
        crypto.decrypt(f"{head}.{base64.urlsafe_b64encode(bytes(blob)).decode()}", context="row:1")
    for bad in ("", "v1.", "v1.abc.!!!", "v2." + token[3:], "v1.abc." + "A" * 8, "not a token"):
        with pytest.raises(crypto.DecryptionError):
            crypto.decrypt(bad, context="row:1")


def test_a_value_from_another_key_is_named_as_such(monkeypatch: pytest.MonkeyPatch) -> None:
    token = crypto.encrypt("s3cret")
    monkeypatch.setattr(get_settings(), "encryption_key", crypto.new_key())
    with pytest.raises(crypto.DecryptionError, match="another key"):
        crypto.decrypt(token)
    assert crypto.decrypt(crypto.encrypt("again")) == "again"


def test_explicit_key_must_be_32_bytes() -> None:
    assert len(crypto._key(crypto.new_key(), "x")) == 32
    with pytest.raises(ValueError, match="32 bytes"):
        crypto._key(base64.urlsafe_b64encode(b"short").decode(), "x")
