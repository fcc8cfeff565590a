"""Many tabs: idle tabs' memory beside a blank app's, chat delivery across workers, bell pushes.

    .venv/bin/python bench/tabs.py                          # 5,000 idle tabs + 500 chatters
    .venv/bin/python bench/tabs.py --tabs 1000 --chatters 100 --seconds 60

1. Blank app (the baseline, same run): ``reflex init --template blank`` served as ``reflex run
   --env prod --backend-only`` with two workers on its own Redis; ``--warm`` tabs, then the
   workers' RSS and Redis's ``used_memory``, then ``--tabs`` idle tabs on ``/``, the same again.
2. AiXplore the production way: throwaway PostgreSQL and Redis (``fault_servers``), migrated
   and seeded with the demo data, front end built once (``.web/build`` is reused when there;
   the build holds ``flock /tmp/reflex-build.lock``), ``python -m aixplore.serve start`` with
   ``GRANIAN_WORKERS=2``. The same measure of ``--tabs`` idle tabs on ``/``, each *signed in*
   as a member of its own (so each keeps its live listener, ``web/live.py``), or anonymous
   with ``--anonymous``. They stay open for the rest of the run.
3. ``--chatters`` signed-in members in pairs, each pair in a conversation of its own, each on
   ``/messages/<id>`` with the two tabs on different backend workers. Each sends a message
   every ``--every`` seconds (random phase) through ``MessagesState.send`` over the socket, for
   ``--seconds``; meanwhile ``--notify-rate`` notifications a second go to idle members
   (``notify()`` in this process, committed and published as the app does). Measured: send ->
   shown in the other member's tab (p50/p95/max), send -> shown in the sender's tab, messages
   lost or shown twice, ``notify()`` call -> the bell's new count in the member's tab.

The client (this process) runs on the same cores as the servers: it prints its own CPU share
and its event loop's lateness, to tell a slow server from a busy client. Exits non-zero when a
target is missed: delivery p95 >= 100 ms, a message lost, push p95 >= 200 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from common import BENCH, Workspace, app_info, group_cpu_seconds, load_average  # noqa: E402
from fault_servers import Postgres, Redis, free_port  # noqa: E402
from faults import _environment, _seed  # noqa: E402
from sioload import Tab, TabError  # noqa: E402
from state_memory import build_lock, rss_kib  # noqa: E402
from tabs_chat import COOKIE, LoopLag, place_chatters, push_notifications, summary, verdict  # noqa: E402

DELIVERY_P95_MS, PUSH_P95_MS = 100.0, 200.0


def raise_fd_limit(need: int) -> int:
    """Raise this process's open-file limit (inherited by the servers) to the hard limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard < need:
        print(f"warning: open-file limit {hard} < the {need} this run needs", flush=True)
    return hard


def forked_workers(group: int, count: int) -> list[int]:
    """The ``count`` largest processes of ``group`` forked by another one of it (the workers)."""
    members: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
            if int(fields[2]) == group:
                members[int(stat.parent.name)] = int(fields[1])
        except (OSError, ValueError, IndexError):
            continue
    forked = [pid for pid, parent in members.items() if parent in members]
    return sorted(forked, key=rss_kib, reverse=True)[:count]


def redis_used(url: str) -> int:
    """Redis's ``used_memory`` in bytes."""
    import redis

    return int(redis.Redis.from_url(url).info("memory")["used_memory"])  # type: ignore[index]


def family_cpu_seconds(pid: int) -> float:
    """CPU seconds used so far by a process and its live children (PostgreSQL's backends each
    lead a process group of their own)."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
            if int(stat.parent.name) == pid or int(fields[1]) == pid:
                ticks += int(fields[11]) + int(fields[12])
        except (OSError, ValueError, IndexError):
            continue
    return ticks / os.sysconf("SC_CLK_TCK")


def cpu_shares(meters: dict, since: dict, wall: float) -> dict[str, float]:
    """Each meter's CPU use since ``since`` (its earlier readings), in cores."""
    return {name: round((read() - since[name]) / wall, 3) for name, read in meters.items()}


def redis_commands(url: str) -> int:
    """Commands Redis has processed so far."""
    import redis

    return int(redis.Redis.from_url(url).info("stats")["total_commands_processed"])  # type: ignore[index]


async def sample_memory(pids: list[int], redis_url: str) -> dict:
    """Median of three samples a second apart: the workers' RSS (KiB) and Redis's bytes."""
    rows = []
    for _ in range(3):
        rows.append((sum(rss_kib(p) for p in pids), redis_used(redis_url)))
        await asyncio.sleep(1)
    return {
        "workers_rss_kib": statistics.median(r[0] for r in rows),
        "per_worker_kib": [rss_kib(p) for p in pids],
        "redis_bytes": statistics.median(r[1] for r in rows),
    }


