"""Trading in Chromium: publish a signal, see its chain verified (and re-computed in the
browser), tamper with it in the database and see the page say so; paper orders; a follower
copies a leader and gets a proportional position; the trading handlers over the socket as
the wrong user."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import update
from sqlmodel import col, select

from aixplore.core.db import session_scope
from aixplore.domain.social.handles import ensure_profile
from aixplore.domain.trading import board, fanout, portfolio, signals
from aixplore.domain.trading.copy_models import CopyPosition, TradingCopy
from aixplore.domain.trading.feed import SimulatedFeed
from aixplore.domain.trading.leaderboard import recompute_leaderboard
from aixplore.domain.trading.models import PaperOrder, TradingSignal
from aixplore.web.trading.board_state import LeaderboardState, TraderState
from aixplore.web.trading.copy_state import CopiesState, CopyFormState
from aixplore.web.trading.state import (
    ChainState,
    MarketState,
    PortfolioState,
    SignalFormState,
    SignalPageState,
)
from tests.e2e.helpers import axe_violations, horizontal_overflow, run_async, sign_in_through_ui
from tests.factories import actor_for, make_member, sign_in
from tests.support.reflex_client import ReflexClient
from tests.unit.domain.trading.copy_support import seasoned_leader

pytestmark = pytest.mark.e2e


def _levels() -> dict[str, str]:
    """A long BTC/USD signal around the simulation's price now (the app runs the same seed)."""
    quote = SimulatedFeed().last_price("BTC/USD")
    assert quote is not None
    price = Decimal(quote.price) / 10**6
    return {
        "entry": f"{price:.2f}",
        "stop_loss": f"{price * Decimal('0.97'):.2f}",
        "take_profit": f"{price * Decimal('1.05'):.2f}",
    }


def _both_widths(page: Page, shoot, name: str) -> None:
    assert axe_violations(page) == []
    shoot(page, name)
    page.set_viewport_size({"width": 375, "height": 800})
    assert horizontal_overflow(page) <= 0
    assert axe_violations(page) == []
    shoot(page, name)
    page.set_viewport_size({"width": 1280, "height": 800})


def test_publish_a_signal_verify_its_chain_then_see_tampering_reported(
    page: Page, base_url: str, shoot
) -> None:
    tess = make_member(name="Tess Trader")
    sign_in_through_ui(page, base_url, tess.email)
    page.goto(f"{base_url}/trading")
    expect(page.get_by_text("Simulated prices").first).to_be_visible()
    page.get_by_role("button", name="ETH/USD", exact=False).click()
    expect(page.get_by_role("heading", name="ETH/USD", level=2)).to_be_visible()
    _both_widths(page, shoot, "trading")

    page.goto(f"{base_url}/trading/portfolio")
    expect(page.get_by_text("$100,000.00").first).to_be_visible()
    page.get_by_label("Quantity").fill("0.1")
    page.get_by_role("button", name="Place order").click()
    expect(page.get_by_text("Order filled: buy 0.1 BTC/USD.")).to_be_visible()
    expect(page.get_by_role("cell", name="BTC/USD").first).to_be_visible()
    _both_widths(page, shoot, "trading-portfolio")

    page.goto(f"{base_url}/trading/signals/new")
    levels = _levels()
    page.get_by_label("Entry").fill(levels["entry"])
    page.get_by_label("Stop-loss").fill(levels["stop_loss"])
    page.get_by_label("Take-profit").fill(levels["take_profit"])
    page.get_by_label("Size (% of the portfolio)").fill("2.5")
    page.get_by_label("Rationale (Markdown)").fill("Breakout over **resistance**.")
    page.get_by_role("button", name="Publish signal").click()
    expect(page.get_by_role("heading", name="BTC/USD long", level=1)).to_be_visible()
    expect(page.locator(".prose strong")).to_have_text("resistance")
    expect(page.get_by_role("heading", name="Correct this signal")).to_be_visible()
    _both_widths(page, shoot, "trading-signal")

    page.get_by_role("link", name="Verify the chain").click()
    expect(page.get_by_text("Chain verified")).to_be_visible()
    page.get_by_role("button", name="Re-compute in this browser").click()
    expect(page.get_by_text("Your browser re-computed every hash (1)")).to_be_visible()
    _both_widths(page, shoot, "trading-chain")

    # Someone with database access moves the stop after the fact.
    with session_scope() as db:
        db.execute(
            update(TradingSignal)
            .where(col(TradingSignal.trader_id) == tess.id)
            .values(stop_loss=TradingSignal.stop_loss - 1_000_000_000)
        )
    page.reload()
    expect(page.get_by_text("Chain broken")).to_be_visible()
    expect(page.get_by_text("changed after publishing")).to_be_visible()
    page.get_by_role("button", name="Re-compute in this browser").click()
    expect(page.get_by_text("Your browser found a mismatch at signal #1.")).to_be_visible()
    assert axe_violations(page) == []
    shoot(page, "trading-chain-broken")


