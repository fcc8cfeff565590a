"""Operator commands: create-admin and idempotent demo data."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from aixplore import cli
from aixplore.core.db import session_scope
from aixplore.core.settings import get_settings
from aixplore.domain.accounts import services as accounts
from aixplore.domain.accounts.models import PlatformRole
from aixplore.domain.orders.spec import quote_for
from aixplore.domain.wallet.models import WalletTransaction
from aixplore.domain.wallet.services import user_balance
from tests.factories import actor_for, sign_in
from tests.support.local_repos import git
from tests.support.orders import REQUIREMENTS


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
    # The first-run order: the demo member can pay for one, into the demo's local repository.
    email, _name, password = cli.DEMO_MEMBERS[0]
    member = actor_for(sign_in(email, password))
    assert member is not None
    with session_scope() as db:
        assert user_balance(db, member.user_id) >= quote_for(REQUIREMENTS, None)["tokens"]
        grant = f"demo-order-grant:{member.user_id}"
        assert (
            len(
                db.exec(
                    select(WalletTransaction).where(col(WalletTransaction.reference) == grant)
                ).all()
            )
            == 1
        )
    root = get_settings().local_repos_root
    assert root is not None
    files = git(root / "shop.git", "ls-tree", "-r", "--name-only", "main").split()
    assert "shop/catalog.py" in files and "tests/test_catalog.py" in files
