"""Event round-trip benchmark: AiXplore's real handlers against a blank Reflex app and a bare echo.

``.venv/bin/python bench/events.py`` (about 15 minutes on 2 cores; ``--sessions 1 200`` about
10) starts, in one run:

- a bare python-socketio echo server (``bench/echo_server.py``), the ceiling;
- a blank Reflex app (``reflex init --template blank`` plus a counter handler);
- a copy of this repository with a seeded SQLite database,

each in three modes (memory state manager with one worker; Redis state manager with one and
with two granian workers), and measures p50/p95 round-trip latency and answered events/s for
1, 50 and 200 concurrent tabs, closed-loop (each tab fires again as soon as its answer comes)
and paced (each tab one event per second). AiXplore's handlers are ``TokenState.load`` (the
"Refresh balance" button and the /token page load: the session check, then the balance and the
newest ledger entries, from the per-user statement cache while no ledger entry was written)
and ``EventsListState.load`` (the /events page load: a page of upcoming events). Both answer with a delta every time. ``SessionState.refresh`` and
``HomeState.load`` are no longer timed: when nothing changed they answer nothing at all (Reflex
sends no empty delta), so a round trip cannot be observed.

The blank app and AiXplore run side by side, in both Redis modes at once (memory mode on its
own), and are measured in turns for ``--rounds`` rounds (3): this machine's speed drifts by a
fifth from one minute to the next, so each round's AiXplore figures are divided by that
round's blank figures, and two workers' by one worker's of the same round; the median of those
ratios is what the targets judge. The table shows each measurement's median round.

The backends run as ``reflex run --env prod --backend-only`` on 127.0.0.1 (the event socket
needs no frontend build). Every server is stopped at the end, also on failure. Results go to
stdout and, as JSON, to ``bench/results/``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import statistics
import sys
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    BENCH,
    PYTHON,
    Workspace,
    app_info,
    base_env,
    free_port,
    group_cpu_seconds,
    load_average,
    save_results,
)
from sioload import Sample, Tab, measure, open_tabs

SESSIONS = (1, 50, 200)
LOOPS = ("closed", "paced")
MODES = {"memory": ("memory", 1), "redis-1w": ("redis", 1), "redis-2w": ("redis", 2)}
OURS = {
    "token.load": "aixplore.web.wallet.state:TokenState.load",
    "events.load": "aixplore.web.events.state:EventsListState.load",
}
BLANK_HANDLER = "blank.blank:CounterState.increment"
TOKENS = 20
Results = dict[tuple[str, str, int, str], list[Sample]]  # one sample per round


async def bench_server(
    url: str,
    handlers: dict[str, str],
    *,
    cookies: list[dict[str, str]],
    storage: dict[str, str],
    seconds: float,
    sessions: tuple[int, ...],
    label: str,
    groups: list[int],
) -> dict[tuple[str, int, str], Sample]:
    """Open the tabs once, then measure each handler at each concurrency and loop."""
    out: dict[tuple[str, int, str], Sample] = {}
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as http:
        tabs = await open_tabs(http, url, max(sessions), path="/", cookies=cookies, storage=storage)
        try:
            for handler, name in handlers.items():
                for n in sessions:
                    for loop in LOOPS:
                        sample = await timed(tabs[:n], name, loop, seconds, groups)
                        out[handler, n, loop] = sample
                        print(
                            f"  {label:<17} {handler:<9} {n:>4} {loop:<6} {sample.rate:6.0f} ev/s"
                            f"  p50 {sample.percentile(50):6.1f}  p95 {sample.percentile(95):6.1f} ms"
                            f"  cpu server {sample.server_cpu:4.0%} client {sample.client_cpu:4.0%}"
                            f"  errors {sample.errors}",
                            file=sys.stderr,
                            flush=True,
                        )
        finally:
            await asyncio.gather(*(tab.close() for tab in tabs), return_exceptions=True)
    return out


async def timed(tabs: list[Tab], name: str, loop: str, seconds: float, groups: list[int]) -> Sample:
    """One measurement, with the CPU share (of one core) of this load generator and of the
    server's process groups, to tell a saturated server from a saturated client."""
    cpu, server_cpu, wall = time.process_time(), group_cpu_seconds(groups), time.perf_counter()
    sample = await measure(tabs, name, loop=loop, seconds=seconds)
    wall = time.perf_counter() - wall
    sample.client_cpu = (time.process_time() - cpu) / wall
    sample.server_cpu = (group_cpu_seconds(groups) - server_cpu) / wall
    return sample


