"""Carrying out a moderation decision: the target's state, the log, the audit, the notices.

Callers authorize (``actions.py`` for people, ``reports.py`` for the flag threshold); this
module only applies a decision already allowed, all in the caller's unit of work.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from aixplore.core.errors import Conflict, ValidationFailed
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor, PlatformRole, User
from aixplore.domain.accounts.sessions import revoke_all
from aixplore.domain.audit_log.services import record as audit
from aixplore.domain.holds.models import ModerationHold
from aixplore.domain.moderation.models import (
    ACTION_LABELS,
    APPEALABLE,
    REASON_LABELS,
    ActionKind,
    ModerationAction,
    ModerationReport,
    ReportReason,
    ReportStatus,
)
from aixplore.domain.moderation.registry import Target, TargetKind, target_of
from aixplore.domain.notifications.services import notify

# What the affected person reads, by action ("Your review was hidden").
TOLD = {
    ActionKind.HIDE: "was hidden by the moderators",
    ActionKind.DELETE: "was removed by the moderators",
    ActionKind.WARN: "earned you a warning from the moderators",
    ActionKind.STRIKE: "earned you a strike from the moderators",
    ActionKind.SUSPEND: "got your account suspended",
    ActionKind.BAN_FROM_GROUP: "got you banned from the group",
    ActionKind.RESTORE: "was restored by the moderators",
}
NEEDS_OWNER = {ActionKind.WARN, ActionKind.STRIKE, ActionKind.SUSPEND, ActionKind.BAN_FROM_GROUP}


def _apply(
    session: Session,
    kind: TargetKind,
    target_id: int,
    target: Target,
    action: ActionKind,
    days: int,
) -> None:
    hold = session.get(ModerationHold, (kind.name, target_id))
    if action in NEEDS_OWNER and target.owner_id is None:
        raise Conflict(f"This {kind.label}'s author no longer has an account.")
    if action == ActionKind.HIDE and hold is None:
        previous = kind.hide(session, target_id)
        session.add(ModerationHold(target_kind=kind.name, target_id=target_id, previous=previous))
    elif action in (ActionKind.RESTORE, ActionKind.DISMISS) and hold is not None:
        if hold.deleted:
            raise Conflict(f"This {kind.label} was deleted; it cannot be restored.")
        kind.restore(session, target_id, hold.previous)
        session.delete(hold)
    elif action == ActionKind.RESTORE:
        raise Conflict(f"This {kind.label} is not hidden.")
    elif action == ActionKind.DELETE:
        if hold is not None and hold.deleted:
            raise Conflict(f"This {kind.label} is already deleted.")
        kind.delete(session, target_id)
        hold = hold or ModerationHold(target_kind=kind.name, target_id=target_id)
        hold.deleted = True
        session.add(hold)
    elif action == ActionKind.SUSPEND:
        _suspend(session, target.owner_id or 0, days)
    elif action == ActionKind.BAN_FROM_GROUP:
        if target.group_id is None or kind.ban_from_group is None:
            raise ValidationFailed(f"This {kind.label} belongs to no group.")
        kind.ban_from_group(session, target.group_id, target.owner_id or 0)
    session.flush()


def _suspend(session: Session, user_id: int, days: int) -> None:
    user = session.get(User, user_id)
    if user is None:
        raise Conflict("That account no longer exists.")
    if user.role == PlatformRole.PLATFORM_ADMIN:
        raise Conflict("Platform admins cannot be suspended here; change their role first.")
    now = utcnow()
    user.suspended_at = now
    user.suspended_until = now + timedelta(days=days)
    session.add(user)
    revoke_all(session, user_id)


def record_action(
    session: Session,
    moderator: Actor | None,
    kind: TargetKind,
    target_id: int,
    action: ActionKind,
    *,
    reason: ReportReason,
    note: str,
    days: int = 7,
    resolve_reports: bool = True,
) -> ModerationAction:
    """Apply ``action`` to a target, log it, audit it and tell who it concerns."""
    tid, target = target_of(session, kind, target_id)
    _apply(session, kind, tid, target, action, days)
    row = ModerationAction(
        target_kind=kind.name,
        target_id=tid,
        action=action,
        reason=reason,
        public_note=note,
        public_subject=target.public_subject[:200],
        subject_user_id=target.owner_id,
        moderator_id=moderator.user_id if moderator else None,
        group_id=target.group_id,
        ends_at=utcnow() + timedelta(days=days) if action == ActionKind.SUSPEND else None,
    )
    session.add(row)
    session.flush()
    audit(
        session,
        moderator.user_id if moderator else None,
        f"moderation.{action.value}",
        target=f"{kind.name}:{tid}",
        detail={"action_id": row.id, "reason": reason.value, "note": note},
    )
    if resolve_reports:
        _resolve_reports(session, moderator, kind, tid, action, row)
    if target.owner_id is not None and action in TOLD:
        body = f"Reason: {REASON_LABELS[reason]}." + (f" {note}" if note else "")
        if action in APPEALABLE:
            body += " You may appeal this decision."
        notify(
            session,
            target.owner_id,
            "moderation",
            f"Your {kind.label} {TOLD[action]}",
            body=body,
            link=f"/moderation/appeal/{row.id}" if action in APPEALABLE else target.link,
        )
    return row


def _resolve_reports(
    session: Session,
    moderator: Actor | None,
    kind: TargetKind,
    target_id: int,
    action: ActionKind,
    row: ModerationAction,
) -> None:
    where = (
        col(ModerationReport.target_kind) == kind.name,
        col(ModerationReport.target_id) == target_id,
        col(ModerationReport.status) == ReportStatus.OPEN,
    )
    reporters = session.exec(select(ModerationReport.reporter_id).where(*where)).all()
    dismissed = action in (ActionKind.DISMISS, ActionKind.RESTORE)
    session.execute(
        update(ModerationReport)
        .where(*where)
        .values(
            status=ReportStatus.DISMISSED if dismissed else ReportStatus.ACTIONED,
            resolved_by=moderator.user_id if moderator else None,
            resolved_at=utcnow(),
        )
    )
    outcome = "no action was needed" if dismissed else ACTION_LABELS[action].lower()
    for reporter in {r for r in reporters if r is not None}:
        notify(
            session,
            reporter,
            "moderation",
            f"Your report of a {kind.label} was reviewed: {outcome}",
            link=f"/moderation-log#action-{row.id}",
        )
