"""The wallet statement: served without the database and retired by every change to it, with
Redis from the shared cache, without Redis from an in-process entry checked against the newest
ledger entry id (so a grant made by another process shows at once).

The suite runs on SQLite without Redis and on PostgreSQL with Redis, so both ways are covered.
"""

from __future__ import annotations

import asyncio
import dataclasses
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import select

from aixplore.core import cache
from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import NotAuthenticated
from aixplore.core.redis import close_async_redis
from aixplore.domain.accounts import actor_cache
from aixplore.domain.accounts import services as accounts
from aixplore.domain.accounts.models import Actor, User
from aixplore.domain.wallet import services as wallet
from aixplore.domain.wallet import statement
from aixplore.domain.wallet.models import TransactionKind
from aixplore.web.session import acting
from tests.factories import actor_for, make_member, sign_in


@contextmanager
def counting_queries() -> Iterator[list[str]]:
    """The SQL statements run inside the block."""
    seen: list[str] = []

    def record(_conn, _cursor, sql, *_args) -> None:
        seen.append(sql)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", record)


@pytest.fixture(autouse=True)
def _short_tombstones(monkeypatch: pytest.MonkeyPatch) -> None:
    # A burial blocks caching for a while (10 s); one second keeps these tests short.
    monkeypatch.setattr(statement, "TOMBSTONE_TTL", 1.0)


def _settle() -> None:
    """Wait until the burials of the grants so far have expired (caching works again)."""
    time.sleep(1.1)


def _member_with_tokens(amount: int) -> tuple[Actor, int]:
    """A signed-in member holding ``amount`` tokens (freshly granted: not cached yet), and
    their wallet account id."""
    member = make_member()
    actor = actor_for(sign_in(member.email))
    assert actor is not None and actor.joined_at is not None
    with session_scope() as db:
        wallet.do_grant_demo_tokens(db, member.id, amount)
        account = wallet.user_account(db, member.id).id
    assert account is not None
    return actor, account


def _read(actor: Actor | None) -> statement.Statement:
    with read_scope() as db:
        return statement.my_statement(db, actor)


def test_a_second_read_needs_no_database_and_matches_the_first() -> None:
    actor, _ = _member_with_tokens(700)
    with counting_queries() as sql:
        _read(actor)
        _read(actor)
    assert sql  # just paid: buried, so both read the database
    _settle()
    first = _read(actor)
    with counting_queries() as sql:
        again = _read(actor)
    assert sql == []  # from the shared cache, or the in-process entry (its check is not the ORM)
    assert again == first
    assert first.summary.balance == 700 and len(first.lines) == 1
    assert first.lines[0].kind == TransactionKind.GRANT and first.lines[0].amount == 700


def test_a_transfer_retires_both_sides_and_a_rolled_back_one_retires_nothing() -> None:
    payer, payer_account = _member_with_tokens(1_000)
    payee, payee_account = _member_with_tokens(10)
    _settle()
    assert (_read(payer).summary.balance, _read(payee).summary.balance) == (1_000, 10)

    with pytest.raises(RuntimeError), session_scope() as db:
        wallet.transfer(db, payer_account, payee_account, 300, TransactionKind.TRANSFER, "r-0")
        raise RuntimeError("the unit of work fails after the transfer")
    with counting_queries() as sql:
        assert _read(payer).summary.balance == 1_000
    assert sql == []  # still cached: nothing committed

    with session_scope() as db:
        wallet.transfer(db, payer_account, payee_account, 300, TransactionKind.TRANSFER, "r-1")
    paid, got = _read(payer), _read(payee)
    assert (paid.summary.balance, got.summary.balance) == (700, 310)
    assert paid.lines[0].amount == -300 and got.lines[0].amount == 300


def test_a_reader_that_saw_the_old_rows_cannot_cache_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    payer, payer_account = _member_with_tokens(500)
    _, payee_account = _member_with_tokens(1)
    _settle()
    real = statement.list_my_entries

    def entries_after_a_concurrent_transfer(db, who):
        # The balance was read already; another worker now commits a transfer.
        with session_scope() as other:
            wallet.transfer(other, payer_account, payee_account, 200, TransactionKind.TRANSFER, "c")
        return real(db, who)

    monkeypatch.setattr(statement, "list_my_entries", entries_after_a_concurrent_transfer)
    raced = _read(payer)
    monkeypatch.setattr(statement, "list_my_entries", real)
    assert raced.summary.balance == 500  # what it read before the commit
    assert _read(payer).summary.balance == 300  # never served from the stale read


