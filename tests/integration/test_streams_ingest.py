"""The real RTMP ingest: nginx with the rendered config, ffmpeg pushing a test pattern.

The API runs in this process (uvicorn on a free port) so nginx's callbacks reach the run's
database; nginx gets free ports and the settings' stream folder. A wrong key is dropped at
publish; the right one goes live, its HLS playlist appears under the public ingest name (never
the secret), and when ffmpeg stops the stream ends and its kept recording is served.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from aixplore.api.app import build_api
from aixplore.domain.streams import ingest
from aixplore.domain.streams import services as streams
from aixplore.integrations import rtmp
from aixplore.jobs import streams as stream_jobs
from tests.support.backend import free_port
from tests.unit.domain.messaging.support import run
from tests.unit.domain.social.support import person
from tests.unit.domain.streams.support import key_parts, schedule


def _wait(check, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.1)


@pytest.fixture
def api_url() -> Iterator[str]:
    """The API served over HTTP from this process."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(build_api(), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    _wait(lambda: server.started, 10)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture
def ingest_server(api_url: str) -> Iterator[rtmp.IngestPlan]:
    """nginx with the rendered config on free ports."""
    assert shutil.which("nginx") and shutil.which("ffmpeg") and rtmp.MODULE.exists(), (
        "nginx, libnginx-mod-rtmp or ffmpeg is missing: run ./scripts/test, which installs them"
    )
    plan = rtmp.IngestPlan(
        app_url=api_url, rtmp_port=free_port(), http_port=free_port(), bind="127.0.0.1"
    )
    proc = subprocess.Popen(rtmp.command(rtmp.write(plan)), stderr=subprocess.PIPE)

    def listening() -> bool:
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else b""
        try:
            return httpx.get(f"http://127.0.0.1:{plan.http_port}/hls/none.m3u8").status_code == 404
        except httpx.TransportError:
            return False

    try:
        _wait(listening, 10)
        yield plan
    finally:
        proc.terminate()
        proc.wait(10)


def _push(plan: rtmp.IngestPlan, stream_key: str, seconds: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            "ffmpeg", "-loglevel", "error", "-re",
            "-f", "lavfi", "-i", f"testsrc=size=320x180:rate=15:duration={seconds}",
            "-c:v", "libx264", "-pix_fmt", "yuv420p", "-preset", "ultrafast", "-g", "15",
            "-f", "flv", f"rtmp://127.0.0.1:{plan.rtmp_port}/live/{stream_key}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip


def test_the_real_ingest_refuses_a_wrong_key_and_plays_the_right_one_as_hls(
    ingest_server: rtmp.IngestPlan,
) -> None:
    ada = person("Ada")
    sid = schedule(ada, keep_recording=True)
    name, secret = key_parts(ada)
    hls = f"http://127.0.0.1:{ingest_server.http_port}/hls/{name}.m3u8"

    wrong = _push(ingest_server, f"{name}?key={secret}x", 2)
    assert wrong.wait(20) != 0  # nginx dropped the encoder
    assert run(streams.get_stream, None, sid).status == "scheduled"

    pushing = _push(ingest_server, f"{name}?key={secret}", 4)
    _wait(lambda: httpx.get(hls).status_code == 200)
    playlist = httpx.get(hls)
    assert playlist.text.startswith("#EXTM3U") and ".ts" in playlist.text
    assert playlist.headers["access-control-allow-origin"] == "*"
    assert secret not in playlist.text
    shown = run(streams.get_stream, None, sid)
    assert shown.status == "live" and shown.play_url.endswith(f"/{name}.m3u8")
    assert pushing.wait(30) == 0, pushing.stderr.read() if pushing.stderr else ""
    _wait(lambda: run(streams.get_stream, None, sid).recording_url != "")
    done = run(streams.get_stream, None, sid)
    assert done.status == "ended"
    file = done.recording_url.rsplit("/", 1)[1]
    served = httpx.get(f"http://127.0.0.1:{ingest_server.http_port}/recordings/{file}")
    assert served.status_code == 200 and served.content[:3] == b"FLV"
    # The job remuxes it to MP4 with the real ffmpeg; the page links the MP4, served in ranges.
    assert stream_jobs.remux_recording.call_local(sid) is True
    assert stream_jobs.remux_recording.call_local(sid) is False  # run again: nothing to do
    mp4 = run(streams.get_stream, None, sid).recording_url
    assert mp4.endswith(".mp4") and mp4.rsplit("/", 1)[1] == file.replace(".flv", ".mp4")
    url = f"http://127.0.0.1:{ingest_server.http_port}/recordings/{mp4.rsplit('/', 1)[1]}"
    whole = httpx.get(url)
    assert whole.status_code == 200 and whole.headers["content-type"] == "video/mp4"
    part = httpx.get(url, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == whole.content[100:200]
    boxes = _top_level_boxes(whole.content)
    assert boxes[0] == "ftyp" and boxes.index("moov") < boxes.index("mdat")  # faststart
    assert (
        httpx.get(f"http://127.0.0.1:{ingest_server.http_port}/recordings/{file}").status_code
        == 404
    )


def _top_level_boxes(data: bytes) -> list[str]:
    """The MP4's top-level box types in file order."""
    found, at = [], 0
    while at + 8 <= len(data):
        size = int.from_bytes(data[at : at + 4], "big")
        found.append(data[at + 4 : at + 8].decode("latin-1"))
        if size == 1:
            size = int.from_bytes(data[at + 8 : at + 16], "big")
        if size < 8:
            break
        at += size
    return found


def test_a_callback_without_the_secret_is_not_found(api_url: str) -> None:
    ada = person("Ada")
    schedule(ada)
    name, secret = key_parts(ada)
    form = {"call": "publish", "name": name, "key": secret}
    assert (
        httpx.post(f"{api_url}/api/streams/rtmp/{'0' * 40}/publish", data=form).status_code == 404
    )
    good = f"{api_url}/api/streams/rtmp/{ingest.callback_secret()}"
    assert httpx.post(f"{good}/delete_everything", data=form).status_code == 404
    refused = httpx.post(f"{good}/publish", data={**form, "key": "nope"})
    assert refused.status_code == 403 and "Wrong stream key" in refused.text
    assert httpx.post(f"{good}/publish", data=form).status_code == 204


def test_the_command_renders_a_config_nginx_accepts_and_refuses_a_bad_app_url(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from aixplore.cli import main

    assert main(["streams-nginx", "render", "--app-url", "http://127.0.0.1:3000"]) == 0
    config = capsys.readouterr().out.strip()
    checked = subprocess.run(
        [*rtmp.command(Path(config)), "-t"], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stderr
    text = Path(config).read_text()
    assert f"http://127.0.0.1:3000/api/streams/rtmp/{ingest.callback_secret()}/publish" in text
    assert main(["streams-nginx", "render", "--app-url", "http://x; evil"]) == 2
