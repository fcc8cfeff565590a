"""Start the test identity providers as child processes on free loopback ports."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
OIDC_DIR = HERE / "oidc"

OIDC_CLIENT_ID = "aixplore-test"
OIDC_CLIENT_SECRET = "aixplore-test-client-secret-0123456789"
# Logins known to both providers: login -> (email, name, groups). The OpenID Provider sends
# ``email_verified: true`` unless an account says otherwise (None: the claim is left out).
ACCOUNTS = {
    "alice": {"email": "alice@acme.com", "name": "Alice Admin", "groups": ["eng", "sso-admins"]},
    "bob": {"email": "bob@acme.com", "name": "Bob Builder", "groups": ["eng"]},
    "mallory": {"email": "ceo@victim.com", "name": "Mallory", "groups": []},
    # The owner of the "acme" org of the tests (a password account outside acme.com), and the
    # owner of another org who is also a member of acme: acme's IdP may not sign them in.
    "owner": {"email": "owner@acme-corp.com", "name": "Olga Owner", "groups": ["sso-admins"]},
    "dave": {"email": "dave@beta-corp.com", "name": "Dave Beta", "groups": []},
    "carol": {"email": "carol@acme.com", "name": "Carol", "groups": [], "email_verified": None},
    "erin": {"email": "erin@acme.com", "name": "Erin", "groups": [], "email_verified": "false"},
    # Members' "Continue with Google" (the provider plays Google): an address no org verified.
    "gwen": {"email": "gwen@gmail.test", "name": "Gwen Google", "groups": []},
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class RunningIdp:
    """A started provider: its base URL and process."""

    url: str
    process: subprocess.Popen
    extra: dict = field(default_factory=dict)


def _wait_ready(proc: subprocess.Popen, url: str, what: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = proc.stdout.read() if proc.stdout else ""
            raise RuntimeError(f"the test {what} exited: {out[-2000:]}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the test {what} did not start within 30 s")


@contextmanager
def _process(
    cmd: list[str], env: dict[str, str], ready_url: str, what: str
) -> Iterator[subprocess.Popen]:
    proc = subprocess.Popen(
        cmd,
        cwd=HERE.parents[2],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _wait_ready(proc, ready_url, what)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def oidc_provider(redirect_uris: list[str]) -> Iterator[RunningIdp]:
    """panva's oidc-provider (npm) with one confidential client; PKCE required."""
    if not (OIDC_DIR / "node_modules" / "oidc-provider").is_dir():
        raise RuntimeError(
            "the test OpenID Provider is not installed: run "
            "`npm ci --prefix tests/support/idp/oidc` (scripts/test does)"
        )
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("Node.js is needed for the test OpenID Provider")
    port = free_port()
    env = {
        "PORT": str(port),
        "CLIENTS": json.dumps(
            [
                {
                    "client_id": OIDC_CLIENT_ID,
                    "client_secret": OIDC_CLIENT_SECRET,
                    "redirect_uris": redirect_uris,
                }
            ]
        ),
        "ACCOUNTS": json.dumps(ACCOUNTS),
    }
    url = f"http://127.0.0.1:{port}"
    with _process(
        [node, str(OIDC_DIR / "server.mjs")],
        env,
        f"{url}/.well-known/openid-configuration",
        "OpenID Provider",
    ) as proc:
        yield RunningIdp(url=url, process=proc)


@contextmanager
def saml_idp(workdir: Path) -> Iterator[RunningIdp]:
    """The pysaml2 IdP (tests/support/idp/saml_idp.py) with fresh signing keys."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {"PORT": str(port), "WORKDIR": str(workdir)}
    with _process(
        [sys.executable, "-m", "tests.support.idp.saml_idp"], env, f"{url}/metadata", "SAML IdP"
    ) as proc:
        yield RunningIdp(url=url, process=proc, extra={"workdir": workdir})


_FORM = re.compile(r'<form[^>]*action="([^"]+)"', re.I)


def form_action(page: str) -> str:
    found = _FORM.search(page)
    if not found:
        raise AssertionError(f"no form on the page: {page[:500]}")
    return found.group(1).replace("&amp;", "&")


def hidden_fields(page: str) -> dict[str, str]:
    fields = {}
    for tag in re.findall(r"<input[^>]*>", page, re.I):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and 'type="hidden"' in tag:
            fields[name.group(1)] = (value.group(1) if value else "").replace("&amp;", "&")
    return fields


def drive_login(start_url: str, fill: dict[str, str], *, app_origin: str) -> httpx.Response:
    """Go through an IdP's pages like a browser: follow redirects, submit each form (adding
    ``fill`` to the login form), until the IdP sends the browser back to the app. Returns
    the last IdP response: a redirect to the app (OIDC) or an auto-posting form (SAML)."""
    with httpx.Client(timeout=10) as idp:
        response = idp.get(start_url)
        for _ in range(20):
            if response.is_redirect:
                target = str(response.next_request.url) if response.next_request else ""
                if target.startswith(app_origin):
                    return response
                response = idp.get(target)
                continue
            if response.status_code >= 400:
                raise AssertionError(
                    f"the IdP refused: {response.status_code} {response.text[:300]}"
                )
            action = str(response.url.join(form_action(response.text)))
            if action.startswith(app_origin):
                return response
            data = hidden_fields(response.text)
            if "login" in data.get("prompt", "login") and data.get("prompt") != "consent":
                data.update(fill)
            response = idp.post(action, data=data)
        raise AssertionError("the IdP never sent the browser back")
