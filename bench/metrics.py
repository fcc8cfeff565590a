"""What /metrics reports for demo traffic: cache hit rate, event latency, state size.

Seeds the demo catalog into a scratch database, starts the backend (two workers, Prometheus
multiprocess mode, as the image runs), and lets anonymous visitors browse over the event
socket as browsers do: home page, catalog, a solution's page, its card, categories, events.
Then it reads the app's own /metrics and prints the cache hit rate per cache and overall, the
p95 event latency per surface and for the busiest handlers, and the tab state size.

Run from the repository root::

    .venv/bin/python bench/metrics.py              # SQLite, in-process cache
    .venv/bin/python bench/metrics.py --redis      # a private Redis: shared cache and states
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _setup(folder: Path) -> list[str]:
    """Seed the demo catalog into ``folder``; return the solutions' slugs."""
    os.environ.update(
        AIXPLORE_ENV="test",
        AIXPLORE_SECRET_KEY="bench-only-secret-key-0123456789abcdefghijkl",
        AIXPLORE_LOG_JSON="false",
        AIXPLORE_DATA_DIR=str(folder),
        AIXPLORE_DATABASE_URL=f"sqlite:///{folder}/bench.db",
        TELEMETRY_ENABLED="false",
    )
    sys.path.insert(0, str(ROOT))
    from sqlmodel import select

    from aixplore.cli import migrate
    from aixplore.core.db import session_scope
    from aixplore.demo import seed_demo_catalog
    from aixplore.domain.solutions.models import Solution

    migrate()
    with session_scope() as db:
        seed_demo_catalog(db)
        return [slug for slug in db.exec(select(Solution.slug)).all() if slug]


async def _visitor(url: str, slugs: list[str], rounds: int, seed: int) -> None:
    from tests.support.reflex_client import ReflexClient

    pick = random.Random(seed)
    async with ReflexClient(url, timeout=30, storage_keys={}) as tab:
        await tab.hydrate("/", settle=0.05)
        for _ in range(rounds):
            slug = pick.choice(slugs)
            for path, params in (
                ("/solutions", {}),
                (f"/solutions/{slug}", {"slug": slug}),
                (f"/cards/{slug}", {"slug": slug}),
                ("/categories", {}),
                ("/events", {}),
                ("/", {}),
            ):
                await tab.navigate(path, params=params, settle=0.05)


def _samples(url: str) -> dict[tuple[str, frozenset], float]:
    import httpx
    from prometheus_client.parser import text_string_to_metric_families

    found: dict[tuple[str, frozenset], float] = {}
    text = httpx.get(f"{url}/metrics", timeout=30).text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def _p95(samples: dict, name: str, **labels: str) -> float:
    """The 95th percentile of histogram ``name`` (upper bound of the bucket it falls in)."""
    buckets = sorted(
        (float(dict(lab)["le"]), value)
        for (sample, lab), value in samples.items()
        if sample == f"{name}_bucket" and all(dict(lab).get(k) == v for k, v in labels.items())
    )
    merged: dict[float, float] = {}
    for le, value in buckets:
        merged[le] = merged.get(le, 0.0) + value
    total = merged.get(float("inf"), 0.0)
    for le, count in sorted(merged.items()):
        if total and count >= 0.95 * total:
            return le
    return float("nan")


def main() -> None:
    """Seed, serve, browse, and print what /metrics says."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visitors", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--redis", action="store_true")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="aixplore-metrics-"))
    slugs = _setup(folder)
    from tests.support.backend import RedisServer, backend

    redis = RedisServer() if args.redis else None
    env: dict[str, str | None] = {
        "GRANIAN_WORKERS": "2",
        "PROMETHEUS_MULTIPROC_DIR": str(folder / "prometheus"),
        "AIXPLORE_REDIS_URL": None,
    }
    if redis is not None:
        redis.start()
        env["AIXPLORE_REDIS_URL"] = redis.url
    print(f"load average at the start: {os.getloadavg()[0]:.2f}")
    try:
        with backend(folder / "logs", **env) as url:
            started = time.perf_counter()

            async def browse() -> None:
                await asyncio.gather(
                    *(_visitor(url, slugs, args.rounds, n) for n in range(args.visitors))
                )

            asyncio.run(browse())
            seconds = time.perf_counter() - started
            _report(_samples(url), args, seconds)
    finally:
        if redis is not None:
            redis.kill()


def _report(samples: dict, args: argparse.Namespace, seconds: float) -> None:
    mode = "Redis (shared cache, states in Redis)" if args.redis else "SQLite, no Redis"
    pages = args.visitors * (1 + 6 * args.rounds)
    print(f"{mode}: {args.visitors} visitors, {pages} page loads in {seconds:.1f} s")
    reads: dict[str, list[float]] = {}
    for (name, labels), value in samples.items():
        if name == "aixplore_cache_reads_total":
            lab = dict(labels)
            hit_miss = reads.setdefault(lab["cache"], [0.0, 0.0])
            hit_miss[0 if lab["result"] == "hit" else 1] += value
    hits = sum(h for h, _ in reads.values())
    total = sum(h + m for h, m in reads.values())
    for cache, (hit, miss) in sorted(reads.items()):
        print(f"  cache {cache:8s} {hit / (hit + miss):6.1%} hits of {hit + miss:.0f} reads")
    if total:
        print(f"  cache hit rate overall: {hits / total:.1%} of {total:.0f} reads")
    events = sum(v for (n, _), v in samples.items() if n == "aixplore_events_total")
    errors = sum(
        v
        for (n, lab), v in samples.items()
        if n == "aixplore_events_total" and dict(lab)["outcome"] == "error"
    )
    print(f"  events: {events:.0f}, errors: {errors:.0f}")
    print(f"  event p95 (bucket bound): {_p95(samples, 'aixplore_event_seconds') * 1000:.0f} ms")
    handlers = {
        dict(lab)["handler"]
        for (n, lab), _ in samples.items()
        if n == "aixplore_event_seconds_count"
    }
    busiest = sorted(
        handlers,
        key=lambda h: -samples[("aixplore_event_seconds_count", frozenset({("handler", h)}))],
    )[:6]
    for handler in busiest:
        p95 = _p95(samples, "aixplore_event_seconds", handler=handler)
        print(f"    {handler:40s} p95 <= {p95 * 1000:.0f} ms")
    if args.redis:
        print(f"  tab state written, p95 <= {_p95(samples, 'aixplore_state_bytes'):.0f} bytes")


if __name__ == "__main__":
    main()
