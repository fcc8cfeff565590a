"""A real Redis for tests that need one in both passes of the suite."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest

from aixplore.core.settings import get_settings
from tests.support.backend import RedisServer


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    configured = get_settings().redis_url
    if configured:
        yield configured
        return
    server = shutil.which("redis-server")
    assert server, "redis-server is missing: run ./scripts/test, which installs it"
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(
        [server, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    """A Redis of the module's own (never the suite's), which its tests may kill and restart."""
    server = RedisServer()
    server.start()
    yield server
    server.kill()