def test_trading_handlers_called_as_the_wrong_user_are_refused(app_url: str) -> None:
    tess, mallory = make_member(name="Tess"), make_member(name="Mallory")
    tess_actor = actor_for(sign_in(tess.email))
    with session_scope() as db:
        published = signals.do_publish_signal(
            db,
            tess_actor,
            {"instrument": "BTC/USD", "direction": "long", "size_percent": "5", **_levels()},
        )
        order = portfolio.do_place_order(
            db,
            tess_actor,
            {
                "instrument": "BTC/USD",
                "side": "buy",
                "type": "limit",
                "quantity": "0.1",
                "limit_price": "1000",
            },
        )
        handle = ensure_profile(db, tess.id).handle
    params = {"signal_id": str(published.id)}

    async def attack() -> dict:
        seen: dict = {}
        async with ReflexClient(
            app_url, cookies={"aixplore_session": sign_in(mallory.email)}
        ) as tab:
            await tab.hydrate(f"/trading/signals/{published.id}", params=params)
            seen["editable"] = tab.state(SignalPageState)["signal"]["editable"]
            seen["edit"] = await tab.call(
                SignalPageState.save, form={"direction": "long", "size_percent": "99", **_levels()}
            )
            await tab.navigate("/trading/portfolio")
            seen["cancel"] = await tab.call(PortfolioState.cancel, order_id=order.id)
            seen["forged"] = await tab.call(
                PortfolioState.place,
                form={
                    "instrument": "BTC/USD",
                    "side": "sell",
                    "type": "market",
                    "quantity": "0.1",
                    "portfolio_id": 1,
                },
            )
            seen["choose"] = await tab.call(MarketState.choose, symbol="<script>")
            await tab.navigate(f"/traders/{handle}/chain", params={"handle": handle})
            seen["fake_result"] = await tab.call(ChainState.show_browser_result, result="1:<b>")
        async with ReflexClient(app_url) as tab:
            await tab.hydrate("/trading")
            seen["anon_place"] = await tab.call(
                PortfolioState.place, form={"instrument": "BTC/USD", "side": "buy", "quantity": "1"}
            )
            seen["anon_publish"] = await tab.call(SignalFormState.publish, form={})
        return seen

    seen = run_async(attack())
    assert seen["editable"] is False
    assert ("error", "Only the trader who published a signal can edit it.") in seen["edit"].toasts
    assert ("error", "No such order.") in seen["cancel"].toasts
    # An order goes to the caller's own portfolio whatever the form says: Mallory holds nothing.
    assert any("long only" in text for _, text in seen["forged"].toasts)
    assert ("error", "Choose one of the listed instruments.") in seen["choose"].toasts
    assert not seen["fake_result"].changed(ChainState)
    for key in ("anon_place", "anon_publish"):
        assert any(path.startswith("/login") for path in seen[key].redirects), key
    with session_scope() as db:
        assert db.get(TradingSignal, published.id).size_bp == 500
        assert [o.status for o in db.exec(select(PaperOrder)).all()] == ["open"]


