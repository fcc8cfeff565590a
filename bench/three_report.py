"""The 3D benchmark's report: the figures, idle before and after, and the targets."""

from __future__ import annotations

from three_measure import SCENES

TARGETS = {
    "poster_ms": 500,
    "first_frame_ms": 3000,
    "fps_soft": 24,
    "chunk_kb": 300,
    "heap_mb": 512,
    "room_heap_mb": 200,
    "room_first_frame_ms": 1500,
    "room_fps_soft": 30,
    "room_chunk_kb": 350,
}


def room_line(name: str, s: dict) -> str:
    """One row of the room comparison."""
    last = s["runs"][-1]
    return (
        f"  {name:<24} 1st frame {s['first_frame_ms'] or float('nan'):6.0f} ms, "
        f"{s['fps']:5.1f} fps, {s['cpu_ms_per_frame']:6.1f} cpu ms/f, "
        f"heap {s['heap_mb'] or float('nan'):5.1f} MB, draw calls {s['draw_calls']}, "
        f"triangles {s['triangles']}, zones drawn {last.get('zones_drawn')}"
    )


def report(r: dict) -> None:
    """Print the figures, the before/after idle figures and the targets."""
    print(
        f"\nrenderer: {r['renderer']}; viewport {r['viewport']['width']}x{r['viewport']['height']}"
    )
    print(
        f"{'scene':<6} {'poster ms':>9} {'1st frame':>9} {'fps':>6} {'task ms/f':>9}"
        f" {'cpu ms/f':>8} {'heap MB':>8}  last run (task ms/f: renderer wall time)"
    )
    for _, scene in SCENES:
        s = r[scene]
        last = s["runs"][-1]
        print(
            f"{scene:<6} {s['poster_ms'] or float('nan'):9.0f} {s['first_frame_ms']:9.0f} "
            f"{s['fps']:6.1f} {s['main_ms_per_frame']:9.1f} {s['cpu_ms_per_frame']:8.1f} "
            f"{s['heap_mb'] or float('nan'):8.1f}  level {last['level']}, dpr {last['dpr_end']}, "
            f"draw calls {last['draw_calls']}, items {last['count']}"
        )
    print("idle (left alone, before frugal rendering -> now):")
    for _, scene in SCENES:
        b, a = r[scene]["idle_before"], r[scene]["idle_after"]
        print(
            f"  {scene:<6} {b['idle_fps']:.1f} -> {a['idle_fps']:.1f} fps; browser CPU "
            f"{b['idle_cpu_ms_per_s']:.0f} -> {a['idle_cpu_ms_per_s']:.0f} ms/s; renderer tasks "
            f"{b['idle_main_ms_per_s']:.0f} -> {a['idle_main_ms_per_s']:.0f} ms/s "
            f"(loop {b['frameloop']} -> {a['frameloop']}, level {b['level']} -> {a['level']})"
        )
    c = r["code"]
    print(
        f"3D code gz: token page {c['3d_js_kb_token']:.1f} KB, gallery room {c['3d_js_kb_room']:.1f} KB"
        f" (targets <= {TARGETS['chunk_kb']} / {TARGETS['room_chunk_kb']} KB); the first toss"
        f" fetches {c.get('toss_js_kb') or float('nan'):.1f} KB more (physics, WebAssembly inside)"
    )
    print(
        f"initial JS gz: /about {c['about_js_kb']:.1f} KB, blank app {c['blank_js_kb']:.1f} KB,"
        f" ratio {c['about_js_kb'] / c['blank_js_kb']:.2f}x; /about loads 3D code: {c['about_loads_3d']}"
    )
    print("gallery room, 200 cards (median of runs; the baseline is built from --baseline):")
    rows = [
        ("now, facing featured", "room"),
        ("now, turned, portals", "room_portals"),
        ("now, turned, no portals", "room_no_portals"),
        ("baseline, facing featured", "room_baseline"),
        ("baseline, turned", "room_baseline_turned"),
    ]
    for name, key in rows:
        if key in r:
            print(room_line(name, r[key]))
    for _, scene in SCENES:
        s = r[scene]
        room = scene == "room"
        checks = [
            ("poster", (s["poster_ms"] or 1e9) < TARGETS["poster_ms"]),
            (
                "first frame",
                s["first_frame_ms"] < TARGETS["room_first_frame_ms" if room else "first_frame_ms"],
            ),
            ("fps", s["fps"] >= TARGETS["room_fps_soft" if room else "fps_soft"]),
            ("heap", (s["heap_mb"] or 0) < TARGETS["room_heap_mb" if room else "heap_mb"]),
            ("idle 0 fps", s["idle_after"]["idle_fps"] == 0),
        ]
        print(f"{scene}: " + ", ".join(f"{n} {'ok' if ok else 'MISSED'}" for n, ok in checks))
