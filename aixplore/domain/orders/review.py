"""Review requests: how an order delivered to a local repository is accepted or rejected.

The pipeline opens one with the order's move to ``pr_opened`` (the same fenced unit of work,
so exactly once). The order's owner, or a platform admin, sees the delivered commit's files
and patch and decides: accept merges the branch into the base branch (fast-forward when the
base has not moved, else a merge commit), reject deletes the branch or keeps it. A decision
first claims the request with a conditional update (two clicks, two tabs or two people
cannot both act), then runs git outside any unit of work, then records the outcome; a
failure gives the claim back with the reason, and a claim left by a dead process can be
taken again after ``CLAIM_STALE``.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, or_, update
from sqlmodel import Session, col, select

from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor
from aixplore.domain.accounts.services import require_actor
from aixplore.domain.audit.services import record as audit
from aixplore.domain.notifications.services import notify
from aixplore.domain.orders import lifecycle, providers
from aixplore.domain.orders.models import Order, OrderStatus, ReviewRequest, ReviewStatus
from aixplore.domain.orders.services import get_order

R = ReviewStatus
CLAIM_STALE = timedelta(minutes=2)
MAX_LINES = 3_000  # patch lines shown; the files list is always complete
DECISIONS = {"accept": R.ACCEPTING, "reject_delete": R.REJECTING, "reject_keep": R.REJECTING}
_HUNK = re.compile(r"^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@")


def open_review(
    session: Session,
    order_id: int,
    lease: str,
    *,
    repo: str,
    branch: str,
    base: str,
    head_sha: str,
) -> bool:
    """Move a validated order to ``pr_opened`` and open its review request (lease-fenced)."""
    moved = lifecycle.advance(
        session,
        order_id,
        OrderStatus.VALIDATING,
        OrderStatus.PR_OPENED,
        lease=lease,
        commit_sha=head_sha,
    )
    if moved and _find(session, order_id) is None:
        session.add(
            ReviewRequest(
                order_id=order_id, repo=repo, branch=branch, base_branch=base, head_sha=head_sha
            )
        )
        session.flush()
    return moved


def has_review(session: Session, order_id: int) -> bool:
    """Whether the order's review request exists (the pipeline's confirmation)."""
    return _find(session, order_id) is not None


def _find(session: Session, order_id: int) -> ReviewRequest | None:
    return session.exec(select(ReviewRequest).where(ReviewRequest.order_id == order_id)).first()


def get_review(session: Session, actor: Actor | None, order_id: Any) -> tuple[Order, ReviewRequest]:
    """The order and its review request, for its owner or a platform admin."""
    order = get_order(session, actor, order_id)
    review = _find(session, order.id or 0)
    if review is None:
        raise NotFound("This order has no review request.")
    return order, review


def _outcome(review: ReviewRequest) -> str:
    if review.status is R.ACCEPTED:
        how = f"{review.merge_kind}, " if review.merge_kind else ""
        sha = (review.merge_sha or "")[:10]
        return f'Accepted: merged into "{review.base_branch}" ({how}commit {sha}).'
    if review.status is R.REJECTED:
        kept = "kept" if review.branch_kept else "deleted"
        return f'Rejected: the branch "{review.branch}" was {kept}.'
    if review.status in {R.ACCEPTING, R.REJECTING}:
        return "Being decided right now."
    return "Waiting for your decision."


def review_view(order: Order, review: ReviewRequest) -> dict[str, Any]:
    """Plain values for the review page (without the patch)."""
    return {
        "order_id": order.id,
        "repo": review.repo,
        "branch": review.branch,
        "base": review.base_branch,
        "head_sha": review.head_sha,
        "status": R(review.status).value,
        "open": review.status is R.OPEN,
        "outcome": _outcome(review),
        "note": review.note,
        "decided_at": review.decided_at.isoformat(timespec="minutes") if review.decided_at else "",
    }


async def load_review(actor: Actor | None, order_id: Any) -> dict[str, Any]:
    """The review request with the delivered commit's files and patch (read through git)."""
    with read_scope() as db:
        order, review = get_review(db, actor, order_id)
        view = review_view(order, review)
    async with providers.open_reviewer(view["repo"]) as git:
        change = await git.change(view["head_sha"] or view["branch"])
    files, lines = parse_patch(change.patch)
    return {**view, "message": change.message, "files": files, "lines": lines}


