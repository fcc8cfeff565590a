"""What moderators do with a reported target, and appeals by the person an action affects.

Platform admins may act on anything; a group's moderators on what their group owns (the
target kind's ``group_of`` answer and ``registry.register_group_moderators``), nothing else.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from aixplore.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from aixplore.core.time import utcnow
from aixplore.domain.accounts.forms import parse_input
from aixplore.domain.accounts.models import Actor, User
from aixplore.domain.accounts.users import require_actor, security_event
from aixplore.domain.audit_log.services import record as audit
from aixplore.domain.holds.models import ModerationHold
from aixplore.domain.moderation import kinds as _kinds  # noqa: F401 - registers the kinds
from aixplore.domain.moderation.models import (
    APPEALABLE,
    ActionInput,
    ActionKind,
    AppealInput,
    AppealStatus,
    ModerationAction,
    ModerationAppeal,
)
from aixplore.domain.moderation.outcomes import record_action
from aixplore.domain.moderation.registry import (
    kind_of,
    moderates_any_group,
    moderates_group,
    parse_target_id,
    target_of,
)
from aixplore.domain.notifications.services import notify

# Reads that list many targets: open to group moderators, filtered item by item.
INBOX_READS = {"list_inbox", "list_appeals"}


def check_may_moderate(
    session: Session, actor: Actor | None, group_id: int | None, what: str
) -> Actor:
    """The actor, when they are a platform admin or moderate ``group_id``; else refused."""
    actor = require_actor(actor)
    if actor.is_platform_admin or moderates_group(session, actor.user_id, group_id):
        return actor
    if group_id is None and what in INBOX_READS and moderates_any_group(session, actor.user_id):
        return actor  # the inbox then lists only what the actor's groups own
    security_event("moderation_refused", user_id=actor.user_id, action=what)
    raise PermissionDenied("Only platform admins and the group's moderators can do that.")


def do_act(
    session: Session, actor: Actor | None, kind: Any, target_id: Any, data: Any
) -> ModerationAction:
    """Decide on a target: hide, restore, delete, dismiss, warn, strike, suspend or ban."""
    actor = require_actor(actor)
    target_kind = kind_of(kind)
    tid, target = target_of(session, target_kind, target_id)
    actor = check_may_moderate(session, actor, target.group_id, "act")
    form: ActionInput = parse_input(ActionInput, data)
    if target.owner_id == actor.user_id and form.action != ActionKind.DISMISS:
        raise Conflict("Another moderator must decide on what you wrote.")
    return record_action(
        session,
        actor,
        target_kind,
        tid,
        form.action,
        reason=form.reason,
        note=form.note,
        days=form.days,
    )


def _action(session: Session, action_id: Any) -> ModerationAction:
    row = session.get(ModerationAction, parse_target_id(action_id))
    if row is None:
        raise NotFound("No such moderation decision.")
    return row


def do_appeal(session: Session, actor: Actor | None, action_id: Any, data: Any) -> ModerationAppeal:
    """Appeal a decision that affected the actor (once per decision)."""
    actor = require_actor(actor)
    row = _action(session, action_id)
    if row.subject_user_id != actor.user_id:
        raise PermissionDenied("Only the person this decision affected can appeal it.")
    if row.action not in APPEALABLE or row.revoked_at is not None:
        raise Conflict("This decision cannot be appealed.")
    form: AppealInput = parse_input(AppealInput, data)
    if session.exec(select(ModerationAppeal).where(ModerationAppeal.action_id == row.id)).first():
        raise Conflict("You have already appealed this decision.")
    appeal = ModerationAppeal(action_id=row.id or 0, appellant_id=actor.user_id, body=form.body)
    session.add(appeal)
    session.flush()
    audit(session, actor.user_id, "moderation.appeal", target=f"action:{row.id}")
    return appeal


def do_decide_appeal(
    session: Session, actor: Actor | None, appeal_id: Any, decision: Any, note: Any = ""
) -> ModerationAppeal:
    """Uphold a decision or overturn it (undoing what can be undone), telling the appellant."""
    appeal = session.get(ModerationAppeal, parse_target_id(appeal_id))
    if appeal is None:
        raise NotFound("No such appeal.")
    row = _action(session, appeal.action_id)
    actor = check_may_moderate(session, actor, row.group_id, "decide_appeal")
    if decision not in ("uphold", "overturn"):
        raise ValidationFailed("Choose to uphold or overturn the decision.")
    if not isinstance(note, str) or len(note) > 500:
        raise ValidationFailed("Keep the note under 500 characters.")
    if appeal.status != AppealStatus.OPEN:
        raise Conflict("This appeal is already decided.")
    if row.moderator_id == actor.user_id and not actor.is_platform_admin:
        raise Conflict("Another moderator must decide on an appeal of your own decision.")
    now = utcnow()
    if decision == "overturn":
        _undo(session, row)
        row.revoked_at = now
        session.add(row)
    appeal.status = AppealStatus.OVERTURNED if decision == "overturn" else AppealStatus.UPHELD
    appeal.decided_by, appeal.decided_at, appeal.decision_note = actor.user_id, now, note.strip()
    session.add(appeal)
    session.flush()
    audit(
        session,
        actor.user_id,
        f"moderation.appeal_{appeal.status.value}",
        target=f"action:{row.id}",
        detail={"note": note.strip()},
    )
    if appeal.appellant_id is not None:
        notify(
            session,
            appeal.appellant_id,
            "moderation",
            "Your appeal was accepted: the decision is undone"
            if decision == "overturn"
            else "Your appeal was declined: the decision stands",
            body=note.strip(),
            link=f"/moderation/appeal/{row.id}",
        )
    return appeal


def _undo(session: Session, row: ModerationAction) -> None:
    kind = kind_of(row.target_kind)
    if row.action == ActionKind.HIDE:
        hold = session.get(ModerationHold, (kind.name, row.target_id))
        if hold is not None and not hold.deleted:
            kind.restore(session, row.target_id, hold.previous)
            session.delete(hold)
    elif row.action == ActionKind.SUSPEND and row.subject_user_id is not None:
        user = session.get(User, row.subject_user_id)
        if user is not None:
            user.suspended_at = user.suspended_until = None
            session.add(user)
    elif row.action == ActionKind.DELETE and kind.name == "review":
        raise Conflict("A deleted review cannot come back; its author may write it again.")
