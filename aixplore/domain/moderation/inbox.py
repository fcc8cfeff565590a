"""Reading moderation: the inbox, open appeals, one decision for its person, the public log."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from aixplore.core.errors import NotFound, PermissionDenied, ValidationFailed
from aixplore.domain.accounts.models import Actor, User
from aixplore.domain.accounts.users import require_actor
from aixplore.domain.holds.models import ModerationHold
from aixplore.domain.moderation.actions import check_may_moderate
from aixplore.domain.moderation.models import (
    ACTION_LABELS,
    APPEALABLE,
    REASON_LABELS,
    AppealCase,
    AppealStatus,
    InboxItem,
    LogEntry,
    ModerationAction,
    ModerationAppeal,
    ModerationReport,
    ReportLine,
    ReportStatus,
)
from aixplore.domain.moderation.registry import kinds, moderates_group, parse_target_id

INBOX_MAX = 100
LOG_PAGE = 50


def list_inbox(session: Session, actor: Actor | None, *, status: Any = "open") -> list[InboxItem]:
    """Reported targets with their reports (by status), oldest report first."""
    actor = check_may_moderate(session, actor, None, "list_inbox")
    try:
        wanted = ReportStatus(status)
    except ValueError as exc:
        raise ValidationFailed("Unknown report status.") from exc
    reports = session.exec(
        select(ModerationReport)
        .where(col(ModerationReport.status) == wanted)
        .order_by(col(ModerationReport.created_at), col(ModerationReport.id))
        .limit(INBOX_MAX * 5)
    ).all()
    names = _names(session, {r.reporter_id for r in reports})
    registered = kinds()
    items: dict[tuple[str, int], InboxItem] = {}
    for report in reports:
        key = (report.target_kind, report.target_id)
        if key not in items:
            kind = registered.get(report.target_kind)
            target = kind.resolve(session, report.target_id) if kind else None
            if kind is None or target is None:
                continue
            if not actor.is_platform_admin and not moderates_group(
                session, actor.user_id, target.group_id
            ):
                continue
            hold = session.get(ModerationHold, key)
            items[key] = InboxItem(
                kind=kind.name,
                kind_label=kind.label,
                target_id=report.target_id,
                title=target.title,
                snippet=target.snippet,
                link=target.link,
                hidden=hold is not None,
                reports=[],
            )
        items[key].reports.append(
            ReportLine(
                id=report.id or 0,
                reason_label=REASON_LABELS[report.reason],
                note=report.note,
                reporter_name=names.get(report.reporter_id or 0, "Deleted user"),
                trusted=report.trusted,
                created_at=report.created_at,
            )
        )
    return list(items.values())[:INBOX_MAX]


def _names(session: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = [i for i in ids if i is not None]
    return {
        uid: name
        for uid, name in session.exec(
            select(User.id, User.display_name).where(col(User.id).in_(wanted))
        ).all()
        if uid is not None
    }


def _case(row: ModerationAction, appeal: ModerationAppeal | None) -> AppealCase:
    kind = kinds().get(row.target_kind)
    return AppealCase(
        action_id=row.id or 0,
        action_label=ACTION_LABELS[row.action],
        kind_label=kind.label if kind else row.target_kind,
        subject=row.public_subject,
        reason_label=REASON_LABELS[row.reason],
        note=row.public_note,
        created_at=row.created_at,
        ends_at=row.ends_at,
        appealable=row.action in APPEALABLE and row.revoked_at is None and appeal is None,
        appeal_id=appeal.id if appeal else None,
        appeal_status=appeal.status.value if appeal else "",
        appeal_body=appeal.body if appeal else "",
    )


def get_case(session: Session, actor: Actor | None, action_id: Any) -> AppealCase:
    """A decision as the person it affected sees it (moderators may read it too)."""
    actor = require_actor(actor)
    row = session.get(ModerationAction, parse_target_id(action_id))
    if row is None:
        raise NotFound("No such moderation decision.")
    if row.subject_user_id != actor.user_id:
        try:
            check_may_moderate(session, actor, row.group_id, "read_case")
        except PermissionDenied as exc:
            raise NotFound("No such moderation decision.") from exc
    appeal = session.exec(
        select(ModerationAppeal).where(ModerationAppeal.action_id == row.id)
    ).first()
    return _case(row, appeal)


def list_open_appeals(session: Session, actor: Actor | None) -> list[AppealCase]:
    """Appeals waiting for a decision, oldest first."""
    actor = check_may_moderate(session, actor, None, "list_appeals")
    rows = session.exec(
        select(ModerationAppeal, ModerationAction)
        .join(ModerationAction, col(ModerationAction.id) == ModerationAppeal.action_id)
        .where(col(ModerationAppeal.status) == AppealStatus.OPEN)
        .order_by(col(ModerationAppeal.created_at))
        .limit(INBOX_MAX)
    ).all()
    return [
        _case(action, appeal)
        for appeal, action in rows
        if actor.is_platform_admin or moderates_group(session, actor.user_id, action.group_id)
    ]


def public_log(session: Session, *, before: Any = None) -> tuple[list[LogEntry], int | None]:
    """The public moderation log, newest first: what was acted on, why and when, nobody named."""
    cursor = None if before in (None, 0) else parse_target_id(before)
    query = select(ModerationAction)
    if cursor is not None:
        query = query.where(col(ModerationAction.id) < cursor)
    rows = session.exec(query.order_by(col(ModerationAction.id).desc()).limit(LOG_PAGE + 1)).all()
    registered = kinds()
    entries = [
        LogEntry(
            id=row.id or 0,
            action_label=ACTION_LABELS[row.action]
            + (" (undone on appeal)" if row.revoked_at else ""),
            kind_label=registered[row.target_kind].label
            if row.target_kind in registered
            else row.target_kind,
            subject=row.public_subject,
            reason_label=REASON_LABELS[row.reason],
            note=row.public_note,
            created_at=row.created_at,
            ends_at=row.ends_at,
        )
        for row in rows[:LOG_PAGE]
    ]
    return entries, (entries[-1].id if len(rows) > LOG_PAGE else None)
