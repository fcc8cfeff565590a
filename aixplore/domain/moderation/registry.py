"""The kinds of things that can be reported, and how moderation reaches each one.

Each feature registers its kinds (``kinds.py`` holds the ones that exist now); forum posts,
groups, messages and stream chat register theirs the same way, with a ``group_of`` answer and a
``ban_from_group`` hook where a group owns the target, and groups register who moderates them
(:func:`register_group_moderators`). Moderation itself never imports a feature's tables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from aixplore.core.errors import NotFound, ValidationFailed
from aixplore.domain.accounts.models import Actor


@dataclass(frozen=True)
class Target:
    """A reported thing as moderation sees it."""

    owner_id: int | None  # the person an action affects (None: gone)
    title: str  # for moderators
    snippet: str  # for moderators: the text reported
    link: str  # a path inside the app
    public_subject: str  # for the public log: no personal data
    group_id: int | None = None  # the group whose moderators may act on it


@dataclass(frozen=True)
class TargetKind:
    """How moderation finds, hides, restores and deletes one kind of target."""

    name: str
    label: str
    # Any target that exists (hidden ones too); None when there is no such target.
    resolve: Callable[[Session, int], Target | None]
    # Take the target out of sight; returns the state ``restore`` brings back.
    hide: Callable[[Session, int], str]
    restore: Callable[[Session, int, str], object]
    delete: Callable[[Session, int], object]
    # Ban the target's owner from its group (kinds a group owns only).
    ban_from_group: Callable[[Session, int, int], None] | None = None
    # Whether a reporter may see the target (kinds some readers may not see: a private group's
    # posts, a conversation's messages); None: whoever may report may see it.
    may_see: Callable[[Session, Actor, int], bool] | None = None


_KINDS: dict[str, TargetKind] = {}
_GROUP_MODERATORS: list[Callable[[Session, int, int], bool]] = []
_ANY_GROUP_MODERATORS: list[Callable[[Session, int], bool]] = []


def register(kind: TargetKind) -> None:
    """Make ``kind`` reportable (once per name: a second registration is a programming error)."""
    if kind.name in _KINDS and _KINDS[kind.name] is not kind:
        raise ValueError(f"moderation kind {kind.name!r} is registered twice")
    _KINDS[kind.name] = kind


def register_group_moderators(check: Callable[[Session, int, int], bool]) -> None:
    """Add a check ``(session, user_id, group_id) -> bool``: whether the user moderates it."""
    if check not in _GROUP_MODERATORS:
        _GROUP_MODERATORS.append(check)


def register_any_group_moderator(check: Callable[[Session, int], bool]) -> None:
    """Add a check ``(session, user_id) -> bool``: whether the user moderates any group."""
    if check not in _ANY_GROUP_MODERATORS:
        _ANY_GROUP_MODERATORS.append(check)


def moderates_any_group(session: Session, user_id: int) -> bool:
    """Whether ``user_id`` moderates some group (the inbox opens to them, filtered)."""
    return any(check(session, user_id) for check in _ANY_GROUP_MODERATORS)


def has_group_moderators() -> bool:
    """Whether any feature registered group moderators (groups exist)."""
    return bool(_GROUP_MODERATORS)


def moderates_group(session: Session, user_id: int, group_id: int | None) -> bool:
    """Whether ``user_id`` moderates ``group_id`` by any registered check."""
    return group_id is not None and any(c(session, user_id, group_id) for c in _GROUP_MODERATORS)


def kinds() -> dict[str, TargetKind]:
    """Every registered kind by name."""
    return dict(_KINDS)


def kind_of(name: Any) -> TargetKind:
    """The kind ``name`` names, or a clear refusal."""
    if not isinstance(name, str) or name not in _KINDS:
        raise ValidationFailed("That cannot be reported.")
    return _KINDS[name]


def parse_target_id(value: Any) -> int:
    """A target id from a handler or route argument, checked."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**31:
        raise ValidationFailed("Invalid target.")
    return value


def target_of(session: Session, kind: TargetKind, target_id: Any) -> tuple[int, Target]:
    """The target ``kind`` and ``target_id`` name, or NotFound."""
    tid = parse_target_id(target_id)
    target = kind.resolve(session, tid)
    if target is None:
        raise NotFound(f"No such {kind.label}.")
    return tid, target
