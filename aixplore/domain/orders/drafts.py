"""Empty drafts: what visits to the wizard left behind before a draft waited for step 1."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete
from sqlmodel import Session, col

from aixplore.core.time import utcnow
from aixplore.domain.orders.models import Order, OrderStatus

EMPTY_DRAFT_AGE = timedelta(days=1)


def purge_empty_drafts(session: Session, older_than: timedelta = EMPTY_DRAFT_AGE) -> int:
    """Delete drafts that never got a repository and were untouched for ``older_than``.

    A draft is made when its first step is saved, so a draft without a repository was
    opened by an earlier version of the wizard and never used. Returns how many went.
    """
    result = session.execute(
        delete(Order).where(
            col(Order.status) == OrderStatus.DRAFT,
            col(Order.repo_full_name).is_(None),
            col(Order.updated_at) < utcnow() - older_than,
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