async def open_idle(
    http: aiohttp.ClientSession, url: str, cookies: list[dict], storage: dict, batch: int
) -> tuple[list[Tab], int]:
    """Open one hydrated tab on ``/`` per cookie dict, ``batch`` at a time; (tabs, failed)."""
    tabs, failed = [], 0

    async def one(cookie: dict) -> None:
        nonlocal failed
        tab = Tab(http, url, path="/", cookies=cookie or None, storage=storage)
        try:
            await tab.open(limit_s=60)
            tabs.append(tab)
        except (TabError, aiohttp.ClientError, OSError):
            failed += 1
            await tab.close()

    for start in range(0, len(cookies), batch):
        await asyncio.gather(*(one(c) for c in cookies[start : start + batch]))
    return tabs, failed


async def memory_phase(
    label: str, http, url: str, pids: list[int], redis_url: str, cookies: list[dict], **kw
) -> tuple[dict, list[Tab]]:
    """Warm-up tabs, memory, ``len(cookies) - warm`` idle tabs, memory again, per tab."""
    warm, storage, batch = kw["warm"], kw["storage"], kw["batch"]
    warmed, _ = await open_idle(http, url, cookies[:warm], storage, batch)
    await asyncio.sleep(2)
    before = await sample_memory(pids, redis_url)
    started = time.perf_counter()
    tabs, failed = await open_idle(http, url, cookies[warm:], storage, batch)
    took = time.perf_counter() - started
    await asyncio.sleep(5)
    after = await sample_memory(pids, redis_url)
    n = max(1, len(tabs))
    row = {
        "label": label,
        "tabs": len(tabs),
        "failed": failed,
        "open_seconds": round(took, 1),
        "before": before,
        "after": after,
        "rss_per_tab_kib": (after["workers_rss_kib"] - before["workers_rss_kib"]) / n,
        "redis_per_tab_kib": (after["redis_bytes"] - before["redis_bytes"]) / 1024 / n,
        "load": load_average(),
    }
    print(
        f"{label}: {len(tabs)} idle tabs opened in {took:.1f} s ({failed} failed); workers "
        f"{before['workers_rss_kib'] / 1024:.1f} -> {after['workers_rss_kib'] / 1024:.1f} MiB "
        f"({row['rss_per_tab_kib']:.1f} KiB/tab), Redis {row['redis_per_tab_kib']:.1f} KiB/tab; "
        f"load {row['load']}",
        flush=True,
    )
    return row, warmed + tabs


def blank_run(ws: Workspace, args: argparse.Namespace) -> dict:
    """The blank app's idle tabs (anonymous: it has no sign-in)."""
    folder = ws.blank_app()
    port = free_port()  # not from 3100-3199, where other sessions' benchmarks run
    with ws.redis() as redis_url:
        env = ws.blank_env(folder, port, GRANIAN_WORKERS="2", REFLEX_REDIS_URL=redis_url)
        with ws.reflex("blank", folder, env, port, backend_only=True) as url:

            async def go() -> dict:
                async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
                    pids = forked_workers(ws.live_groups()[-1], 2)
                    cookies = [{}] * (args.warm + args.tabs)
                    row, tabs = await memory_phase(
                        "blank", http, url, pids, redis_url, cookies, warm=args.warm,
                        storage={}, batch=args.batch,
                    )  # fmt: skip
                    await asyncio.gather(*(t.close() for t in tabs))
                    return row

            return asyncio.run(go())