def run_all(args: argparse.Namespace) -> Results:
    """Start each server in turn, measure it, stop it."""
    results: Results = {}
    with Workspace(keep=args.keep) as ws:
        print(f"workspace {ws.root}", file=sys.stderr, flush=True)

        def bench(mode: str, app: str, url: str, subject: dict) -> None:
            found = asyncio.run(
                bench_server(
                    url,
                    subject["handlers"],
                    cookies=subject["cookies"],
                    storage=subject["storage"],
                    seconds=args.seconds,
                    sessions=tuple(args.sessions),
                    label=f"{app} {mode}",
                    groups=ws.live_groups(),
                )
            )
            for (handler, n, loop), sample in found.items():
                results.setdefault((mode, f"{app}:{handler}", n, loop), []).append(sample)

        blank_dir, app_dir = ws.blank_app(), ws.copy_app(args.ref)
        blank = app_info(blank_dir, ws.blank_env(blank_dir, 0), f"--handler={BLANK_HANDLER}")
        handler_args = [f"--handler={spec}" for spec in OURS.values()]
        ours = app_info(app_dir, ws.app_env(app_dir, 0), *handler_args, f"--tokens={TOKENS}")
        subjects = {
            "blank": {
                "dir": blank_dir,
                "env": ws.blank_env,
                "redis_var": "REFLEX_REDIS_URL",
                "handlers": {"counter": blank["handlers"][BLANK_HANDLER]},
                "cookies": [],
                "storage": {},
            },
            "aixplore": {
                "dir": app_dir,
                "env": ws.app_env,
                "redis_var": "AIXPLORE_REDIS_URL",
                "handlers": {label: ours["handlers"][spec] for label, spec in OURS.items()},
                "cookies": [{"aixplore_session": token} for token in ours["tokens"]],
                "storage": ours["storage"],
            },
        }

        port = free_port()
        echo = [PYTHON, str(BENCH / "echo_server.py"), str(port)]
        url = f"http://127.0.0.1:{port}"
        with ws.server("echo", echo, cwd=BENCH, env=base_env(), ready=f"{url}/ping"):
            echo_subject = {"handlers": {"echo": "echo"}, "cookies": [], "storage": {}}
            bench("-", "echo", url, echo_subject)

        # The modes of one state manager run side by side (Redis with one worker and with two)
        # and every app in them is measured in turns, round after round, so a slow minute of
        # this shared machine weighs on all alike (an idle server costs next to nothing); the
        # ratios, two workers against one included, are medians of each round's ratio.
        phases: dict[str, list[str]] = {}
        for mode in args.modes:
            phases.setdefault(MODES[mode][0], []).append(mode)
        for manager, modes in phases.items():
            with contextlib.ExitStack() as running:
                urls = {}
                for mode in modes:
                    for app, subject in subjects.items():
                        redis_url = running.enter_context(ws.redis()) if manager == "redis" else ""
                        port = free_port()
                        extra = {"GRANIAN_WORKERS": str(MODES[mode][1])}
                        if redis_url:
                            extra[subject["redis_var"]] = redis_url
                        env = subject["env"](subject["dir"], port, **extra)
                        urls[mode, app] = running.enter_context(
                            ws.reflex(f"{app}-{mode}", subject["dir"], env, port, backend_only=True)
                        )
                for _ in range(args.rounds):
                    for mode in modes:
                        for app, subject in subjects.items():
                            bench(mode, app, urls[mode, app], subject)
    return results


def ratio(a: float, b: float) -> str:
    """``a / b`` as ``0.00x``, or ``n/a``."""
    return f"{a / b:.2f}x" if b and not math.isnan(a) and not math.isnan(b) else "n/a"


