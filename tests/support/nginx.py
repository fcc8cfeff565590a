"""The real nginx running deploy/nginx/aixplore.conf in front of this run's app instances.

The shipped config is used as is, but for two lines an operator edits too: the upstream's
servers (the given instances, with the shipped ``max_fails``/``fail_timeout``) and the listen
port. nginx connects to the instances from ``PROXY_ADDRESS`` (``proxy_bind``), so that the
address an instance sees differs from the client's (127.0.0.1).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from tests.support.backend import ROOT, free_port

PROXY_ADDRESS = "127.0.0.2"  # where nginx connects to the instances from
CONFIG = ROOT / "deploy" / "nginx" / "aixplore.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def render(upstreams: list[str], port: int) -> str:
    """The shipped config with the test's instances and port in place of the examples."""
    text = CONFIG.read_text()
    servers = re.findall(r"^ +server \S+(:\d+)?( .*);$", text, re.MULTILINE)
    assert len(servers) == 2, "the upstream lists two example instances"
    options = servers[0][1]  # max_fails and fail_timeout, as shipped
    text = re.sub(r"^ +server \S+(:\d+)? .*;\n", "", text, flags=re.MULTILINE)
    listed = "".join(f"    server {u.removeprefix('http://')}{options};\n" for u in upstreams)
    text = text.replace("    least_conn;\n", f"    least_conn;\n{listed}", 1)
    assert text.count("listen 80;") == 1
    return text.replace("listen 80;", f"listen 127.0.0.1:{port};")


@contextlib.contextmanager
def nginx(folder: Path, upstreams: list[str], *, site: str | None = None) -> Iterator[str]:
    """Run nginx (master and one worker) in front of ``upstreams``; yield its URL.

    ``site``: a site config to serve instead (``listen 80;`` becomes the test's port), such as
    the one scripts/blue_green.sh renders; nginx is then ready once it answers at all (the
    instances behind it may not be up yet).
    """
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    text = (
        render(upstreams, port)
        if site is None
        else site.replace("listen 80;", f"listen 127.0.0.1:{port};")
    )
    (folder / "aixplore.conf").write_text(text)
    temp = "".join(f"    {kind}_temp_path {folder}/{kind};\n" for kind in ("client_body", "proxy"))
    (folder / "nginx.conf").write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"worker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log info;\n"
        + "events { worker_connections 256; }\n"
        + f"http {{\n    access_log {folder}/access.log;\n{temp}"
        + f"    proxy_bind {PROXY_ADDRESS};\n"
        + f"    include {folder}/aixplore.conf;\n}}\n"
    )
    argv = [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"]
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            assert proc.poll() is None, (folder / "error.log").read_text()
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/ping", timeout=2).status_code == 200 or site is not None:
                    break
            assert time.monotonic() < deadline, "nginx did not start"
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