async def aixplore_phase(app, url: str, redis_url: str, args, names: dict, meters: dict) -> dict:
    """Idle tabs' memory, then the chat and the pushes with the idle tabs still open."""
    # Imported once the settings point at the throwaway database (read at import).
    from tabs_people import make_pairs, make_people, notify_one, pg_transactions, stored_count

    people = make_people(args.warm + args.tabs, "idle")
    cookies = [{} if args.anonymous else {COOKIE: t} for _, t in people]
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        pids = sorted(app.worker_pids())
        memory, idle = await memory_phase(
            "aixplore", http, url, pids, redis_url, cookies, warm=args.warm,
            storage=names["storage"], batch=args.batch,
        )  # fmt: skip
        pairs = make_pairs(args.chatters // 2)
        chatters, ledger, moved = await place_chatters(
            http, url, app, pairs, names["storage"], names["messages"]
        )
        print(f"{len(chatters)} chatters placed ({moved} tabs reopened)", flush=True)
        before = {name: read() for name, read in meters.items()}
        await asyncio.sleep(args.quiet)  # what the open tabs cost with nothing happening
        idle_cpu = cpu_shares(meters, before, args.quiet)
        lag, before = LoopLag(), {name: read() for name, read in meters.items()}
        counts = (pg_transactions(), redis_commands(redis_url))
        start = time.perf_counter()
        end = start + args.seconds
        ledger.counted_from = start + args.every
        sends = [
            c.run(names["send"], args.every, end, random.uniform(0, args.every)) for c in chatters
        ]
        member = {token: uid for uid, token in people}
        targets = [] if args.anonymous else [(t, member[t.cookies[COOKIE]]) for t in idle]
        pushes = push_notifications(
            targets, names["bell"], args.notify_rate, (start, end), notify_one
        )
        done = await asyncio.gather(lag.run(end), pushes, *sends)
        wall = time.perf_counter() - start
        cpu: dict = {"idle_cores": idle_cpu, "chat_cores": cpu_shares(meters, before, wall)}
        cpu["load"] = load_average()
        for _ in range(150):  # up to 30 s for the last messages (the tabs' readers record them)
            if len(ledger.shown) >= len(ledger.sent):
                break
            await asyncio.sleep(0.2)
        await asyncio.sleep(1)  # the work the last messages caused (read receipts) is counted
        cpu["pg_transactions"] = pg_transactions() - counts[0]
        cpu["redis_commands"] = redis_commands(redis_url) - counts[1]
        delivery, stored = ledger.samples()
        result = {
            "memory": memory,
            "chat": {
                **verdict(chatters, ledger),
                "stored_in_db": stored_count([p[0] for p in pairs]),
                "delivery_ms": summary(delivery),
                "seconds": [[second, figures] for second, figures in ledger.seconds()],
                "sender_shown_ms": summary(stored),
                "messages_per_s": len(ledger.sent) / args.seconds,
            },
            "push_ms": done[1],
            "client_loop_lag_ms": summary(lag.lags_ms),
            "cpu": cpu,
            "idle_dropped": sum(t.closed for t in idle),
        }
        await asyncio.gather(*(t.close() for t in idle + [c.tab for c in chatters]))
    return result


def aixplore_run(ws: Workspace, args: argparse.Namespace) -> dict:
    """Start PostgreSQL, Redis and the app as production does; run :func:`aixplore_phase`."""
    from tests.support.app_server import build_frontend, start_app

    folder = ws.root / "aixplore"
    folder.mkdir()
    ws.root.chmod(0o711)  # initdb runs as the postgres user: it must reach its folder
    pg, redis = Postgres(folder), Redis(folder)
    ws.callback(redis.stop)
    ws.callback(pg.stop)
    pg.start()
    pg.create_database()
    redis.start()
    os.environ.update(_environment(folder, pg, redis, free_port()))
    env = dict(os.environ)
    _seed(env)
    built = ROOT / ".web" / "build" / "client" / "index.html"
    if args.build or not built.exists():
        with build_lock("/tmp/reflex-build.lock"):
            if args.build or not built.exists():  # another build may have made it meanwhile
                print("building the front end (python -m aixplore.serve build)", flush=True)
                build_frontend(ROOT, env, folder / "build.log")
    from aixplore.web.messaging.state import MessagesState
    from aixplore.web.notifications.state import NotificationBellState

    names = {
        "storage": app_info(ROOT, env)["storage"],
        "messages": MessagesState.get_full_name(),
        "send": f"{MessagesState.get_full_name()}.send",
        "bell": NotificationBellState.get_full_name(),
    }
    app = start_app(ROOT, env, ws.log("aixplore"))
    ws.callback(app.stop)
    app.wait_until_up(timeout=300, workers=2)
    url = f"http://127.0.0.1:{env['AIXPLORE_PORT']}"
    postmaster = int((pg.data / "postmaster.pid").read_text().split()[0])
    redis_pid = redis.proc.pid if redis.proc else 0
    meters = {
        "client": time.process_time,
        "app": lambda: group_cpu_seconds([app.process.pid]),
        "postgres": lambda: family_cpu_seconds(postmaster),
        "redis": lambda: family_cpu_seconds(redis_pid),
    }
    return asyncio.run(aixplore_phase(app, url, redis.url, args, names, meters))


def report(blank: dict, ours: dict, args: argparse.Namespace) -> list[str]:
    """Print the figures; the targets missed."""
    mem, chat, push = ours["memory"], ours["chat"], ours["push_ms"]
    ratio = mem["rss_per_tab_kib"] / blank["rss_per_tab_kib"] if blank["rss_per_tab_kib"] else 0
    who = "anonymous" if args.anonymous else "signed in, one member each"
    print(f"\nidle tabs ({mem['tabs']} on /, {who}), per tab, against the blank app's "
          f"({blank['tabs']} on /):")  # fmt: skip
    print(f"  workers' RSS: {mem['rss_per_tab_kib']:.1f} KiB vs {blank['rss_per_tab_kib']:.1f} "
          f"KiB ({ratio:.2f}x); Redis: {mem['redis_per_tab_kib']:.1f} KiB vs "
          f"{blank['redis_per_tab_kib']:.1f} KiB")  # fmt: skip
    d, s = chat["delivery_ms"], chat["sender_shown_ms"]
    print(f"chat, {args.chatters} chatters ({chat['messages_per_s']:.1f} messages/s), "
          f"{args.seconds:g} s, load {ours['cpu']['load']}:")  # fmt: skip
    print(f"  send -> shown to the other member (other worker): p50 {d['p50']:.1f} ms, "
          f"p95 {d['p95']:.1f} ms, max {d['max']:.1f} ms (n {d['n']})")  # fmt: skip
    print(f"  send -> shown to the sender: p50 {s['p50']:.1f} ms, p95 {s['p95']:.1f} ms")
    slow = [(t, f) for t, f in chat["seconds"] if not f["p95"] < DELIVERY_P95_MS]
    worst = ", ".join(f"{t} s: {f['p95']:.0f} ms" for t, f in chat["seconds"][:3])
    print(f"  seconds with delivery p95 >= {DELIVERY_P95_MS:g} ms: {len(slow)} of "
          f"{len(chat['seconds'])}; worst ({worst})")  # fmt: skip
    print(f"  sent {chat['sent']}, stored {chat['stored_in_db']}, shown to the other member "
          f"{chat['shown_to_reader']}, not shown within 30 s {chat['lost']}, shown twice or "
          f"out of order {chat['duplicates_or_disorder']}, dropped sockets "
          f"{chat['dropped_sockets']} chat / {ours['idle_dropped']} idle")  # fmt: skip
    print("notification push: not measured (anonymous tabs have no bell)" if args.anonymous else
          f"notification push (notify() -> bell in the tab): p50 {push['p50']:.1f} ms, "
          f"p95 {push['p95']:.1f} ms, max {push['max']:.1f} ms (n {push['n']}, lost "
          f"{push['lost']})")  # fmt: skip
    lag, cpu = ours["client_loop_lag_ms"], ours["cpu"]
    for label, key in (("tabs open, nothing sent", "idle_cores"), ("chat", "chat_cores")):
        print(f"CPU, {label} (cores): " + ", ".join(f"{k} {v:.2f}" for k, v in cpu[key].items()))
    print(f"client event loop late: p95 {lag['p95']:.1f} ms, max {lag['max']:.1f} ms")
    print(f"while chatting, per message sent (the pushes included): "
          f"{cpu['pg_transactions'] / max(1, chat['sent']):.1f} PostgreSQL transactions, "
          f"{cpu['redis_commands'] / max(1, chat['sent']):.1f} Redis commands")  # fmt: skip
    missed = []
    if not d["p95"] < DELIVERY_P95_MS:
        missed.append(f"delivery p95 {d['p95']:.1f} ms >= {DELIVERY_P95_MS:g} ms")
    if chat["lost"] or chat["duplicates_or_disorder"]:
        missed.append("messages lost, shown twice or out of order")
    if not args.anonymous and not push["p95"] < PUSH_P95_MS:
        missed.append(f"push p95 {push['p95']:.1f} ms >= {PUSH_P95_MS:g} ms (or none)")
    return missed


def main() -> None:
    """Parse the arguments, run both apps, print and save the figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").partition("\n")[0])
    parser.add_argument("--tabs", type=int, default=5000, help="idle tabs per app")
    parser.add_argument("--chatters", type=int, default=500, help="members chatting (even)")
    parser.add_argument("--seconds", type=float, default=60.0, help="chat phase length")
    parser.add_argument("--every", type=float, default=5.0, help="seconds between sends")
    parser.add_argument("--notify-rate", type=float, default=2.0, help="pushes per second")
    parser.add_argument("--warm", type=int, default=20, help="tabs opened before measuring")
    parser.add_argument("--quiet", type=float, default=10.0, help="seconds of CPU with no sends")
    parser.add_argument("--batch", type=int, default=50, help="tabs opened at once")
    parser.add_argument("--anonymous", action="store_true", help="idle tabs not signed in")
    parser.add_argument("--build", action="store_true", help="build even if .web/build exists")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args()
    if args.chatters < 2 or args.chatters % 2:
        parser.error("--chatters must be an even number >= 2")
    limit = raise_fd_limit(2 * (args.tabs + args.warm) + args.chatters + 500)
    print(f"load average at start: {load_average()}; open-file limit {limit}", flush=True)
    with Workspace(keep=args.keep) as ws:
        blank = blank_run(ws, args)
        ours = aixplore_run(ws, args)
    missed = report(blank, ours, args)
    out = BENCH / "results" / f"tabs-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"args": vars(args), "blank": blank, "aixplore": ours}, indent=2))
    for line in missed:
        print(f"MISSED: {line}")
    if missed:
        sys.exit(1)
    print("OK: every target met")


if __name__ == "__main__":
    main()
