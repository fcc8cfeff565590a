"""Connect GitHub with the OAuth app: the fake GitHub's consent page and token endpoint, the
app's start and callback routes, and the real github-mcp-server reading who signed in."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import col, select

from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import NotAuthenticated, NotFound, ValidationFailed
from aixplore.core.settings import get_settings
from aixplore.core.time import utcnow
from aixplore.domain.audit.models import AuditEntry
from aixplore.domain.orders import github_account
from aixplore.domain.orders import github_oauth as logins
from aixplore.domain.orders import services as orders
from aixplore.domain.orders.models import GithubConnection, GithubLoginState
from aixplore.integrations import github_oauth as oauth
from tests.factories import actor_for, make_member, sign_in
from tests.integration.sso_helpers import app_client
from tests.support.fake_github import FakeGitHub
from tests.support.github_fixture import OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET

CALLBACK = "http://localhost:3000/api/github/oauth/callback"


@pytest.fixture
def github(fake_github: FakeGitHub, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    """The fake GitHub with the OAuth app configured on both sides (browser user: octo)."""
    fake_github.add_oauth_app(OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET, "octo")
    settings = get_settings()
    monkeypatch.setattr(settings, "github_oauth_client_id", OAUTH_CLIENT_ID)
    monkeypatch.setattr(settings, "github_oauth_client_secret", OAUTH_CLIENT_SECRET)
    monkeypatch.setattr(settings, "github_web_url", fake_github.proxy_url)
    monkeypatch.setattr(settings, "base_url", "http://localhost:3000")
    yield fake_github


class Member:
    """A signed-in member with a draft order and a browser (cookie jar)."""

    def __init__(self) -> None:
        self.user = make_member()
        self.raw = sign_in(self.user.email)
        self.actor = actor_for(self.raw)
        with session_scope() as db:
            self.order_id = orders.do_create_draft(db, self.actor).id
        self.browser = app_client()
        self.browser.cookies.set("aixplore_session", self.raw)

    def start(self) -> str:
        """Start a sign-in in the wizard; return the state."""
        with session_scope() as db:
            return logins.do_start_github_login(db, self.actor, self.order_id)

    def to_github(self, state: str) -> str:
        """The start route: returns GitHub's authorize URL (the browser cookie is now set)."""
        answer = self.browser.get("/api/github/oauth/start", params={"state": state})
        assert answer.status_code == 303, answer.text
        return answer.headers["location"]

    def connected_login(self) -> str | None:
        with read_scope() as db:
            row = db.exec(
                select(GithubConnection).where(GithubConnection.user_id == self.user.id)
            ).first()
            return row.login if row else None


def consent(authorize_url: str, decision: str = "authorize") -> str:
    """Press a button on the fake GitHub's consent page; return where GitHub redirects."""
    page = httpx.get(authorize_url)
    assert page.status_code == 200 and "Authorize AiXplore" in page.text
    query = {k: v[0] for k, v in parse_qs(urlsplit(authorize_url).query).items()}
    base = authorize_url.split("?")[0]
    answer = httpx.post(base, data={**query, "decision": decision})
    assert answer.status_code == 302
    return answer.headers["location"]


def callback(member: Member, url: str) -> tuple[str, dict[str, str]]:
    """Follow GitHub's redirect in the member's browser: (path, query) of the wizard URL."""
    assert url.startswith(CALLBACK)
    answer = member.browser.get(url.removeprefix("http://localhost:3000"))
    assert answer.status_code == 303, answer.text
    target = urlsplit(answer.headers["location"])
    return target.path, {k: v[0] for k, v in parse_qs(target.query).items()}


def _query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_sign_in_stores_the_token_encrypted_for_the_right_user(github: FakeGitHub) -> None:
    member, bystander = Member(), Member()
    authorize = member.to_github(member.start())
    sent = _query(authorize)
    assert authorize.startswith(f"{github.proxy_url}/login/oauth/authorize?")
    assert sent["client_id"] == OAUTH_CLIENT_ID and sent["scope"] == "repo read:org"
    assert sent["redirect_uri"] == CALLBACK and sent["code_challenge_method"] == "S256"
    cookie = member.browser.cookies.get("aixplore_github_login")
    assert cookie and cookie not in authorize

    path, query = callback(member, consent(authorize))

    assert (path, query) == ("/order", {"id": str(member.order_id), "github": "connected"})
    assert member.connected_login() == "octo"
    with read_scope() as db:
        token = github_account.github_token_for(db, member.user.id)
        stored = [row.token_encrypted for row in db.exec(select(GithubConnection))]
        audit = [
            (a.actor_id, json.loads(a.detail or "{}"))
            for a in db.exec(select(AuditEntry).where(AuditEntry.action == "github.connected"))
        ]
        assert db.exec(select(GithubLoginState)).all() == []  # used up
    assert token == github.oauth_issued[-1] and token.startswith("gho_")
    assert stored and all(token not in value for value in stored)
    assert bystander.connected_login() is None
    assert audit == [(member.user.id, {"method": "oauth"})]
    assert github.oauth_codes == {}  # the code was spent


