"""A local GitHub-REST-compatible server backed by real bare git repositories (test fixture).

It answers the REST calls GitHub's own ``github-mcp-server`` makes (user, search, repository
contents, git refs/trees/commits, pull requests), reached through ``HTTP_PROXY`` with a
made-up ``GITHUB_HOST`` (the server reads absolute-form request lines). Every write is a real
git object in a bare repository on disk, so tests can check out what was pushed.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import subprocess
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

HOST = "github.test"
API = f"http://{HOST}/api/v3"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "AiXplore Bot",
    "GIT_AUTHOR_EMAIL": "bot@aixplore.test",
    "GIT_COMMITTER_NAME": "AiXplore Bot",
    "GIT_COMMITTER_EMAIL": "bot@aixplore.test",
}


def git(
    repo: Path, *args: str, data: bytes | None = None, env: dict[str, str] | None = None
) -> str:
    """Run git in ``repo`` (a bare repository) and return its stripped stdout."""
    out = subprocess.run(
        ["git", "--git-dir", str(repo), *args],
        input=data,
        capture_output=True,
        check=True,
        env={**os.environ, **GIT_ENV, **(env or {})},
    )
    return out.stdout.decode().strip()


@dataclass
class Hold:
    """Matching requests the server keeps waiting, before acting on them, until released.

    Stands in for a slow GitHub: a worker waits on a held call as long as the test wants
    (to be killed or paused meanwhile). A released request is then carried out as GitHub
    would carry out a request it received, even if the client that sent it is gone.
    """

    method: str
    pattern: re.Pattern[str]
    skip: int = 0
    count: int = 1
    timeout: float = 300.0
    reached: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)

    def release(self) -> None:
        self.released.set()

    def take(self, method: str, path: str) -> bool:
        """Whether this request is one to hold (called under the server's lock)."""
        if self.count <= 0 or method != self.method or not self.pattern.search(path):
            return False
        if self.skip > 0:
            self.skip -= 1
            return False
        self.count -= 1
        return True


@dataclass
class Repo:
    owner: str
    name: str
    path: Path
    private: bool = False
    description: str = ""
    default_branch: str = "main"
    pulls: list[dict[str, Any]] = field(default_factory=list)

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"


class FakeGitHub:
    """The server's state: users by token, organizations, repositories, pull requests."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.tokens: dict[str, str] = {}
        self.orgs: dict[str, set[str]] = {}
        self.repos: dict[str, Repo] = {}
        self.requests: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        self.fail_next: dict[str, int] = {}  # path fragment -> number of 500s to return
        self.holds: list[Hold] = []
        self._server: ThreadingHTTPServer | None = None
        self.proxy_url = ""
        # OAuth apps (see fake_github_oauth.py): client id -> secret; the browser's GitHub user.
        self.oauth_apps: dict[str, str] = {}
        self.web_login = ""
        self.oauth_codes: dict[str, dict[str, str]] = {}
        self.oauth_issued: list[str] = []
        self.oauth_stall = 0.0  # seconds the token endpoint waits before answering
        # GET /user/emails: login -> addresses ({"email", "primary", "verified"}).
        self.emails: dict[str, list[dict[str, Any]]] = {}

    # ---- setup ----

    def add_user(self, login: str, token: str) -> None:
        self.tokens[token] = login

    def add_oauth_app(self, client_id: str, secret: str, web_login: str) -> None:
        """An OAuth app; ``web_login`` is who the browser is signed in to GitHub as."""
        self.oauth_apps[client_id] = secret
        self.web_login = web_login

    def set_email(self, login: str, email: str, *, verified: bool = True) -> None:
        """The user's primary address, and whether GitHub verified it."""
        self.emails[login] = [{"email": email, "primary": True, "verified": verified}]

    def add_org(self, org: str, members: list[str]) -> None:
        self.orgs[org] = set(members)

    def add_repo(
        self, full_name: str, files: dict[str, str], *, private: bool = False, description: str = ""
    ) -> Repo:
        """A bare repository with one commit on ``main`` holding ``files``."""
        owner, name = full_name.split("/")
        path = self.root / f"{owner}__{name}.git"
        subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(path)], check=True)
        repo = Repo(owner, name, path, private=private, description=description)
        tree = self._tree(repo, None, [{"path": p, "content": c} for p, c in files.items()])
        sha = git(path, "commit-tree", tree, "-m", "Initial commit")
        git(path, "update-ref", "refs/heads/main", sha)
        self.repos[full_name.lower()] = repo
        return repo

    def hold(self, method: str, pattern: str, *, skip: int = 0, count: int = 1) -> Hold:
        """Hold the next ``count`` ``method`` requests whose path matches ``pattern`` (a regex
        searched in the path without its query), after letting ``skip`` of them through."""
        held = Hold(method, re.compile(pattern), skip=skip, count=count)
        with self.lock:
            self.holds.append(held)
        return held

    # ---- git ----

    def _tree(self, repo: Repo, base: str | None, entries: list[dict[str, Any]]) -> str:
        index = repo.path / f"index-{threading.get_ident()}"
        env = {"GIT_INDEX_FILE": str(index)}
        try:
            if base:
                git(repo.path, "read-tree", base, env=env)
            else:
                git(repo.path, "read-tree", "--empty", env=env)
            for entry in entries:
                if entry.get("sha"):
                    blob = entry["sha"]
                else:
                    blob = git(
                        repo.path,
                        "hash-object",
                        "-w",
                        "--stdin",
                        data=entry.get("content", "").encode(),
                    )
                mode = entry.get("mode", "100644")
                git(
                    repo.path,
                    "update-index",
                    "--add",
                    "--cacheinfo",
                    f"{mode},{blob},{entry['path']}",
                    env=env,
                )
            return git(repo.path, "write-tree", env=env)
        finally:
            index.unlink(missing_ok=True)

    def branch_sha(self, repo: Repo, branch: str) -> str | None:
        try:
            return git(repo.path, "rev-parse", "--verify", "-q", f"refs/heads/{branch}^{{commit}}")
        except subprocess.CalledProcessError:
            return None

    # ---- serving ----

    def start(self) -> str:
        """Serve on a free local port; return the proxy URL to put in HTTP_PROXY."""
        state = self

        class Handler(_Handler):
            gh = state

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.proxy_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        return self.proxy_url

    def stop(self) -> None:
        for held in self.holds:
            held.release()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def visible(self, login: str, repo: Repo) -> bool:
        return not repo.private or repo.owner == login or login in self.orgs.get(repo.owner, set())


