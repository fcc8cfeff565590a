"""The OAuth app endpoints of the fake GitHub (see fake_github.py), as github.com has them.

``GET /login/oauth/authorize`` shows a consent page for the browser's GitHub user
(``FakeGitHub.web_login``) with "Authorize" and "Cancel"; ``POST /login/oauth/authorize``
redirects to the app with ``code`` and ``state`` (or ``error=access_denied``).
``POST /login/oauth/access_token`` checks the app's id and secret, the single-use code, the
redirect URI and the PKCE verifier, and issues a token the REST routes accept for that user.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import secrets
import time
from typing import Any
from urllib.parse import parse_qs, urlencode

Answer = tuple[int, dict[str, str], bytes]


def _page(body: str, status: int = 200) -> Answer:
    doc = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<title>Authorize application · GitHub</title></head><body><main>"
        f"{body}</main></body></html>"
    )
    return status, {"Content-Type": "text/html; charset=utf-8"}, doc.encode()


def _redirect(target: str, params: dict[str, str]) -> Answer:
    sep = "&" if "?" in target else "?"
    return 302, {"Location": f"{target}{sep}{urlencode(params)}"}, b""


def _token_answer(accept: str, data: dict[str, str]) -> Answer:
    if "application/json" in accept:
        return 200, {"Content-Type": "application/json; charset=utf-8"}, json.dumps(data).encode()
    return 200, {"Content-Type": "application/x-www-form-urlencoded"}, urlencode(data).encode()


def _consent(gh: Any, query: dict[str, str]) -> Answer:
    client_id = query.get("client_id", "")
    if client_id not in gh.oauth_apps:
        return _page("<h1>404</h1><p>This OAuth application does not exist.</p>", 404)
    fields = "".join(
        f"<input type='hidden' name='{html.escape(k)}' value='{html.escape(v)}'>"
        for k, v in query.items()
    )
    return _page(
        "<h1>Authorize AiXplore</h1>"
        f"<p>Signed in as <strong>{html.escape(gh.web_login)}</strong>. The app asks for: "
        f"{html.escape(query.get('scope', ''))}</p>"
        f"<form method='post' action='/login/oauth/authorize'>{fields}"
        "<button type='submit' name='decision' value='authorize'>Authorize</button> "
        "<button type='submit' name='decision' value='cancel'>Cancel</button></form>"
    )


def _decide(gh: Any, form: dict[str, str]) -> Answer:
    target, state = form.get("redirect_uri", ""), form.get("state", "")
    if form.get("client_id") not in gh.oauth_apps or not target:
        return _page("<h1>Bad request</h1>", 400)
    if form.get("decision") != "authorize":
        return _redirect(
            target,
            {
                "error": "access_denied",
                "error_description": "The user has denied your application access.",
                "state": state,
            },
        )
    code = secrets.token_hex(10)
    gh.oauth_codes[code] = {
        "client_id": form["client_id"],
        "redirect_uri": target,
        "challenge": form.get("code_challenge", ""),
        "login": gh.web_login,
    }
    return _redirect(target, {"code": code, "state": state})


def _client_credentials(form: dict[str, str], authorization: str) -> tuple[str, str]:
    if authorization.startswith("Basic "):
        pair = base64.b64decode(authorization[6:]).decode()
        client_id, _, secret = pair.partition(":")
        return client_id, secret
    return form.get("client_id", ""), form.get("client_secret", "")


def _exchange(gh: Any, form: dict[str, str], headers: Any) -> Answer:
    if gh.oauth_stall:
        time.sleep(gh.oauth_stall)
    accept = headers.get("Accept", "")
    client_id, secret = _client_credentials(form, headers.get("Authorization", ""))
    if gh.oauth_apps.get(client_id) != secret or not secret:
        return _token_answer(accept, {"error": "incorrect_client_credentials"})
    with gh.lock:
        grant = gh.oauth_codes.pop(form.get("code", ""), None)  # single use
    if grant is None or grant["client_id"] != client_id:
        return _token_answer(accept, {"error": "bad_verification_code"})
    if form.get("redirect_uri") and form["redirect_uri"] != grant["redirect_uri"]:
        return _token_answer(accept, {"error": "redirect_uri_mismatch"})
    if grant["challenge"]:
        digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
        if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != grant["challenge"]:
            return _token_answer(accept, {"error": "bad_verification_code"})
    token = f"gho_{secrets.token_hex(18)}"
    gh.tokens[token] = grant["login"]
    gh.oauth_issued.append(token)
    return _token_answer(
        accept, {"access_token": token, "scope": "repo,read:org", "token_type": "bearer"}
    )


def handle(gh: Any, method: str, path: str, query: dict[str, str], headers: Any, body: bytes):
    """Answer one ``/login/oauth/...`` request: (status, headers, body)."""
    form = {k: v[0] for k, v in parse_qs(body.decode(errors="replace")).items()}
    if path == "/login/oauth/authorize":
        return _consent(gh, query) if method == "GET" else _decide(gh, form)
    if path == "/login/oauth/access_token" and method == "POST":
        return _exchange(gh, {**query, **form}, headers)
    return _page("<h1>404</h1>", 404)
