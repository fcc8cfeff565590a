"""A stream pushed with ffmpeg through the real nginx ingest plays in Chromium, and its chat
works in slow mode; the streamer's handlers, called over the socket by someone else, refuse."""

from __future__ import annotations

import subprocess
import time

import httpx
import pytest
from playwright.sync_api import Page, expect

from aixplore.core.db import session_scope
from aixplore.domain.streams import chat
from aixplore.domain.streams import services as streams
from aixplore.integrations import rtmp
from aixplore.web.streams.state import StreamState
from tests.e2e.conftest import STREAM_HTTP_PORT
from tests.e2e.helpers import axe_violations, horizontal_overflow, run_async, sign_in_through_ui
from tests.factories import actor_for, make_member, sign_in
from tests.support.app_server import free_port
from tests.support.reflex_client import ReflexClient
from tests.unit.domain.streams.support import key_parts, schedule

pytestmark = pytest.mark.e2e


def _status(stream_id: int) -> str:
    with session_scope() as db:
        return streams.get_stream(db, None, stream_id).status


def test_a_pushed_stream_plays_and_its_chat_keeps_slow_mode(
    page: Page, base_url: str, app_url: str, shoot, server_logs
) -> None:
    ada, bob = make_member(name="Ada Streamer"), make_member(name="Bob Viewer")
    ada_actor = actor_for(sign_in(ada.email))
    assert ada_actor is not None
    sid = schedule(ada_actor, title="Agents, live")
    with session_scope() as db:
        streams.do_set_chat_modes(db, ada_actor, sid, 30, False)
    name, secret = key_parts(ada_actor)
    plan = rtmp.IngestPlan(
        # nginx would try "localhost" as ::1 first, where the app does not listen.
        app_url=app_url.replace("localhost", "127.0.0.1"),
        rtmp_port=free_port(),
        http_port=STREAM_HTTP_PORT,
        bind="127.0.0.1",
    )
    nginx = subprocess.Popen(
        rtmp.command(rtmp.write(plan)), stderr=(server_logs / "nginx.log").open("w")
    )
    push = None
    try:
        time.sleep(0.5)  # nginx binds its ports at once; ffmpeg retries nothing
        push = subprocess.Popen(
            [
                "ffmpeg", "-loglevel", "error", "-re",
                "-f", "lavfi", "-i", "testsrc=size=640x360:rate=25:duration=90",
                "-f", "lavfi", "-i", "sine=duration=90",
                # yuv420p: testsrc is RGB, and browsers do not decode 4:4:4 H.264.
                "-c:v", "libx264", "-pix_fmt", "yuv420p", "-preset", "ultrafast", "-g", "25",
                "-c:a", "aac", "-f", "flv",
                f"rtmp://127.0.0.1:{plan.rtmp_port}/live/{name}?key={secret}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=(server_logs / "ffmpeg.log").open("w"),
        )  # fmt: skip
        deadline = time.monotonic() + 20
        while _status(sid) != "live":
            assert push.poll() is None and time.monotonic() < deadline, "the stream never went live"
            time.sleep(0.2)
        # nginx writes the playlist after the first fragment: a page opened before that would
        # log the 404 (the player retries; the test's console check would not).
        playlist = f"http://127.0.0.1:{STREAM_HTTP_PORT}/hls/{name}.m3u8"
        while httpx.get(playlist, timeout=5).status_code != 200:
            assert push.poll() is None and time.monotonic() < deadline + 20, "no playlist"
            time.sleep(0.2)
        sign_in_through_ui(page, base_url, bob.email)
        page.goto(f"{base_url}/live/{sid}")
        expect(page.get_by_role("heading", name="Agents, live", level=1)).to_be_visible()
        page.wait_for_function(
            "() => { const v = document.querySelector('video');"
            " return v && v.readyState >= 2 && v.currentTime > 0.5; }",
            timeout=30_000,
        )
        expect(page.get_by_text("1 watching")).to_be_visible(timeout=15_000)
        page.get_by_label("Chat", exact=True).fill("Hello from Bob")
        page.get_by_role("button", name="Send", exact=True).click()
        lines = page.get_by_role("list", name="Chat lines")
        expect(lines.get_by_text("Hello from Bob")).to_be_visible()
        expect(page.get_by_label("Chat", exact=True)).to_have_value("")
        # Too soon in slow mode: refused plainly, and what was typed stays.
        page.get_by_label("Chat", exact=True).fill("And again")
        page.get_by_role("button", name="Send", exact=True).click()
        expect(page.get_by_text("Slow mode is on: wait")).to_be_visible()
        expect(page.get_by_label("Chat", exact=True)).to_have_value("And again")
        # The streamer's line arrives in Bob's page by itself.
        with session_scope() as db:
            chat.do_send_line(db, ada_actor, sid, "Welcome, Bob!")
        # Written by this process: without Redis its notice stays here, and the page finds the
        # line at its next look (every 10 s); with Redis the notice brings it at once.
        expect(lines.get_by_text("Welcome, Bob!")).to_be_visible(timeout=15_000)
        assert axe_violations(page) == []
        shoot(page, "live-stream")
        page.set_viewport_size({"width": 375, "height": 800})
        assert horizontal_overflow(page) <= 0
        shoot(page, "live-stream")
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto(f"{base_url}/live")
        expect(page.get_by_role("heading", name="Schedule a stream")).to_be_visible()
        assert axe_violations(page) == []
        shoot(page, "live")
        page.set_viewport_size({"width": 375, "height": 800})
        assert horizontal_overflow(page) <= 0
        shoot(page, "live")
    finally:
        for proc in (push, nginx):
            if proc is not None:
                proc.terminate()
                proc.wait(10)


def test_the_streamers_handlers_refuse_anyone_else_over_the_socket(app_url: str) -> None:
    ada, mallory = make_member(name="Ada Streamer"), make_member(name="Mallory")
    ada_actor = actor_for(sign_in(ada.email))
    assert ada_actor is not None
    sid = schedule(ada_actor, source="hls", hls_url="https://video.example.com/a/live.m3u8")
    with session_scope() as db:
        line = chat.do_send_line(db, ada_actor, sid, "Starting soon")
    token = sign_in(mallory.email)

    async def attack() -> list:
        async with ReflexClient(app_url, cookies={"aixplore_session": token}) as tab:
            await tab.hydrate(f"/live/{sid}", params={"stream_id": str(sid)})
            assert tab.state(StreamState)["sid"] == sid
            return [
                await tab.call(StreamState.go_live),
                await tab.call(StreamState.end),
                await tab.call(
                    StreamState.set_modes, form={"slow_mode": "5", "followers_only": "on"}
                ),
                await tab.call(StreamState.add_moderator, form={"handle": "mallory"}),
                await tab.call(StreamState.delete_line, seq=line.seq),
                await tab.call(StreamState.time_out, user_id=ada_actor.user_id),
                await tab.call(StreamState.delete_line, seq="1; drop table"),
            ]

    results = run_async(attack())
    expected = ["Only the streamer may do that."] * 4 + [
        "Only this stream's moderators may do that."
    ] * 3
    for result, message in zip(results, expected, strict=True):
        assert ("error", message) in result.toasts, result.updates
    with session_scope() as db:
        shown = streams.get_stream(db, None, sid)
        assert (shown.status, shown.slow_mode_seconds, shown.followers_only) == (
            "scheduled",
            0,
            False,
        )
        assert [x.body for x in chat.read_chat(db, None, sid).items] == ["Starting soon"]