def typical(results: Results, key: tuple[str, str, int, str]) -> Sample:
    """The round with the median events/s (the lower middle one for an even count)."""
    samples = sorted(results[key], key=lambda s: s.rate)
    return samples[(len(samples) - 1) // 2]


def paired(results: Results, ours: tuple, base: tuple, measure: str = "rate") -> float:
    """The median over rounds of ours / base, each round against its own baseline."""
    pairs = zip(results[ours], results[base], strict=True)
    if measure == "rate":
        values = [a.rate / b.rate if b.rate else math.nan for a, b in pairs]
    else:
        values = [a.percentile(95) / b.percentile(95) for a, b in pairs]
    return statistics.median(values) if values else math.nan


def report(results: Results, args: argparse.Namespace) -> None:
    """Print the table, the ratios and the targets."""
    big = max(args.sessions)
    print(
        f"\nEvent round trips ({args.seconds:g} s per measurement, {args.rounds} interleaved "
        "rounds, the median round shown; closed = fire on answer, paced = 1 event/s per tab; "
        "latency in ms)"
    )
    print(
        f"{'mode':<9} {'app:handler':<19} {'tabs':>4} | {'closed ev/s':>11} {'p50':>6} {'p95':>6}"
        f" {'cpu srv':>7} {'cli':>4} | {'paced ev/s':>10} {'p50':>6} {'p95':>6} | err"
    )
    apps = ["echo:echo", "blank:counter", *(f"aixplore:{h}" for h in OURS)]
    modes = ["-", *MODES]
    rows = sorted(
        {k[:3] for k in results}, key=lambda k: (modes.index(k[0]), apps.index(k[1]), k[2])
    )
    for mode, app, n in rows:
        c, p = typical(results, (mode, app, n, "closed")), typical(results, (mode, app, n, "paced"))
        errors = sum(s.errors for loop in LOOPS for s in results[mode, app, n, loop])
        print(
            f"{mode:<9} {app:<19} {n:>4} | {c.rate:11.0f} {c.percentile(50):6.1f} {c.percentile(95):6.1f}"
            f" {c.server_cpu:7.0%} {c.client_cpu:4.0%} | {p.rate:10.0f} {p.percentile(50):6.1f}"
            f" {p.percentile(95):6.1f} | {errors}"
        )

    echo_key = ("-", "echo:echo", big, "closed")
    echo_rate = typical(results, echo_key).rate if echo_key in results else 0.0
    print(
        f"\nRatios at {big} tabs, closed loop: events/s (p95 latency in brackets), the median of "
        "the rounds' ratios"
    )
    for mode in args.modes:
        base = (mode, "blank:counter", big, "closed")
        line = [f"{mode:<9} blank/echo {ratio(typical(results, base).rate, echo_rate)}"]
        for handler in OURS:
            key = (mode, f"aixplore:{handler}", big, "closed")
            line.append(
                f"{handler}: vs blank {paired(results, key, base):.2f}x "
                f"[{paired(results, key, base, 'p95'):.2f}x], "
                f"vs echo {ratio(typical(results, key).rate, echo_rate)}"
            )
        print(" | ".join(line))

    print("\nTargets")
    for mode in args.modes:
        base = (mode, "blank:counter", big, "closed")
        for handler in OURS:
            paced = typical(results, (mode, f"aixplore:{handler}", big, "paced"))
            key = (mode, f"aixplore:{handler}", big, "closed")
            _target(
                f"{mode} {handler}: paced p95 at {big} tabs < 20 ms",
                f"{paced.percentile(95):.1f} ms",
                paced.percentile(95) < 20,
            )
            rounds = ", ".join(
                f"{a.rate:.0f}/{b.rate:.0f}"
                for a, b in zip(results[key], results[base], strict=True)
            )
            _target(
                f"{mode} {handler}: closed events/s >= 0.7x blank",
                f"{paired(results, key, base):.2f}x (rounds, ours/blank: {rounds})",
                paired(results, key, base) >= 0.7,
            )
    if {"redis-1w", "redis-2w"} <= set(args.modes):
        for app in ["blank:counter", *(f"aixplore:{h}" for h in OURS)]:
            one, two = (("redis-1w", app, big, "closed"), ("redis-2w", app, big, "closed"))
            rounds = ", ".join(
                f"{b.rate:.0f}/{a.rate:.0f}"
                for a, b in zip(results[one], results[two], strict=True)
            )
            _target(
                f"redis 2 workers >= 1.5x 1 worker, {app}",
                f"{paired(results, two, one):.2f}x (rounds, 2 workers/1: {rounds})",
                paired(results, two, one) >= 1.5,
            )


def _target(what: str, value: str, ok: bool) -> None:
    print(f"  {'PASS' if ok else 'FAIL'}  {what}: {value}")


def save(results: Results) -> Path:
    """Write every sample to ``bench/results/events-<time>.json``."""
    rows = [
        {
            "mode": m,
            "app": a,
            "tabs": n,
            "loop": loop,
            "round": r,
            "events_per_s": s.rate,
            "p50_ms": s.percentile(50),
            "p95_ms": s.percentile(95),
            "answered": len(s.latencies),
            "errors": s.errors,
            "server_cpu": s.server_cpu,
            "client_cpu": s.client_cpu,
        }
        for (m, a, n, loop), samples in sorted(results.items())
        for r, s in enumerate(samples, start=1)
    ]
    return save_results("events", rows)


def main() -> None:
    """Parse the arguments, run, report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=4.0, help="length of each measurement")
    parser.add_argument("--modes", nargs="+", choices=list(MODES), default=list(MODES))
    parser.add_argument("--sessions", nargs="+", type=int, default=list(SESSIONS))
    parser.add_argument(
        "--rounds", type=int, default=3, help="interleaved rounds of blank and AiXplore per mode"
    )
    parser.add_argument("--ref", help="measure this commit instead of the working tree")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder and logs")
    args = parser.parse_args()
    started = time.monotonic()
    print(f"load average at start: {load_average()}")
    results = run_all(args)
    report(results, args)
    print(
        f"\nresults: {save(results)}; total {time.monotonic() - started:.0f} s; load average at end: "
        f"{load_average()}"
    )


if __name__ == "__main__":
    main()
