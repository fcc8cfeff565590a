"""The fake Stripe for a test, with the app's Stripe settings pointing at it, and webhook
bodies signed the way Stripe signs them."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator

import pytest

from aixplore.core.settings import get_settings
from tests.support.fake_stripe import FakeStripe

WEBHOOK_SECRET = "whsec_test_secret_0123456789"


@pytest.fixture
def fake_stripe(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeStripe]:
    """A FakeStripe the settings use, with a test secret key and ``WEBHOOK_SECRET``."""
    server = FakeStripe()
    settings = get_settings()
    monkeypatch.setattr(settings, "stripe_secret_key", "sk_test_123")
    monkeypatch.setattr(settings, "stripe_webhook_secret", WEBHOOK_SECRET)
    monkeypatch.setattr(settings, "stripe_api_base", server.url)
    yield server
    server.stop()


def signed(event: dict, secret: str = WEBHOOK_SECRET) -> tuple[bytes, str]:
    """``event`` as Stripe posts it: the JSON body and its ``Stripe-Signature`` header."""
    payload = json.dumps(event).encode()
    stamp = int(time.time())
    mac = hmac.new(secret.encode(), f"{stamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return payload, f"t={stamp},v1={mac}"