def test_a_follower_copies_a_leader_and_gets_a_proportional_position(
    page: Page, base_url: str, app_url: str, shoot
) -> None:
    leader, leader_id = seasoned_leader("Lea Leader")
    fay, mallory = make_member(name="Fay Follower"), make_member(name="Mallory")
    with session_scope() as db:
        handle = ensure_profile(db, leader_id).handle
        own = ensure_profile(db, mallory.id).handle
    sign_in_through_ui(page, base_url, fay.email)
    page.goto(f"{base_url}/traders/{handle}/chain")
    expect(
        page.get_by_text("Hypothetical results: paper trading with simulated prices")
    ).to_be_visible()
    page.get_by_label("Allocation (virtual dollars)").fill("10000")
    page.get_by_label("Which trades").select_option("new")
    _both_widths(page, shoot, "trading-copy-form")
    page.get_by_role("button", name="Copy this trader").click()
    expect(page.get_by_role("heading", name="My copies", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Lea Leader")).to_be_visible()

    with session_scope() as db:
        published = signals.do_publish_signal(
            db,
            leader,
            {"instrument": "BTC/USD", "direction": "long", "size_percent": "10", **_levels()},
        )
    with session_scope() as db:  # what the copy job does (it is idempotent: run it here too)
        fanout.fan_out_signal(db, published.id)
    with session_scope() as db:
        copy = db.exec(select(TradingCopy).where(TradingCopy.follower_id == fay.id)).one()
        [position] = db.exec(select(CopyPosition).where(CopyPosition.copy_id == copy.id)).all()
    # 10 % of the copy's $10,000: a $1,000 position.
    assert position.status == "open" and abs(position.cost - 1_000 * 10**6) < 10**6
    page.reload()
    expect(page.get_by_text("$10,000.00").first).to_be_visible()
    _both_widths(page, shoot, "trading-copies")

    async def attack() -> dict:
        seen: dict = {}
        cookies = {"aixplore_session": sign_in(mallory.email)}
        async with ReflexClient(app_url, cookies=cookies) as tab:
            await tab.hydrate("/trading/copies")
            seen["pause"] = await tab.call(CopiesState.pause, copy_id=copy.id)
            seen["stop"] = await tab.call(CopiesState.stop, copy_id=copy.id)
            seen["forged"] = await tab.call(CopiesState.resume, copy_id=str(copy.id))
            await tab.navigate(f"/traders/{own}/chain", params={"handle": own})
            seen["self"] = await tab.call(
                CopyFormState.start,
                form={"allocation": "100", "stop_percent": "50", "leader_id": leader_id},
            )
            await tab.navigate(f"/traders/{handle}/chain", params={"handle": handle})
            seen["too_much"] = await tab.call(
                CopyFormState.start, form={"allocation": "50000.01", "stop_percent": "50"}
            )
        async with ReflexClient(app_url) as tab:
            await tab.hydrate(f"/traders/{handle}/chain", params={"handle": handle})
            seen["anon"] = await tab.call(
                CopyFormState.start, form={"allocation": "100", "stop_percent": "50"}
            )
        return seen

    seen = run_async(attack())
    for key in ("pause", "stop", "forged"):
        assert ("error", "No such copy.") in seen[key].toasts, key
    assert ("error", "You cannot copy yourself.") in seen["self"].toasts
    assert any("between $100.00 and $50,000.00" in text for _, text in seen["too_much"].toasts)
    assert any(path.startswith("/login") for path in seen["anon"].redirects)
    with session_scope() as db:
        still = db.get(TradingCopy, copy.id)
        assert still is not None and still.status == "active"
        assert len(db.exec(select(TradingCopy)).all()) == 1


def test_the_leaderboard_ranks_verified_records_and_a_copy_can_be_simulated(
    page: Page, base_url: str, app_url: str, shoot
) -> None:
    _first, first_id = seasoned_leader("Lea Leader")
    _second, second_id = seasoned_leader("Ray Runner-up")
    with session_scope() as db:
        recompute_leaderboard(db)
        handle = ensure_profile(db, first_id).handle
    page.goto(f"{base_url}/trading")
    expect(page.get_by_role("button", name="XAU/USD", exact=False)).to_be_visible()
    # lightweight-charts draws the instrument on a canvas over the server's SVG.
    drawn = page.locator('.price-chart[data-ready="true"] canvas').first
    expect(drawn).to_be_visible()
    expect(page.get_by_text("Last close", exact=False)).to_be_visible()
    _both_widths(page, shoot, "trading-chart")
    page.set_viewport_size({"width": 375, "height": 800})
    expect(drawn).to_be_visible()
    # Every instrument row (the chosen one highlighted) is as wide as the list.
    widths = {round(b.bounding_box()["width"]) for b in page.locator("li > button").all()}
    assert len(widths) == 1, widths
    page.set_viewport_size({"width": 1280, "height": 800})
    # The leader's profile shows their trader card.
    page.goto(f"{base_url}/u/{handle}")
    expect(page.get_by_role("img", name="Trader card of Lea Leader, Common")).to_be_visible()
    _both_widths(page, shoot, "profile-trader-card")

    page.goto(f"{base_url}/trading/leaderboard")
    expect(page.get_by_text("Hypothetical results: paper trading")).to_be_visible()
    expect(page.get_by_text("Nobody meets these filters yet.")).to_be_visible()  # 3 months
    page.get_by_label("Period").select_option("all")
    page.get_by_label("Only traders I can copy").check()
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("link", name="Lea Leader")).to_be_visible()
    expect(page.get_by_role("link", name="Ray Runner-up")).to_be_visible()
    expect(page.get_by_text("#1", exact=True)).to_be_visible()
    _both_widths(page, shoot, "trading-leaderboard")

    page.get_by_role("link", name="Lea Leader").click()
    expect(page.get_by_role("img", name="Trader card of Lea Leader, Common")).to_be_visible()
    page.get_by_label("Period").select_option("1y")
    page.get_by_role("button", name="Simulate").click()
    expect(page.get_by_text("12 positions copied, 0 skipped.")).to_be_visible()
    expect(
        page.get_by_role("img", name="Equity of the simulated copy", exact=False)
    ).to_be_visible()
    _both_widths(page, shoot, "trading-simulate")

    async def forge() -> dict:
        seen: dict = {}
        async with ReflexClient(app_url) as tab:
            await tab.hydrate("/trading/leaderboard")
            seen["board"] = await tab.call(
                LeaderboardState.apply, form={"period": "10y", "max_risk": "99"}
            )
            seen["turn"] = await tab.call(LeaderboardState.turn, forward="yes")
            await tab.navigate(f"/traders/{handle}/chain", params={"handle": handle})
            seen["simulate"] = await tab.call(
                TraderState.simulate, form={"sim_allocation": ["1"], "sim_stop_percent": "40"}
            )
            seen["state"] = tab.state(TraderState)
        return seen

    seen = run_async(forge())
    assert seen["board"].changed(LeaderboardState)["error"] == (
        "Choose a period: 1m, 3m, 1y or all."
    )
    assert seen["turn"].toasts == []  # a forged page turn reads the same page again
    assert seen["state"]["error"] == "Allocation must be a number."
    assert seen["state"]["result"] == {}
    with session_scope() as db:
        # Equal records: the bootstrap's draws decide which is first, never both.
        assert {board.trader_card(db, t).rank for t in (first_id, second_id)} == {1, 2}
