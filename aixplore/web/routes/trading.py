"""Paper trading pages: market, portfolio, leaderboard, copies and signals."""

from __future__ import annotations

from aixplore.web.routes.route import Route, guard, refresh
from aixplore.web.trading.board_pages import leaderboard_page
from aixplore.web.trading.board_state import LeaderboardState, TraderState
from aixplore.web.trading.copy_pages import copies_page
from aixplore.web.trading.copy_state import CopiesState
from aixplore.web.trading.market_pages import portfolio_page, trading_page
from aixplore.web.trading.signal_pages import chain_page, signal_form_page, signal_page
from aixplore.web.trading.state import (
    ChainState,
    MarketState,
    PortfolioState,
    SignalFormState,
    SignalPageState,
)

TRADING_ROUTES: list[Route] = [
    Route(
        "/trading",
        trading_page,
        "Trading · AiXplore",
        [refresh, MarketState.load],
        description="Paper trading on simulated prices: instruments, charts and traders' signals.",
    ),
    Route(
        "/trading/portfolio",
        portfolio_page,
        "Paper portfolio · AiXplore",
        [guard, PortfolioState.load],
    ),
    Route(
        "/trading/leaderboard",
        leaderboard_page,
        "Leaderboard · AiXplore",
        [refresh, LeaderboardState.load],
        description="Paper traders ranked on verified records, with bootstrap bands and drawdown penalties.",
    ),
    Route(
        "/trading/copies",
        copies_page,
        "My copies · AiXplore",
        [guard, CopiesState.load],
    ),
    Route(
        "/trading/signals/new",
        signal_form_page,
        "Publish a signal · AiXplore",
        [guard, SignalFormState.load],
    ),
    Route(
        "/trading/signals/[signal_id]",
        signal_page,
        "Signal · AiXplore",
        [refresh, SignalPageState.load],
        description="A trading signal, hashed and chained when published; its outcome comes from the price feed.",
    ),
    Route(
        "/traders/[handle]/chain",
        chain_page,
        "Signal chain · AiXplore",
        [refresh, ChainState.load, TraderState.load],
        description="A trader's signals as a hash chain anyone can re-compute.",
    ),
]
