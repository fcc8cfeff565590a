"""Trader cards in the showroom and the gallery: rarity from the verified record, who hangs where."""

from __future__ import annotations

from datetime import UTC, datetime

from aixplore.core.db import session_scope
from aixplore.domain.accounts.models import User
from aixplore.domain.cards.gallery import get_gallery
from aixplore.domain.cards.traders import TRADER_ID_BASE, showroom_traders
from aixplore.domain.social.handles import ensure_profile
from aixplore.domain.trading.board_models import LeaderboardRow
from aixplore.domain.trading.copy_models import CopyStatus, TradingCopy
from tests.factories import actor_for, make_member, make_solution, sign_in


def _trader(name: str, rank: int | None, *, sharpe_low: float | None = 0.6) -> int:
    """A member with an all-time leaderboard row (the verified record a card reads)."""
    user_id = make_member(name=name).id or 0
    with session_scope() as db:
        db.add(
            LeaderboardRow(
                period="all",
                trader_id=user_id,
                rank=rank,
                total_return=0.12,
                sharpe=1.1 if rank else None,
                sharpe_low=sharpe_low if rank else None,
                max_drawdown=-0.08,
                win_rate=0.55,
                risk=4,
                record_days=120,
                decided=30,
            )
        )
    return user_id


def _copy(follower: int, leader: int, status: CopyStatus) -> None:
    with session_scope() as db:
        db.add(
            TradingCopy(
                follower_id=follower,
                leader_id=leader,
                status=status,
                allocation=10_000_000_000,
                cash=10_000_000_000,
                stop_bp=4000,
            )
        )


def test_the_showroom_shows_traders_with_a_record_ranked_first_rarity_from_the_record() -> None:
    ranked = [_trader(f"Ranked {i}", i) for i in (1, 2, 3, 4)]
    newcomer = _trader("Newcomer", None)
    banned = _trader("Banned", None)
    make_member(name="No Record")
    with session_scope() as db:
        user = db.get(User, banned)
        assert user is not None
        user.suspended_at = datetime.now(UTC)
        db.add(user)
    with session_scope() as db:
        shown, total, page, pages = showroom_traders(db, 1)
        handle = ensure_profile(db, ranked[0]).handle
    assert [s.card.name for s in shown] == [
        "Ranked 1",
        "Ranked 2",
        "Ranked 3",
        "Ranked 4",
        "Newcomer",
    ]
    assert (total, page, pages) == (5, 1, 1)
    best = shown[0].as_dict()
    # Rank 1 of 4 with a positive Sharpe band: a rare card; the rest and the unranked are common.
    assert (best["foil"], best["rank_text"], best["href"]) == (
        "reverse",
        "#1",
        f"/traders/{handle}/chain",
    )
    assert [s.card.foil for s in shown[1:]] == ["regular"] * 4
    assert shown[-1].rank_text == "Unranked" and shown[-1].card.trader_id == newcomer


def test_a_gallery_hangs_its_owners_trader_card_and_privately_the_leaders_they_copy() -> None:
    owner = _trader("Owen Owner", 1)
    leader, paused, stopped = (_trader(f"Leader {i}", i + 2) for i in range(3))
    _copy(owner, leader, CopyStatus.ACTIVE)
    _copy(owner, paused, CopyStatus.PAUSED)
    _copy(owner, stopped, CopyStatus.STOPPED)
    me = actor_for(sign_in(_email_of(owner)))
    make_solution(_email_of(owner), name="Owen Tool")
    with session_scope() as db:
        handle = ensure_profile(db, owner).handle
        own = get_gallery(db, me, None)
        shared = get_gallery(db, None, handle)
    assert [t.card.name for t in own.traders] == ["Owen Owner", "Leader 0", "Leader 1"]
    # Whom one copies stays private: the shared gallery shows only the owner's own record.
    assert [t.card.name for t in shared.traders] == ["Owen Owner"]
    room = own.traders[0].room_dict()
    assert room["id"] == TRADER_ID_BASE + owner and room["kind"] == "trader"
    assert room["subtitle"] == "Trader · #1 · risk 4/10" and room["foil"] == "reverse"
    assert [c.name for c in own.cards] == ["Owen Tool"]


def _email_of(user_id: int) -> str:
    with session_scope() as db:
        user = db.get(User, user_id)
        assert user is not None
        return user.email