def test_a_read_in_a_session_that_read_before_a_transfer_is_not_kept() -> None:
    payer, payer_account = _member_with_tokens(800)
    _, payee_account = _member_with_tokens(1)
    _settle()
    with read_scope() as db:
        db.exec(select(User)).all()  # this session now sees the database as it is now
        with session_scope() as other:  # another request pays, and commits
            wallet.transfer(other, payer_account, payee_account, 100, TransactionKind.TRANSFER, "s")
        # SQLite's read snapshot is older than the commit; PostgreSQL (read committed) sees it.
        older_view = 800 if db.get_bind().dialect.name == "sqlite" else 700
        assert statement.my_statement(db, payer).summary.balance == older_view
    assert _read(payer).summary.balance == 700  # a fresh request never gets that view back


def test_another_user_with_the_same_id_never_reads_the_entry() -> None:
    actor, _ = _member_with_tokens(900)
    _settle()
    assert _read(actor).summary.balance == 900
    assert actor.joined_at is not None
    # A restored or wiped database can give the id to someone who signed up at another time.
    stranger = dataclasses.replace(actor, joined_at=actor.joined_at + timedelta(seconds=1))
    with session_scope() as db:  # the stranger's wallet, as the database has it now
        user = db.get(User, actor.user_id)
        assert user is not None
        user.created_at = stranger.joined_at  # type: ignore[assignment]
    with counting_queries() as sql:
        _read(stranger)
    assert sql  # read from the database, not from the first user's entry
    if cache.shared():
        with counting_queries() as sql:
            _read(actor)
        assert sql == []  # the first user's entry is still there: the check did miss it


def test_a_grant_made_by_another_process_shows_at_once() -> None:
    actor, _ = _member_with_tokens(250)
    _settle()
    assert _read(actor).summary.balance == 250
    assert _read(actor).summary.balance == 250  # cached now
    grant = (
        "from aixplore.core.db import session_scope\n"
        "from aixplore.domain.wallet import services as w\n"
        "from aixplore.domain.wallet.models import SystemAccount, TransactionKind\n"
        "with session_scope() as db:\n"
        "    issuance = w.system_account(db, SystemAccount.ISSUANCE).id\n"
        f"    to = w.user_account(db, {actor.user_id}).id\n"
        f"    w.transfer(db, issuance, to, 50, TransactionKind.GRANT, 'other-{actor.user_id}')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", grant], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    again = _read(actor)
    assert again.summary.balance == 300
    assert again.lines[0].amount == 50


def test_deleting_a_user_retires_their_statement() -> None:
    actor, _ = _member_with_tokens(400)
    _settle()
    assert _read(actor).summary.balance == 400
    with session_scope() as db:
        user = db.get(User, actor.user_id)
        db.delete(user)
    # The account stays, owner-less; an actor for that id now finds no wallet.
    assert _read(actor).summary.balance == 0


def test_nobody_signed_in_gets_nothing() -> None:
    with pytest.raises(NotAuthenticated):
        _read(None)


class _Tab:
    """What ``acting`` reads of a browser tab: its session (cookie, and the viewer it shows)."""

    def __init__(self, token: str, viewer_id: int) -> None:
        self.auth_token, self.viewer_id = token, viewer_id

    async def get_state(self, _cls: type) -> _Tab:
        return self

    def _token(self) -> str:
        return self.auth_token

    def _actor(self) -> Actor | None:
        return actor_cache.authenticate(self.auth_token)


def _load_in_tab(token: str, viewer_id: int) -> statement.Statement:
    """The token page's load: the session and the shown viewer's statement read ahead."""

    async def load() -> statement.Statement:
        try:
            async with acting(_Tab(token, viewer_id), also=statement.cache_keys) as actor:  # type: ignore[arg-type]
                return _read(actor)
        finally:
            await close_async_redis()

    return asyncio.run(load())


def test_a_tab_reads_ahead_for_the_viewer_it_shows_but_serves_only_the_actor_found() -> None:
    first, second = make_member(), make_member()
    first_token, second_token = sign_in(first.email), sign_in(second.email)
    with session_scope() as db:
        wallet.do_grant_demo_tokens(db, first.id, 300)
        wallet.do_grant_demo_tokens(db, second.id, 900)
    _settle()
    assert _load_in_tab(first_token, first.id).summary.balance == 300  # cached now
    assert _load_in_tab(second_token, second.id).summary.balance == 900
    # A tab still showing the first member while its cookie is the second's: the first's
    # entry is read ahead and never served.
    assert _load_in_tab(second_token, first.id).summary.balance == 900
    # Signed out: the session's tombstone comes with the read ahead, the statement never does.
    with session_scope() as db:
        accounts.do_sign_out(db, first_token)
    with pytest.raises(NotAuthenticated):
        _load_in_tab(first_token, first.id)