class _Handler(BaseHTTPRequestHandler):
    gh: FakeGitHub
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def handle(self) -> None:
        # A killed worker's held request is answered to nobody.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            super().handle()

    def _send(self, status: int, body: Any) -> None:
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def _answer(self, status: int, headers: dict[str, str], raw: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def _body(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(length) or b"{}") if length else {}

    def _route(self, method: str) -> None:
        url = urlsplit(self.path)
        path = unquote(url.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        gh = self.gh
        with gh.lock:
            gh.requests.append((method, path))
            held = next((h for h in gh.holds if h.take(method, path)), None)
        if held is not None:
            held.reached.set()
            held.released.wait(held.timeout)
        with gh.lock:
            for fragment, count in list(gh.fail_next.items()):
                if fragment in path and count > 0:
                    gh.fail_next[fragment] = count - 1
                    self._send(500, {"message": "Server Error"})
                    return
        if path.startswith("/login/oauth/"):
            from tests.support.fake_github_oauth import handle

            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            self._answer(*handle(gh, method, path, query, self.headers, raw))
            return
        auth = self.headers.get("Authorization", "")
        login = gh.tokens.get(auth.split(" ", 1)[-1]) if auth else None
        if login is None:
            self._send(401, {"message": "Bad credentials"})
            return
        body = self._body() if method in {"POST", "PATCH", "PUT"} else {}
        if path.startswith("/raw/") and method == "GET":
            self._raw(login, path.removeprefix("/raw/"))
            return
        try:
            from tests.support.fake_github_routes import dispatch

            status, payload = dispatch(gh, login, method, path.removeprefix("/api/v3"), query, body)
        except subprocess.CalledProcessError as exc:
            status, payload = 422, {"message": exc.stderr.decode(errors="replace")[:200]}
        self._send(status, payload)

    def _raw(self, login: str, rest: str) -> None:
        owner, name, ref, *parts = rest.split("/")
        repo = self.gh.repos.get(f"{owner}/{name}".lower())
        try:
            if repo is None or not self.gh.visible(login, repo):
                raise FileNotFoundError(rest)
            sha = self.gh.branch_sha(repo, ref) or ref
            raw = subprocess.run(
                [
                    "git",
                    "--git-dir",
                    str(repo.path),
                    "cat-file",
                    "blob",
                    f"{sha}:{'/'.join(parts)}",
                ],
                capture_output=True,
                check=True,
            ).stdout
        except (FileNotFoundError, subprocess.CalledProcessError):
            self._send(404, {"message": "Not Found"})
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def do_GET(self) -> None:
        self._route("GET")

    def do_POST(self) -> None:
        self._route("POST")

    def do_PATCH(self) -> None:
        self._route("PATCH")

    def do_PUT(self) -> None:
        self._route("PUT")

    def do_DELETE(self) -> None:
        self._route("DELETE")


def b64(text: bytes) -> str:
    return base64.b64encode(text).decode()
