"""Demo and benchmark data: a believable catalog, and a large generated one."""

from aixplore.demo.catalog import SeedReport, seed_demo_catalog
from aixplore.demo.events import seed_demo_events
from aixplore.demo.large import seed_large_catalog
from aixplore.demo.repositories import seed_demo_repository
from aixplore.demo.social import seed_demo_social
from aixplore.demo.streams import seed_demo_streams
from aixplore.demo.trading import seed_demo_trading
from aixplore.demo.wallets import seed_demo_order_tokens, seed_demo_wallets

__all__ = [
    "SeedReport",
    "seed_demo_catalog",
    "seed_demo_events",
    "seed_demo_order_tokens",
    "seed_demo_repository",
    "seed_demo_social",
    "seed_demo_streams",
    "seed_demo_trading",
    "seed_demo_wallets",
    "seed_large_catalog",
]
