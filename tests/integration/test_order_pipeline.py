"""A full order through the real github-mcp-server against the local fake GitHub."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from aixplore.core.db import session_scope
from aixplore.core.errors import ServiceUnavailable
from aixplore.core.settings import get_settings
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor, User
from aixplore.domain.audit.models import AuditEntry
from aixplore.domain.mail.models import OutboxMail
from aixplore.domain.mail.services import list_outbox_for
from aixplore.domain.orders import services as orders
from aixplore.domain.orders.admin import do_admin_requeue
from aixplore.domain.orders.models import Order, OrderEvent, OrderStatus
from aixplore.domain.wallet import services as wallet
from aixplore.domain.wallet.models import WalletTransaction
from aixplore.domain.webhooks import services as webhooks
from aixplore.domain.webhooks.models import WebhookDelivery, WebhookEndpoint
from aixplore.integrations.github_mcp import GitHubMCP
from aixplore.jobs.orders import run_pipeline
from aixplore.jobs.recovery import recover_orders
from tests.factories import actor_for, make_admin, make_member, sign_in
from tests.support.fake_github import FakeGitHub, git
from tests.support.github_fixture import OTHER_TOKEN, TOKEN
from tests.support.orders import paid_order

GRANT = 2_000
PRICE = 714


def _paid_order(
    token: str = TOKEN,
    repo: str = "octo/library",
    branch: str = "aixplore/library",
    actor: Actor | None = None,
):
    actor = actor or actor_for(sign_in(make_member().email))
    assert actor is not None
    return actor, paid_order(actor, token=token, repo=repo, branch=branch, grant=GRANT)


def _order(oid: int) -> Order:
    with session_scope() as db:
        order = db.get(Order, oid)
        assert order is not None
        return order


def _payments(oid: int) -> int:
    with session_scope() as db:
        return len(
            db.exec(
                select(WalletTransaction).where(
                    WalletTransaction.reference == f"order:{oid}:payment"
                )
            ).all()
        )


def _checkout_and_test(repo_path: Path, branch: str, tmp: Path) -> subprocess.CompletedProcess:
    work = tmp / "checkout"
    subprocess.run(["git", "clone", "-q", "-b", branch, str(repo_path), str(work)], check=True)
    return subprocess.run(
        [sys.executable, "-m", "unittest", "discover", "-s", "tests", "-t", "."],
        cwd=work,
        capture_output=True,
        timeout=120,
        check=False,
    )


def _subscribe_to_orders(actor: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "webhook_allow_private_targets", True)
    with session_scope() as db:
        webhooks.do_create_endpoint(
            db,
            actor,
            {"url": "http://127.0.0.1:9/hook", "event_types": ["order.status_changed"]},
        )


def _order_webhooks(actor: Actor) -> list[dict]:
    with session_scope() as db:
        rows = db.exec(
            select(WebhookDelivery.payload)
            .join(WebhookEndpoint, col(WebhookEndpoint.id) == WebhookDelivery.endpoint_id)
            .where(
                WebhookEndpoint.user_id == actor.user_id,
                WebhookDelivery.event_type == "order.status_changed",
            )
            .order_by(col(WebhookDelivery.id))
        ).all()
    return [json.loads(p)["data"] for p in rows]


def _mails(email: str) -> list[OutboxMail]:
    with session_scope() as db:
        return list_outbox_for(db, email)


def test_full_order_opens_one_pull_request_whose_code_passes_its_tests(
    fake_github: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    member = make_member()
    actor = actor_for(sign_in(member.email))
    assert actor is not None
    _subscribe_to_orders(actor, monkeypatch)
    actor, oid = _paid_order(actor=actor)
    writes_before_run = [r for r in fake_github.requests if r[0] != "GET"]
    outcome = run_pipeline(oid)
    order = _order(oid)
    assert outcome == "delivered", (order.failure_reason, order.stage_log)
    assert order.status == OrderStatus.DELIVERED and order.pr_number == 1
    assert order.pr_url.endswith("/octo/library/pull/1")  # type: ignore[union-attr]
    with session_scope() as db:
        statuses = [e.to_status for e in orders.order_history(db, actor, oid)]
        assert wallet.user_balance(db, actor.user_id) == GRANT - PRICE
    assert statuses == [
        "quoted",
        "paid",
        "queued",
        "analyzing",
        "generating",
        "validating",
        "pr_opened",
        "delivered",
    ]
    assert writes_before_run == []  # nothing written to GitHub before the pipeline
    repo = fake_github.repos["octo/library"]
    assert fake_github.branch_sha(repo, "aixplore/library") == order.commit_sha
    files = git(repo.path, "ls-tree", "-r", "--name-only", "aixplore/library").split()
    assert {"app/models.py", "app/web.py", "tests/test_app.py", "README.md", ".env.example"} <= set(
        files
    )
    assert "app/main.py" in files  # the repository's own files are kept
    env_example = git(repo.path, "show", "aixplore/library:.env.example")
    assert "API_KEY=\n" in env_example + "\n" and "s3cr3t-value" not in env_example
    assert len(repo.pulls) == 1 and "python -m app" in repo.pulls[0]["body"]
    result = _checkout_and_test(repo.path, "aixplore/library", tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    assert _payments(oid) == 1
    # The owner's webhook heard every move after the draft, in order, with the pull request.
    moves = [(d["from"], d["to"]) for d in _order_webhooks(actor)]
    assert moves == list(itertools.pairwise(["draft", *statuses]))
    assert _order_webhooks(actor)[-1]["pr_url"] == order.pr_url
    # Every move is audited: the owner's with their id, the pipeline's with none; the owner got
    # one mail with the pull request.
    with session_scope() as db:
        trail = db.exec(
            select(AuditEntry)
            .where(AuditEntry.target == f"order:{oid}")
            .order_by(col(AuditEntry.seq))
        ).all()
    assert [e.action for e in trail] == [f"order.{s}" for s in statuses]
    owners = {e.action for e in trail if e.actor_id == actor.user_id}
    assert owners == {"order.quoted", "order.paid"}
    ready = [m for m in _mails(member.email) if m.kind == "order_pr_opened"]
    assert len(ready) == 1 and (order.pr_url or "") in ready[0].body_text


class Killed(BaseException):
    """Stands in for a worker process killed mid-stage."""


def test_worker_killed_after_push_retries_without_duplicates(
    fake_github: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    _actor, oid = _paid_order()
    real_open = GitHubMCP.open_pull

    async def killed_before_pull(self, *args, **kwargs):
        raise Killed

    monkeypatch.setattr(GitHubMCP, "open_pull", killed_before_pull)
    with pytest.raises(Killed):
        run_pipeline(oid)
    repo = fake_github.repos["octo/library"]
    assert _order(oid).status == OrderStatus.VALIDATING
    assert fake_github.branch_sha(repo, "aixplore/library") is not None  # pushed, no PR yet
    monkeypatch.setattr(GitHubMCP, "open_pull", real_open)
    assert run_pipeline(oid) == "busy"  # the dead worker's lease still holds
    assert recover_orders() == []
    with session_scope() as db:  # nobody renews it: the lease runs out
        db.execute(
            update(Order)
            .where(col(Order.id) == oid)
            .values(lease_until=utcnow() - timedelta(seconds=1))
        )
    assert recover_orders() == [oid]  # queued again, once
    assert recover_orders() == []
    assert _order(oid).stage_log[-1]["stage"] == "resume"  # type: ignore[index]
    assert run_pipeline(oid) == "delivered"
    commits = git(repo.path, "rev-list", "main..aixplore/library").split()
    assert len(commits) == 1 and len(repo.pulls) == 1
    branches = git(repo.path, "for-each-ref", "--format=%(refname)", "refs/heads").split()
    assert branches == ["refs/heads/aixplore/library", "refs/heads/main"]
    assert _payments(oid) == 1


def test_a_worker_that_lost_its_lease_cannot_refund_the_order_another_one_delivers(
    fake_github: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "github_mcp_timeout", 120.0)
    _actor, oid = _paid_order()
    # Worker A waits on GitHub to open the pull request, and meanwhile loses the order: an
    # administrator runs it again (the lease is dropped), and worker B opens the pull request
    # and waits on GitHub to confirm it. Then GitHub refuses A's pull request (B's exists).
    a_opens = fake_github.hold("POST", r"/pulls$")
    b_confirms = fake_github.hold("GET", r"/pulls$", skip=2)  # A's look, B's look, B's confirm
    with ThreadPoolExecutor(2) as pool:
        worker_a = pool.submit(run_pipeline, oid)
        assert a_opens.reached.wait(120)
        with session_scope() as db:
            do_admin_requeue(db, actor_for(sign_in(make_admin().email)), oid)
        worker_b = pool.submit(run_pipeline, oid)
        assert b_confirms.reached.wait(120)
        assert _order(oid).status == OrderStatus.PR_OPENED
        a_opens.release()
        assert worker_a.result(timeout=120) == "superseded"  # it wrote nothing: no refund
        b_confirms.release()
        assert worker_b.result(timeout=120) == "delivered"
    order = _order(oid)
    assert order.status == OrderStatus.DELIVERED and order.pr_number == 1
    assert len(fake_github.repos["octo/library"].pulls) == 1
    assert _payments(oid) == 1
    with session_scope() as db:
        refunds = db.exec(
            select(WalletTransaction).where(WalletTransaction.reference == f"order:{oid}:refund")
        ).all()
    assert refunds == []
    assert [line["stage"] for line in order.stage_log or []].count("deliver") == 1


def test_github_outage_is_retried_and_never_duplicates(fake_github: FakeGitHub) -> None:
    _actor, oid = _paid_order()
    fake_github.fail_next["/pulls"] = 1  # the pull-request lookup answers 500 once
    with pytest.raises(ServiceUnavailable):
        run_pipeline(oid)
    assert _order(oid).status == OrderStatus.VALIDATING
    assert run_pipeline(oid) == "delivered"
    assert len(fake_github.repos["octo/library"].pulls) == 1


def test_two_workers_at_once_run_the_order_once(fake_github: FakeGitHub) -> None:
    _actor, oid = _paid_order()
    with ThreadPoolExecutor(2) as pool:
        results = sorted(pool.map(run_pipeline, [oid, oid]))
    assert results == ["busy", "delivered"]
    assert len(fake_github.repos["octo/library"].pulls) == 1


@pytest.mark.parametrize(
    ("token", "repo", "branch", "message"),
    [
        (TOKEN, "octo/library", "main", 'branch "main" already exists'),
        (OTHER_TOKEN, "acme/storefront", "aixplore/x", "could not find"),
        ("ghp_revoked_token_000000000", "octo/library", "aixplore/x", "connect GitHub again"),
    ],
)
def test_failure_after_payment_refunds_with_the_reason(
    fake_github: FakeGitHub, token: str, repo: str, branch: str, message: str
) -> None:
    actor, oid = _paid_order(token, repo, branch)
    assert run_pipeline(oid) == "refunded"
    order = _order(oid)
    assert order.status == OrderStatus.REFUNDED and message in (order.failure_reason or "")
    with session_scope() as db:
        assert wallet.user_balance(db, actor.user_id) == GRANT
        events = db.exec(
            select(OrderEvent.to_status)
            .where(OrderEvent.order_id == oid)
            .order_by(col(OrderEvent.id))  # PostgreSQL returns rows in no set order otherwise
        ).all()
    assert events[-2:] == ["failed", "refunded"]
    assert not fake_github.repos[repo.lower()].pulls
    with session_scope() as db:
        user = db.get(User, actor.user_id)
        assert user is not None
    refunded = [m for m in _mails(user.email) if m.kind.startswith("order_")]
    assert [m.kind for m in refunded] == ["order_refunded"]  # one mail, with the reason
    assert message in refunded[0].body_text
