"""Who publishes what, by handle: one bulk read for a whole page of solutions."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from aixplore.domain.accounts.models import User
from aixplore.domain.social.handles import ensure_profile, ensure_profiles
from aixplore.domain.social.models import Profile
from aixplore.domain.solutions.models import Solution

# Built once; run on the session's connection: through the ORM the same read cost a page of
# GraphQL results four times as much (0.3 ms against 0.07 for 50 solutions on SQLite).
_PUBLISHERS = (
    select(col(Solution.id), col(Solution.owner_id), Profile.handle, User.display_name)
    .join(User, col(User.id) == col(Solution.owner_id))
    .outerjoin(Profile, col(Profile.user_id) == col(User.id))
    .where(col(Solution.id).in_(bindparam("ids", expanding=True)))
)


def publishers_of(
    session: Session, solution_ids: Iterable[int], *, make_missing: bool = True
) -> dict[int, tuple[str, str]] | None:
    """Each solution's publisher as ``(handle, display name)``, in one query.

    A publisher without a profile yet gets one made here (profiles are made on first need),
    which needs a unit of work that may write; with ``make_missing`` false this answers None
    instead, so a read-only unit of work can try first.
    """
    ids = sorted(set(solution_ids))
    if not ids:
        return {}
    if session.new or session.dirty or session.deleted:
        session.flush()  # what the ORM's autoflush would do: the read sees pending changes
    rows = session.connection().execute(_PUBLISHERS, {"ids": ids}).all()
    if not make_missing and any(handle is None for _, _, handle, _ in rows):
        return None
    made = ensure_profiles(session, [owner for _, owner, handle, _ in rows if handle is None])
    return {
        solution_id or 0: (handle if handle is not None else made[owner].handle, name)
        for solution_id, owner, handle, name in rows
    }


def person_of(session: Session, user_id: int) -> tuple[str, str]:
    """One user's ``(handle, display name)`` (their profile made on first need)."""
    profile = ensure_profile(session, user_id)
    user = session.get(User, user_id)
    return profile.handle, user.display_name if user else ""
