"""Operator commands: create-admin and idempotent demo data."""

from __future__ import annotations

import pytest

from aixplore import cli
from aixplore.core.db import session_scope
from aixplore.domain.accounts import services as accounts
from aixplore.domain.accounts.models import PlatformRole
from tests.factories import actor_for, sign_in


def test_create_admin_makes_a_verified_platform_admin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIXPLORE_ADMIN_PASSWORD", "a strong admin passphrase")
    assert cli.main(["create-admin", "--email", "Boss@Example.com", "--name", "Boss"]) == 0
    actor = actor_for(sign_in("boss@example.com", "a strong admin passphrase"))
    assert actor is not None and actor.role == PlatformRole.PLATFORM_ADMIN


def test_create_admin_refuses_a_weak_password(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("AIXPLORE_ADMIN_PASSWORD", "short")
    assert cli.main(["create-admin", "--email", "boss@example.com"]) == 2
    assert "at least 10" in capsys.readouterr().err
    with session_scope() as db:
        assert accounts.get_user_by_email(db, "boss@example.com") is None


def test_demo_data_loads_twice_without_duplicates() -> None:
    assert cli.main(["seed-demo"]) == 0
    with session_scope() as db:
        first = accounts.count_users(db)
    assert cli.main(["seed-demo"]) == 0
    with session_scope() as db:
        assert accounts.count_users(db) == first >= 1 + len(cli.DEMO_MEMBERS)
    assert actor_for(sign_in(cli.DEMO_ADMIN[0], cli.DEMO_ADMIN[2])) is not None
