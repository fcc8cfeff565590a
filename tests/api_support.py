"""Helpers for API tests: keys made through the real service, clients on the real app."""

from __future__ import annotations

import itertools

from fastapi.testclient import TestClient

from aixplore.api.app import build_api
from aixplore.core.db import session_scope
from aixplore.domain.apikeys import services as apikeys
from tests.factories import actor_for, make_member, sign_in

_ips = itertools.count(1)


def make_key(email: str, scopes: list[str], *, days: int = 30, name: str = "test key") -> str:
    """A raw API key for the user ``email`` with ``scopes``."""
    actor = actor_for(sign_in(email, ip=f"192.0.2.{next(_ips) % 250 + 1}"))
    with session_scope() as db:
        _public, raw = apikeys.do_create_key(
            db, actor, {"name": name, "scopes": scopes, "expires_in_days": days}
        )
    return raw


def member_with_key(scopes: list[str]) -> tuple[str, str]:
    """A new member's email and a key of theirs."""
    member = make_member()
    return member.email, make_key(member.email, scopes)


def client() -> TestClient:
    """The real API application."""
    return TestClient(build_api())


def bearer(key: str) -> dict[str, str]:
    """The header carrying ``key``."""
    return {"Authorization": f"Bearer {key}"}


SOLUTION = {
    "name": "Invoice Parser",
    "tagline": "Reads invoices for you",
    "description": "Turns scanned invoices into structured data, fast and exact.",
    "category": "computer-vision",
    "pricing": "paid",
    "tags": ["ocr"],
}
