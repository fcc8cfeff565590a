"""Reporting anything to the moderators, and the flag threshold that hides before they look.

The rule: once ``HIDE_THRESHOLD`` members who count as trusted flaggers (``trust.py``) have
open reports on one target, it is hidden pending review. The hiding is an action of its own
in the log (no moderator named), the author is told and may appeal, and the reports stay
open for a moderator, who restores the target or confirms the decision.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from aixplore.core.errors import Conflict, NotFound, ValidationFailed
from aixplore.domain.accounts.forms import parse_input
from aixplore.domain.accounts.models import Actor
from aixplore.domain.accounts.users import require_actor
from aixplore.domain.holds.models import ModerationHold
from aixplore.domain.moderation import kinds as _kinds  # noqa: F401 - registers the kinds
from aixplore.domain.moderation.models import (
    ActionKind,
    ModerationReport,
    ReportInput,
    ReportStatus,
)
from aixplore.domain.moderation.outcomes import record_action
from aixplore.domain.moderation.registry import TargetKind, kind_of, target_of
from aixplore.domain.moderation.trust import is_trusted_flagger

HIDE_THRESHOLD = 2


def do_report(
    session: Session, actor: Actor | None, kind: Any, target_id: Any, data: Any
) -> ModerationReport:
    """Report a target to the moderators (once per person per target)."""
    actor = require_actor(actor)
    target_kind = kind_of(kind)
    form: ReportInput = parse_input(ReportInput, data)
    tid, target = target_of(session, target_kind, target_id)
    if target_kind.readable_by is not None and not target_kind.readable_by(
        session, actor.user_id, tid
    ):
        raise NotFound(f"No such {target_kind.label}.")  # as if it did not exist
    if target.owner_id == actor.user_id:
        raise ValidationFailed(f"You cannot report your own {target_kind.label}.")
    hold = session.get(ModerationHold, (target_kind.name, tid))
    if hold is not None and hold.deleted:
        raise Conflict(f"The moderators already removed this {target_kind.label}.")
    report = ModerationReport(
        target_kind=target_kind.name,
        target_id=tid,
        reporter_id=actor.user_id,
        reason=form.reason,
        note=form.note,
        trusted=is_trusted_flagger(session, actor.user_id),
    )
    try:
        with session.begin_nested():
            session.add(report)
    except IntegrityError as exc:
        raise Conflict(
            f"You have already reported this {target_kind.label}; the moderators will look at it."
        ) from exc
    if report.trusted and hold is None:
        _hide_when_flagged(session, target_kind, tid, report)
    return report


def _hide_when_flagged(
    session: Session, kind: TargetKind, target_id: int, report: ModerationReport
) -> None:
    trusted = session.exec(
        select(func.count())
        .select_from(ModerationReport)
        .where(
            ModerationReport.target_kind == kind.name,
            ModerationReport.target_id == target_id,
            col(ModerationReport.status) == ReportStatus.OPEN,
            col(ModerationReport.trusted).is_(True),
        )
    ).one()
    if trusted < HIDE_THRESHOLD:
        return
    record_action(
        session,
        None,
        kind,
        target_id,
        ActionKind.HIDE,
        reason=report.reason,
        note="Hidden pending review after reports from trusted members.",
        resolve_reports=False,
    )
