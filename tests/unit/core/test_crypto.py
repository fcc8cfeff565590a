"""AES-256-GCM secrets at rest."""

from __future__ import annotations

import base64

import pytest

from aixplore.core import crypto


def test_round_trip_with_fresh_nonces() -> None:
    a = crypto.encrypt("s3cret", context="sso.client_secret:1")
    b = crypto.encrypt("s3cret", context="sso.client_secret:1")
    assert a != b and "s3cret" not in a
    assert crypto.decrypt(a, context="sso.client_secret:1") == "s3cret"


def test_wrong_context_tampering_and_garbage_are_refused() -> None:
    token = crypto.encrypt("s3cret", context="row:1")
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt(token, context="row:2")
    blob = bytearray(base64.urlsafe_b64decode(token[3:]))
    blob[-1] ^= 1
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt("v1:" + base64.urlsafe_b64encode(bytes(blob)).decode(), context="row:1")
    for bad in ("", "v1:", "v1:!!!", "v2:abcd", "v1:" + "A" * 8):
        with pytest.raises(crypto.DecryptionFailed):
            crypto.decrypt(bad, context="row:1")


def test_explicit_key_must_be_32_bytes() -> None:
    assert len(crypto._key(crypto.new_key(), "x")) == 32
    with pytest.raises(ValueError, match="32 bytes"):
        crypto._key(base64.urlsafe_b64encode(b"short").decode(), "x")
