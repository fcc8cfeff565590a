"""What retires search's cached answers and facet columns: any change to what it counts.

Search caches its summaries (totals, facets), ordered id lists and per-worker facet columns
under the :data:`CATALOG` cache generation. These hooks bump that generation after a commit
that changes anything search counts -- solutions (but their trending key), their tags, a
publisher's verified mark or display name, a deleted publisher (whose solutions go by the
database's cascade), a category
-- whether written through the ORM's unit of work or as bulk ``update()``/``delete()``
statements. Importing :mod:`aixplore.domain.solutions.search` installs them.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import event, inspect
from sqlalchemy.orm import ORMExecuteState
from sqlmodel import Session

from aixplore.core import cache
from aixplore.core.events import publish_after_commit, subscribe
from aixplore.domain.accounts.models import User
from aixplore.domain.solutions import facet_columns
from aixplore.domain.solutions.models import Solution, SolutionTag

__all__ = ["CATALOG"]

CATALOG = facet_columns.CATALOG  # the cache generation search's answers depend on
_CHANGED = "aixplore_catalog_changed"
# Solution columns whose change does not alter totals or facet counts (no cache retirement).
_VOLATILE = {"trending_score", "updated_at"}


@event.listens_for(Session, "before_flush")
def _watch_catalog(db: Session, _context: Any, _instances: Any) -> None:
    """Any change to what search counts retires the cached summaries (after commit)."""
    if db.info.get(_CHANGED):
        return
    for obj in (*db.new, *db.dirty, *db.deleted):
        if isinstance(obj, SolutionTag) or (
            isinstance(obj, Solution) and (obj in db.new or obj in db.deleted or _counted(obj))
        ):
            break
        if isinstance(obj, User) and (
            # A deleted publisher's solutions go with it by the database's own cascade; the
            # display name is on the cards (search_cards).
            obj in db.deleted
            or inspect(obj).attrs.verified_publisher_at.history.has_changes()
            or inspect(obj).attrs.display_name.history.has_changes()
        ):
            break
    else:
        return
    db.info[_CHANGED] = True
    publish_after_commit(db, _CHANGED, None)


@event.listens_for(Session, "do_orm_execute")
def _watch_bulk_catalog(state: ORMExecuteState) -> None:
    """Bulk ``update()``/``delete()`` statements on solutions or users retire the cached
    summaries too (the flush hook above never sees them)."""
    if state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", "") in ("solution", "user"):
            cache.bump_after_commit(cast(Session, state.session), CATALOG)


# Tags only ever change what search counts, and categories what its cards and facets show:
# every write retires, bulk deletes included.
cache.retire_on_change(CATALOG, "solution_tag", "category")


def _counted(solution: Solution) -> bool:
    state = inspect(solution)
    return any(attr.history.has_changes() for attr in state.attrs if attr.key not in _VOLATILE)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _reset_catalog_flag(db: Session) -> None:
    db.info.pop(_CHANGED, None)


subscribe(_CHANGED, lambda _payload: cache.bump(CATALOG))
