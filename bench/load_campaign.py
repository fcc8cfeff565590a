"""The load campaign: realistic journeys at the expected rate and at 10x it, against the targets.

    .venv/bin/python bench/load_campaign.py [--seconds 60] [--expected 16.7] [--members 60]

It starts a throwaway PostgreSQL and Redis (``bench/fault_servers.py``), migrates, seeds the
demo catalog and events, adds members with sessions and draft orders and API keys, and serves
the app with two backend workers (``tests/support/backend.py``, ``GRANIAN_WORKERS=2``, as the
end-to-end PostgreSQL pass). Then it runs the traffic model of ``tests/support/load_campaign.py``
(browse, search, REST, review, RSVP, order: its docstring has the mix) for ``--seconds`` three
times: at ``--baseline`` (1 step/s, the latency on this machine with next to no load from the
campaign), at the expected rate, and at 10x it. Each run prints per journey step the count,
errors, p50 and p95 against the plan's targets (errors < 0.1 %, p95 < 200 ms), availability as
/api/health answered, the servers' resident memory over time and the load average before and
after. A step waits at most 10 s for its answer (then it counts as an error).

The expected rate: the Batch 2 plan asks for 10,000 requests a minute per server and for load
tests at 10x the expected traffic, so one server's expected traffic is 1,000 requests a minute,
16.7 a second, a request being one journey step (a page load or click over the event socket,
or one REST call). 10x is the plan's per-server throughput target.

Rate limits meant for single clients are raised for the campaign (every simulated person and
API client arrives from 127.0.0.1); nothing else is changed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# This folder goes last: its module names (graphql.py, ...) must not hide the packages'.
sys.path[0] = str(ROOT)
sys.path.append(str(ROOT / "bench"))

from fault_servers import scratch_servers  # noqa: E402

EXPECTED_PER_SECOND = 10_000 / 60 / 10  # the plan's per-server throughput is 10x expected
CAMPAIGN_LIMITS = {
    "AIXPLORE_API_IP_LIMIT": "100000/minute",
    "AIXPLORE_API_ANONYMOUS_LIMIT": "100000/minute",
    "AIXPLORE_API_USER_LIMIT": "100000/minute",
    "AIXPLORE_API_READ_LIMIT": "100000/minute",
    "AIXPLORE_LOGIN_LIMIT_PER_IP": "100000/minute",
}


def _run(url: str, pgid: int, args: argparse.Namespace, people: object, rate: float) -> None:
    from common import group_cpu_seconds

    from tests.support.load_campaign import campaign, summary

    print(f"\n== {rate:.1f} steps/s for {args.seconds:.0f} s; load average before: {_load()}")
    cpu = group_cpu_seconds([pgid])
    report = asyncio.run(
        campaign(url, people, rate=rate, seconds=args.seconds, server_groups=[pgid])  # type: ignore[arg-type]
    )
    cpu = group_cpu_seconds([pgid]) - cpu
    for line in summary(report):
        print(line)
    # What the machine's load does not change much: the servers' CPU time per step answered.
    answered = report.steps - report.errors
    if answered:
        per_step = cpu / answered
        print(
            f"server CPU: {cpu:.1f} s for {answered} steps answered, {per_step * 1000:.0f} ms a"
            f" step: one core serves about {1 / per_step:.0f} steps/s"
        )
    print(f"load average after: {_load()}")


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    """Set up, run the expected rate and 10x it, print the figures."""
    parser = argparse.ArgumentParser(description="The load campaign.")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--expected", type=float, default=EXPECTED_PER_SECOND)
    parser.add_argument("--factor", type=float, default=10.0, help="the last run's multiple")
    parser.add_argument(
        "--baseline", type=float, default=1.0, help="the first run's rate: the unloaded latency"
    )
    parser.add_argument("--members", type=int, default=60)
    parser.add_argument("--keys", type=int, default=10)
    parser.add_argument("--workers", default="2")
    args = parser.parse_args()
    with scratch_servers("aixplore-load-", **CAMPAIGN_LIMITS) as folder:
        from aixplore.cli import migrate
        from aixplore.core.db import session_scope
        from aixplore.demo import seed_demo_catalog, seed_demo_events
        from tests.support.backend import PROCESSES, backend
        from tests.support.load_campaign import make_population

        migrate()
        with session_scope() as db:
            seed_demo_catalog(db)
        with session_scope() as db:
            seed_demo_events(db)
        people = make_population(args.members, args.keys)
        print(
            f"population: {len(people.sessions)} members, {len(people.api_keys)} API keys,"
            f" {len(people.slugs)} solutions, {len(people.event_ids)} upcoming events"
        )
        env = {"GRANIAN_WORKERS": args.workers, "AIXPLORE_LOG_LEVEL": "WARNING"}
        env["PROMETHEUS_MULTIPROC_DIR"] = str(folder / "prometheus")
        with backend(folder / "logs", **env) as url:
            pgid = PROCESSES[url].pid
            for rate in (args.baseline, args.expected, args.expected * args.factor):
                _run(url, pgid, args, people, rate)
    return 0


if __name__ == "__main__":
    sys.exit(main())