def test_a_used_state_is_refused_and_changes_nothing(github: FakeGitHub) -> None:
    member = Member()
    back = consent(member.to_github(member.start()))
    assert callback(member, back)[1]["github"] == "connected"
    first = member.browser.get  # the same browser replays GitHub's redirect
    replay = first(back.removeprefix("http://localhost:3000"))
    assert replay.status_code == 303
    assert _query(replay.headers["location"]) == {"github": "expired"}
    with read_scope() as db:
        assert (
            len(db.exec(select(AuditEntry).where(AuditEntry.action == "github.connected")).all())
            == 1
        )
    assert logins.OUTCOMES["expired"] == "GitHub sign-in expired, try again."


def test_an_expired_state_is_refused(github: FakeGitHub) -> None:
    member = Member()
    state = member.start()
    back = consent(member.to_github(state))
    with session_scope() as db:
        db.execute(update(GithubLoginState).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert callback(member, back)[1] == {"github": "expired"}
    assert member.connected_login() is None
    with session_scope() as db:
        assert logins.purge_expired_states(db) == 1


def test_another_users_state_is_refused_at_start_and_at_the_callback(github: FakeGitHub) -> None:
    victim, attacker = Member(), Member()
    state = victim.start()
    # Someone else's start link does not bind to their browser.
    stolen = attacker.browser.get("/api/github/oauth/start", params={"state": state})
    assert _query(stolen.headers["location"]) == {"github": "expired"}
    back = consent(victim.to_github(state))
    # GitHub's redirect (code and state) replayed in another account's browser.
    assert callback(attacker, back)[1] == {"github": "elsewhere"}
    # The same account in another browser (no cookie from the start route) is refused too.
    other_browser = app_client()
    other_browser.cookies.set("aixplore_session", victim.raw)
    answer = other_browser.get(back.removeprefix("http://localhost:3000"))
    assert _query(answer.headers["location"]) == {"github": "elsewhere"}
    assert attacker.connected_login() is None and victim.connected_login() is None
    # The owner's own browser can still finish.
    assert callback(victim, back)[1]["github"] == "connected"
    assert victim.connected_login() == "octo" and attacker.connected_login() is None


def test_a_wrong_code_is_refused_and_uses_the_state_up(github: FakeGitHub) -> None:
    member = Member()
    back = consent(member.to_github(member.start()))
    code = _query(back)["code"]
    forged = back.replace(f"code={code}", "code=0000000000forged")
    path, query = callback(member, forged)
    assert (path, query) == ("/order", {"id": str(member.order_id), "github": "refused"})
    assert callback(member, back)[1] == {"github": "expired"}
    assert member.connected_login() is None and github.oauth_issued == []


def test_cancel_on_github_says_so_and_stores_nothing(github: FakeGitHub) -> None:
    member = Member()
    back = consent(member.to_github(member.start()), decision="cancel")
    assert _query(back)["error"] == "access_denied"
    assert callback(member, back)[1] == {"id": str(member.order_id), "github": "cancelled"}
    assert member.connected_login() is None
    assert logins.OUTCOMES["cancelled"] == "GitHub sign-in was cancelled."


def test_github_timing_out_or_failing_is_a_clear_message(
    github: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    member = Member()
    # One second: a loaded CI machine still answers a healthy call within it.
    monkeypatch.setattr(oauth, "HTTP_TIMEOUT", 1.0)
    github.oauth_stall = 3.0
    back = consent(member.to_github(member.start()))
    assert callback(member, back)[1]["github"] == "unavailable"
    github.oauth_stall = 0.0
    github.fail_next["/login/oauth/access_token"] = 1
    back = consent(member.to_github(member.start()))
    assert callback(member, back)[1]["github"] == "unavailable"
    assert member.connected_login() is None and github.oauth_issued == []


def test_a_wrong_client_secret_is_refused(github: FakeGitHub, monkeypatch) -> None:
    member = Member()
    back = consent(member.to_github(member.start()))
    monkeypatch.setattr(get_settings(), "github_oauth_client_secret", "not-the-real-secret-000")
    assert callback(member, back)[1]["github"] == "refused"
    assert member.connected_login() is None


@pytest.mark.parametrize(
    "query",
    ["", "?state=", "?state=short&code=x", "?code=abc", f"?state={'x' * 600}&code=1"],
)
def test_bad_or_missing_parameters_go_back_to_the_wizard(github: FakeGitHub, query: str) -> None:
    member = Member()
    answer = member.browser.get(f"/api/github/oauth/callback{query}")
    assert answer.status_code == 303
    assert urlsplit(answer.headers["location"]).path == "/order"
    assert _query(answer.headers["location"])["github"] in {"invalid", "expired"}
    start = member.browser.get(f"/api/github/oauth/start{query}")
    assert start.status_code == 303 and "/login/oauth" not in start.headers["location"]


def test_signed_out_browsers_and_services_are_refused(github: FakeGitHub) -> None:
    member = Member()
    state = member.start()
    anonymous = app_client()
    for path in ("/api/github/oauth/start", "/api/github/oauth/callback"):
        answer = anonymous.get(path, params={"state": state, "code": "abc"})
        assert _query(answer.headers["location"]) == {"github": "signed_out"}
    with session_scope() as db, pytest.raises(NotAuthenticated):
        logins.do_start_github_login(db, None)
    other = Member()
    with session_scope() as db, pytest.raises(NotFound):
        logins.do_start_github_login(db, other.actor, member.order_id)


def test_not_configured_offers_nothing(github: FakeGitHub, monkeypatch) -> None:
    member = Member()
    monkeypatch.setattr(get_settings(), "github_oauth_client_secret", None)
    with session_scope() as db, pytest.raises(ValidationFailed):
        logins.do_start_github_login(db, member.actor, member.order_id)
    answer = member.browser.get("/api/github/oauth/callback", params={"state": "x" * 40})
    assert _query(answer.headers["location"]) == {"github": "off"}


def test_two_callbacks_with_one_state_exactly_one_succeeds(github: FakeGitHub) -> None:
    member = Member()
    back = consent(member.to_github(member.start())).removeprefix("http://localhost:3000")
    cookies = dict(member.browser.cookies.items())
    barrier = threading.Barrier(2)

    def race(_n: int) -> str:
        browser = TestClient(member.browser.app, base_url="http://localhost:3000")
        browser.follow_redirects = False
        for name, value in cookies.items():
            browser.cookies.set(name, value)
        barrier.wait()
        return _query(browser.get(back).headers["location"])["github"]

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(race, range(2)))
    assert outcomes == ["connected", "expired"]
    assert len(github.oauth_issued) == 1


def test_consuming_one_state_from_many_threads_has_one_winner(github: FakeGitHub) -> None:
    member = Member()
    state = member.start()
    with session_scope() as db:
        secret, _verifier = logins.do_bind_browser(db, member.actor, state)

    def use(_n: int) -> bool:
        try:
            with session_scope() as db:
                logins.consume_login_state(db, member.actor, state, secret)
        except logins.GitHubSignInFailed:
            return False
        return True

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(use, range(8)))
    assert results.count(True) == 1


def test_a_user_keeps_few_open_sign_ins(github: FakeGitHub) -> None:
    member = Member()
    for _ in range(logins.MAX_OPEN_PER_USER + 3):
        member.start()
    with read_scope() as db:
        rows = db.exec(
            select(GithubLoginState).where(col(GithubLoginState.user_id) == member.user.id)
        ).all()
    assert len(rows) == logins.MAX_OPEN_PER_USER


def test_open_sign_ins_are_exported_without_secrets_and_erased_with_the_user(
    github: FakeGitHub,
) -> None:
    from aixplore.domain.gdpr import erasure
    from aixplore.domain.gdpr import services as gdpr_services

    member = Member()
    member.to_github(member.start())
    with read_scope() as db:
        rows = gdpr_services.collect(db, member.user.id)["github_login_state"]
    assert len(rows) == 1 and rows[0]["order_id"] == member.order_id
    assert not {"state_hash", "browser_hash", "verifier_enc"} & set(rows[0])
    with session_scope() as db:
        erasure.erase_user(db, member.user.id, keep_reviews=False)
    with read_scope() as db:
        assert db.exec(select(GithubLoginState)).all() == []
