"""Memory drill: the embedded default's worker while 10,000 browser tabs come and go.

``.venv/bin/python bench/state_memory.py`` (about 5 minutes on 2 cores: two production builds
and two drills) copies the app with a seeded SQLite database (``common.Workspace``) and starts
it as ``./scripts/run`` does: ``reflex run --env prod`` on one port, SQLite, the memory state
manager, one worker, the embedded job worker. Then, in waves, tabs open ``/token`` signed in
(socket handshake with the session cookie, ``hydrate_and_load`` with it, the page's loads:
the session guard, the balance and the newest ledger entries) and close again
(``bench/sioload.py``), ``--concurrency`` at a time. After each wave it waits until the
states of the tabs that left may have expired (the idle time and two sweeps) and samples the
resident size (``VmRSS`` in ``/proc/<pid>/status``) of the worker: the largest Python process
of the server's process group.

It does this twice, in the same run: with the idle expiry short (``--idle-seconds``, 5), and
as a baseline with it at 24 hours, which is how today's code behaved within the drill (Reflex
keeps a state an hour after its last event, and does not give its memory back). It prints the
RSS after each wave, the states held (``aixplore_tab_states`` from ``/metrics``), and for
each run the ratio of the last plateau (the mean of the last two waves) to the first (the
first wave). It exits non-zero when, with the expiry on, RSS keeps growing: the last plateau
more than ``--tolerance`` (10 %) above the first, or any tab failing to open.

``--build-lock PATH`` holds an ``flock`` on PATH while each production build runs (machines
where builds share a lock). Results also go, as JSON, to ``bench/results/``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import fcntl
import re
import statistics
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Workspace, app_info, free_port, load_average, save_results
from sioload import Tab, TabError

PAGE = "/token"
BASELINE_IDLE_SECONDS = 24 * 3600


@contextlib.contextmanager
def build_lock(path: str | None) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``path`` for the block (nothing when None)."""
    if path is None:
        yield
        return
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def rss_kib(pid: int) -> int:
    """A process's resident size in KiB (0 when it is gone)."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def worker_pid(group: int) -> int:
    """The worker: in the server's process group, the largest process forked by another one
    of the group (granian's worker), else the largest of the group."""
    members: dict[int, tuple[int, int]] = {}  # pid: (parent pid, RSS)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rpartition(")")[2].split()
            if int(fields[2]) == group:
                pid = int(stat.parent.name)
                members[pid] = (int(fields[1]), rss_kib(pid))
    forked = {pid: m for pid, m in members.items() if m[0] in members}
    pool = forked or members
    return max(pool, key=lambda pid: pool[pid][1]) if pool else 0


def states_held(url: str) -> int:
    """``aixplore_tab_states`` from the server's /metrics (-1 when missing)."""
    with urllib.request.urlopen(f"{url}/metrics", timeout=5) as response:
        text = response.read().decode()
    found = re.search(r"^aixplore_tab_states ([0-9.e+]+)$", text, re.MULTILINE)
    return int(float(found.group(1))) if found else -1


async def wave(url: str, tabs: int, concurrency: int, cookie: dict, storage: dict) -> int:
    """``tabs`` tabs open the page signed in and close again; returns how many failed."""
    failed = 0
    gate = asyncio.Semaphore(concurrency)
    async with aiohttp.ClientSession() as http:

        async def visit() -> None:
            nonlocal failed
            async with gate:
                tab = Tab(http, url, path=PAGE, cookies=cookie, storage=storage)
                try:
                    await tab.open()
                except TabError:
                    failed += 1
                finally:
                    await tab.close()

        await asyncio.gather(*(visit() for _ in range(tabs)))
    return failed


def drill(ws: Workspace, app_dir: Path, idle: float, args: argparse.Namespace) -> dict:
    """One server, ``args.waves`` waves of tabs; RSS and states held after each."""
    port = free_port()
    env = ws.app_env(app_dir, port, AIXPLORE_STATE_IDLE_MINUTES=str(idle / 60))
    info = app_info(app_dir, env, "--tokens", "1")
    cookie = {"aixplore_session": info["tokens"][0]}
    # After a wave: the idle time and two sweeps, for the states of the tabs that left to go;
    # the baseline drops nothing, so waiting would not change its figure.
    baseline = idle >= BASELINE_IDLE_SECONDS
    settle = 1.0 if baseline else idle + 2 * max(0.5, idle / 4) + 1
    label = "baseline" if baseline else "expiry on"
    with contextlib.ExitStack() as stack:
        with build_lock(args.build_lock):
            url = stack.enter_context(
                ws.reflex(label, app_dir, env, port, backend_only=args.backend_only)
            )
        group = ws.live_groups()[-1]
        pid = worker_pid(group)
        rows = [{"wave": 0, "tabs": 0, "rss_kib": rss_kib(pid), "states": states_held(url)}]
        print(f"\n{label}: idle {idle:g} s, worker pid {pid}, {rss_kib(pid) / 1024:.0f} MiB idle")
        failed = 0
        for n in range(1, args.waves + 1):
            started = time.perf_counter()
            failed += asyncio.run(wave(url, args.tabs, args.concurrency, cookie, info["storage"]))
            took = time.perf_counter() - started
            peak_rss, peak_states = rss_kib(pid), states_held(url)
            time.sleep(settle)
            row = {
                "wave": n,
                "tabs": n * args.tabs,
                "seconds": round(took, 1),
                "wave_end_rss_kib": peak_rss,
                "wave_end_states": peak_states,
                "rss_kib": rss_kib(pid),
                "states": states_held(url),
            }
            rows.append(row)
            print(
                f"  wave {n:2d}: {row['tabs']:6,d} tabs so far ({took:5.1f} s); at its end "
                f"{peak_rss / 1024:6.1f} MiB with {peak_states:5d} states; "
                f"{settle:.1f} s later {row['rss_kib'] / 1024:6.1f} MiB with {row['states']:5d}"
                f"{f', {failed} tabs failed' if failed else ''}",
                flush=True,
            )
    first = rows[1]["rss_kib"]
    last = statistics.mean(r["rss_kib"] for r in rows[-2:])
    return {
        "label": label,
        "idle_seconds": idle,
        "rows": rows,
        "failed": failed,
        "first_plateau_kib": first,
        "last_plateau_kib": last,
        "ratio": last / first,
    }


def main() -> None:
    """Run both drills, print the figures, exit non-zero when RSS keeps growing."""
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--waves", type=int, default=10)
    parser.add_argument("--tabs", type=int, default=1000, help="tabs per wave")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--idle-seconds", type=float, default=5.0)
    parser.add_argument("--tolerance", type=float, default=0.10)
    parser.add_argument("--backend-only", action="store_true", help="skip the frontend build")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--build-lock", default=None)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    print(f"load average at start: {load_average()}")
    results = []
    with Workspace(keep=args.keep) as ws:
        app_dir = ws.copy_app()
        idles = [args.idle_seconds] + ([] if args.skip_baseline else [BASELINE_IDLE_SECONDS])
        for idle in idles:
            results.append(drill(ws, app_dir, idle, args))
    print("\nsummary (RSS of the worker, MiB)")
    for r in results:
        print(
            f"  {r['label']:9s}: first plateau {r['first_plateau_kib'] / 1024:7.1f}, "
            f"last {r['last_plateau_kib'] / 1024:7.1f}, ratio {r['ratio']:.2f}, "
            f"failed tabs {r['failed']}"
        )
    save_results("state_memory", {"args": vars(args), "results": results}, indent=2)
    ours = results[0]
    if ours["ratio"] > 1 + args.tolerance or ours["failed"]:
        print(f"FAIL: with the expiry on RSS grew {ours['ratio']:.2f}x (or tabs failed)")
        sys.exit(1)
    print(f"OK: with the expiry on RSS stayed within {args.tolerance:.0%} of its first plateau")


if __name__ == "__main__":
    main()