def parse_patch(patch: str) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """Files (path, change, lines added and removed) and the patch's lines (at most MAX_LINES)."""
    files: list[dict[str, Any]] = []
    lines: list[dict[str, str]] = []
    rows = patch.splitlines()
    i, left = 0, [0, 0]  # lines of the current hunk still to read: old side, new side
    while i < len(rows):
        row = rows[i]
        if left == [0, 0] and row.startswith("--- ") and i + 1 < len(rows):
            old, new = row[4:], rows[i + 1].removeprefix("+++ ")
            path = (new if new != "/dev/null" else old).removeprefix("b/").removeprefix("a/")
            change = (
                "added" if old == "/dev/null" else "deleted" if new == "/dev/null" else "modified"
            )
            files.append({"path": path, "change": change, "added": 0, "removed": 0})
            lines.append({"kind": "file", "text": path})
            i += 2
            continue
        hunk = _HUNK.match(row)
        if left == [0, 0] and hunk:
            left = [int(hunk.group(1) or 1), int(hunk.group(2) or 1)]
            lines.append({"kind": "hunk", "text": row})
        elif files and left != [0, 0]:
            kind = {"+": "add", "-": "del"}.get(row[:1], "same")
            if kind == "add":
                files[-1]["added"] += 1
                left[1] -= 1
            elif kind == "del":
                files[-1]["removed"] += 1
                left[0] -= 1
            elif not row.startswith("\\"):
                left = [left[0] - 1, left[1] - 1]
            left = [max(0, left[0]), max(0, left[1])]
            lines.append({"kind": kind, "text": row})
        i += 1
    if len(lines) > MAX_LINES:
        hidden = len(lines) - MAX_LINES
        lines = [*lines[:MAX_LINES], {"kind": "hunk", "text": f"... {hidden} more lines"}]
    return files, lines


def _claim(session: Session, actor: Actor, order_id: Any, claim: ReviewStatus) -> ReviewRequest:
    _order, review = get_review(session, actor, order_id)
    now = utcnow()
    result = session.execute(
        update(ReviewRequest)
        .where(
            col(ReviewRequest.id) == review.id,
            or_(
                col(ReviewRequest.status) == R.OPEN,
                and_(
                    col(ReviewRequest.status) == claim,
                    col(ReviewRequest.claimed_at) < now - CLAIM_STALE,
                ),
            ),
        )
        .values(status=claim, claimed_at=now, decided_by=actor.user_id, note="")
    )
    session.refresh(review)
    if getattr(result, "rowcount", 0) != 1:
        if review.status in {R.ACCEPTING, R.REJECTING}:
            raise Conflict("This review request is being decided right now; reload in a moment.")
        raise Conflict(f"This review request is already decided. {_outcome(review)}")
    return review


def _release(review_id: int, note: str) -> None:
    with session_scope() as session:
        session.execute(
            update(ReviewRequest)
            .where(col(ReviewRequest.id) == review_id)
            .where(col(ReviewRequest.status).in_([R.ACCEPTING, R.REJECTING]))
            .values(status=R.OPEN, claimed_at=None, note=note[:500])
        )


async def decide(actor: Actor | None, order_id: Any, decision: Any) -> dict[str, Any]:
    """Accept (merge) or reject (delete or keep the branch) a review request; its new view."""
    actor = require_actor(actor)
    if not isinstance(decision, str) or decision not in DECISIONS:  # a list is unhashable
        raise ValidationFailed("Choose accept, or reject and delete or keep the branch.")
    with session_scope() as db:
        review = _claim(db, actor, order_id, DECISIONS[decision])
        review_id, repo, branch, base = (
            review.id or 0,
            review.repo,
            review.branch,
            review.base_branch,
        )
        order_id = review.order_id
    merged: tuple[str, str] | None = None
    try:
        if decision != "reject_keep":
            async with providers.open_reviewer(repo) as git:
                if decision == "accept":
                    message = f"Merge {branch} into {base} (AiXplore order {order_id})"
                    merged = await git.merge(branch, base, message)
                else:
                    await git.delete_branch(branch)
    except DomainError as exc:
        _release(review_id, exc.message)
        raise
    with session_scope() as db:
        _finish(db, actor, review_id, decision, merged)
        order, review = get_review(db, actor, order_id)
        return review_view(order, review)


def _finish(
    session: Session,
    actor: Actor,
    review_id: int,
    decision: str,
    merged: tuple[str, str] | None,
) -> None:
    review = session.get(ReviewRequest, review_id, with_for_update=True, populate_existing=True)
    if review is None or review.status not in {R.ACCEPTING, R.REJECTING}:
        return
    review.decided_at, review.decided_by = utcnow(), actor.user_id
    if merged is not None:
        review.status, (review.merge_sha, review.merge_kind) = R.ACCEPTED, merged
    else:
        review.status, review.branch_kept = R.REJECTED, decision == "reject_keep"
    session.add(review)
    session.flush()
    order = session.get(Order, review.order_id)
    assert order is not None
    word = "accepted" if merged is not None else "rejected"
    audit(
        session,
        actor.user_id,
        f"order.review_{word}",
        f"order:{order.id}",
        detail={"branch": review.branch, "base": review.base_branch, "outcome": _outcome(review)},
    )
    if actor.user_id != order.user_id:
        notify(
            session,
            order.user_id,
            "order",
            f"The review request of order #{order.id} was {word}",
            _outcome(review),
            f"/orders/{order.id}/review",
        )
