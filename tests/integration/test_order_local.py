"""An order into a local Git repository, offline: the wizard's first save makes the draft, the
pipeline delivers a branch with one commit and one review request (also after a crash), and
the review request is accepted (merged) or rejected by its owner or an admin only."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import anyio
import pytest
from sqlalchemy import update
from sqlmodel import col, select

from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import Conflict, NotFound, ServiceUnavailable, ValidationFailed
from aixplore.core.time import utcnow
from aixplore.domain.audit.models import AuditEntry
from aixplore.domain.mail.services import list_outbox_for
from aixplore.domain.orders import review, wizard
from aixplore.domain.orders import services as orders
from aixplore.domain.orders.models import Order, OrderStatus, ReviewRequest
from aixplore.jobs.orders import run_pipeline
from aixplore.jobs.recovery import recover_orders
from tests.factories import actor_for, make_admin, make_member, sign_in
from tests.support.local_repos import git, push_to
from tests.support.orders import paid_local_order

BRANCH = "aixplore/shop"


def _actor(admin: bool = False):
    actor = actor_for(sign_in((make_admin() if admin else make_member()).email))
    assert actor is not None
    return actor


def _order(oid: int) -> Order:
    with session_scope() as db:  # committed, not rolled back: the row stays loaded
        order = db.get(Order, oid)
        assert order is not None
        return order


def _reviews(oid: int) -> list[tuple[str, str, str, str]]:
    """Branch, base, status and note of each review request of the order."""
    with read_scope() as db:
        rows = db.exec(select(ReviewRequest).where(ReviewRequest.order_id == oid)).all()
        return [(r.branch, r.base_branch, r.status.value, r.note) for r in rows]


def _tests_pass(repo: Path, branch: str, tmp: Path) -> subprocess.CompletedProcess:
    work = tmp / f"checkout-{branch.replace('/', '-')}"
    subprocess.run(["git", "clone", "-q", "-b", branch, str(repo), str(work)], check=True)
    return subprocess.run(
        [sys.executable, "-m", "unittest", "discover", "-s", "tests", "-t", "."],
        cwd=work,
        capture_output=True,
        timeout=120,
        check=False,
    )


def test_visiting_creates_no_draft_and_the_first_save_of_step_one_does(local_repos: Path) -> None:
    owner = _actor()
    with session_scope() as db:
        assert wizard.open_draft(db, owner, "", "") is None
        facts = wizard.wizard_facts(db, owner)
    assert facts["default_provider"] == "local"  # no GitHub token and no OAuth app here
    assert [p["key"] for p in facts["providers"]] == ["github", "local"]
    assert "scopes=repo,read:org" in facts["token_url"]
    found = anyio.run(wizard.find_repositories, owner, "local", "", "")
    assert [r["full_name"] for r in found["repos"]] == ["shop"]
    with read_scope() as db:
        assert orders.list_my_orders(db, owner) == []
    with pytest.raises(ValidationFailed):  # a bad name is refused before anything runs
        anyio.run(wizard.save_repository, owner, 0, {"provider": "local", "repo_full_name": "../x"})
    with read_scope() as db:
        assert orders.list_my_orders(db, owner) == []
    data = {"provider": "local", "repo_full_name": "shop", "base_branch": "main"}
    view = anyio.run(wizard.save_repository, owner, 0, data)
    assert view["provider"] == "local" and view["step"] == 2
    assert view["scan"]["framework"] == "python-wsgi"
    with session_scope() as db:
        assert [o.id for o in orders.list_my_orders(db, owner)] == [view["id"]]
        assert wizard.open_draft(db, owner, "", "").id == view["id"]  # type: ignore[union-attr]
    # Someone else cannot save into that draft.
    with pytest.raises(NotFound):
        anyio.run(wizard.save_repository, _actor(), view["id"], data)


def test_a_local_order_is_delivered_as_one_commit_and_one_review_request(
    local_repos: Path, tmp_path: Path
) -> None:
    owner = _actor()
    oid = paid_local_order(owner, grant=2_000)
    assert run_pipeline(oid) == "delivered"
    order = _order(oid)
    repo = local_repos / "shop.git"
    assert order.status == OrderStatus.DELIVERED and order.pr_url is None
    assert git(repo, "rev-list", "main..aixplore/shop").split() == [order.commit_sha]
    files = git(repo, "ls-tree", "-r", "--name-only", BRANCH).split()
    assert {"app/models.py", "tests/test_app.py", "shop/catalog.py"} <= set(files)
    assert git(repo, "rev-parse", "main") != order.commit_sha  # main is untouched until accepted
    assert _reviews(oid) == [(BRANCH, "main", "open", "")]
    with read_scope() as db:
        mails = [
            m.body_text for m in list_outbox_for(db, owner.email) if m.kind == "order_pr_opened"
        ]
    assert len(mails) == 1 and f"/orders/{oid}/review" in mails[0]
    result = _tests_pass(repo, BRANCH, tmp_path)
    assert result.returncode == 0, result.stderr.decode()


class Killed(BaseException):
    """Stands in for a worker process killed mid-stage."""


def test_a_worker_killed_after_its_commit_leaves_one_commit_and_one_review(
    local_repos: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    oid = paid_local_order(_actor())
    real = review.open_review

    def killed(*args, **kwargs):
        raise Killed

    monkeypatch.setattr(review, "open_review", killed)
    with pytest.raises(Killed):
        run_pipeline(oid)
    repo = local_repos / "shop.git"
    assert _order(oid).status == OrderStatus.VALIDATING
    assert len(git(repo, "rev-list", "main..aixplore/shop").split()) == 1  # committed, no review
    monkeypatch.setattr(review, "open_review", real)
    with session_scope() as db:  # the dead worker's lease runs out
        db.execute(
            update(Order)
            .where(col(Order.id) == oid)
            .values(lease_until=utcnow() - timedelta(seconds=1))
        )
    assert recover_orders() == [oid]
    assert run_pipeline(oid) == "delivered"
    assert len(git(repo, "rev-list", "main..aixplore/shop").split()) == 1
    assert len(_reviews(oid)) == 1
    stages = [line["stage"] for line in _order(oid).stage_log or []]
    assert stages.count("deliver") == 1  # the retry found its commit and wrote no second one


def test_accepting_merges_the_branch_and_only_the_owner_or_an_admin_decide(
    local_repos: Path, tmp_path: Path
) -> None:
    owner, stranger, admin = _actor(), _actor(), _actor(admin=True)
    oid = paid_local_order(owner)
    assert run_pipeline(oid) == "delivered"
    repo = local_repos / "shop.git"
    with pytest.raises(NotFound):
        anyio.run(review.load_review, stranger, oid)
    with pytest.raises(NotFound):
        anyio.run(review.decide, stranger, oid, "accept")
    for bad in ("merge --force", ["accept"], {"accept": 1}):
        with pytest.raises(ValidationFailed):
            anyio.run(review.decide, owner, oid, bad)
    seen = anyio.run(review.load_review, admin, oid)  # admins see it too
    paths = {f["path"] for f in seen["files"]}
    assert {"app/models.py", "README.md"} <= paths and "shop/catalog.py" not in paths
    assert any(line["kind"] == "add" for line in seen["lines"])
    view = anyio.run(review.decide, owner, oid, "accept")
    assert view["status"] == "accepted" and "fast-forward" in view["outcome"]
    assert git(repo, "rev-parse", "main") == _order(oid).commit_sha
    with pytest.raises(Conflict, match="already decided"):
        anyio.run(review.decide, admin, oid, "reject_delete")
    result = _tests_pass(repo, "main", tmp_path)  # the base now holds the app; its tests pass
    assert result.returncode == 0, result.stderr.decode()
    with read_scope() as db:
        actions = db.exec(
            select(AuditEntry.action, AuditEntry.actor_id).where(
                AuditEntry.target == f"order:{oid}"
            )
        ).all()
    assert ("order.review_accepted", owner.user_id) in [tuple(a) for a in actions]


@pytest.mark.parametrize(("decision", "kept"), [("reject_delete", False), ("reject_keep", True)])
def test_rejecting_deletes_or_keeps_the_branch(
    local_repos: Path, decision: str, kept: bool
) -> None:
    owner = _actor()
    oid = paid_local_order(owner)
    assert run_pipeline(oid) == "delivered"
    main_before = git(local_repos / "shop.git", "rev-parse", "main")
    view = anyio.run(review.decide, owner, oid, decision)
    assert view["status"] == "rejected"
    assert ("kept" if kept else "deleted") in view["outcome"]
    branches = git(local_repos / "shop.git", "for-each-ref", "--format=%(refname:short)").split()
    assert (BRANCH in branches) is kept
    assert git(local_repos / "shop.git", "rev-parse", "main") == main_before
    assert anyio.run(review.load_review, owner, oid)["files"]  # the commit stays readable


def test_a_merge_that_conflicts_gives_the_request_back_with_the_reason(
    local_repos: Path,
) -> None:
    owner = _actor()
    oid = paid_local_order(owner)
    assert run_pipeline(oid) == "delivered"
    repo = local_repos / "shop.git"
    # Someone pushes a different README to main meanwhile.
    commit = push_to(repo, "main", {"README.md": "# Someone else's README\n"}, "theirs")
    with pytest.raises(Conflict, match="no longer merges cleanly"):
        anyio.run(review.decide, owner, oid, "accept")
    [(_branch, _base, status, note)] = _reviews(oid)
    assert status == "open" and "no longer merges cleanly" in note
    assert git(repo, "rev-parse", "main") == commit
    view = anyio.run(review.decide, owner, oid, "reject_keep")  # still decidable
    assert view["status"] == "rejected"


def test_the_wizard_refuses_local_repositories_where_they_are_not_offered(
    local_repos: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aixplore.core.settings import get_settings

    owner = _actor()
    monkeypatch.setattr(get_settings(), "local_repos_dir", local_repos / "missing")
    with session_scope() as db:
        facts = wizard.wizard_facts(db, owner)
    assert [p["key"] for p in facts["providers"]] == ["github"]
    assert facts["default_provider"] == "github"
    with pytest.raises(ValidationFailed, match="not set up"):
        anyio.run(wizard.find_repositories, owner, "local", "", "")
    with pytest.raises(ValidationFailed, match="not set up"):
        anyio.run(
            wizard.save_repository,
            owner,
            0,
            {"provider": "local", "repo_full_name": "shop", "base_branch": "main"},
        )


def test_github_out_of_reach_is_said_plainly_with_what_to_do_next(
    local_repos: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aixplore.core.settings import get_settings

    # The real github-mcp-server, sent to a host no name lookup finds (as on an offline machine).
    monkeypatch.setattr(get_settings(), "github_host", "https://github.no-such-host.invalid")
    monkeypatch.setattr(get_settings(), "github_proxy", None)
    with pytest.raises(ServiceUnavailable) as caught:
        anyio.run(wizard.connect_github, _actor(), "ghp_" + "0" * 36)
    message = caught.value.message
    assert "GitHub cannot be reached from this server" in message
    assert 'choose "Local repositories"' in message  # the next step that works offline
    assert "dial tcp" not in message and "no such host" not in message


def test_empty_drafts_left_by_earlier_visits_are_deleted_after_a_day() -> None:
    from aixplore.jobs.orders import purge_drafts

    owner = _actor()
    with session_scope() as db:
        old_empty = orders.do_create_draft(db, owner).id
        fresh_empty = orders.do_create_draft(db, owner).id
        old_started = orders.do_create_draft(db, owner)
        old_started.repo_full_name = "octo/library"
        db.add(old_started)
        db.flush()
        day_ago = utcnow() - timedelta(days=1, minutes=1)
        db.execute(
            update(Order)
            .where(col(Order.id).in_([old_empty, old_started.id]))
            .values(updated_at=day_ago)
        )
        started = old_started.id
    assert purge_drafts.call_local() == 1
    with read_scope() as db:
        left = {o.id for o in orders.list_my_orders(db, owner)}
    assert left == {fresh_empty, started}
