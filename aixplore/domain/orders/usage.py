"""Verified usage from delivered orders, and the review grants it makes due.

A review counts as "verified usage" when its author has a recorded real use of the solution
(``reviews.do_record_usage``). Until now nothing recorded one for an order: an order built
from a solution (``Order.solution_slug``) now records it when the order is delivered (the
pull request opened and confirmed; a failed or refunded order is not a use). A review written
before the delivery then becomes verified, and its grants are made here.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_
from sqlmodel import Session, col, select

from aixplore.core.time import utcnow
from aixplore.domain.orders.models import Order, OrderStatus
from aixplore.domain.reviews.models import SolutionUsage
from aixplore.domain.reviews.services import do_record_usage
from aixplore.domain.solutions.models import Solution
from aixplore.domain.wallet.earning import Grant, grant_for_review_of

SOURCE = "order"
# How far back the periodic sweep looks for delivered orders whose usage was not recorded.
LOOKBACK = timedelta(days=7)


def do_record_order_usage(session: Session, order_id: int) -> list[Grant]:
    """Record the use of a delivered order's solution; grant for the member's review of it."""
    order = session.get(Order, order_id)
    if order is None or order.status != OrderStatus.DELIVERED or not order.solution_slug:
        return []
    solution = session.exec(select(Solution).where(Solution.slug == order.solution_slug)).first()
    if solution is None or solution.id is None:
        return []
    do_record_usage(
        session,
        user_id=order.user_id,
        solution_id=solution.id,
        source=SOURCE,
        reference=f"order:{order_id}",
    )
    return grant_for_review_of(session, order.user_id, solution.id)


def delivered_without_usage(session: Session, now: datetime | None = None) -> list[int]:
    """Orders delivered within the look-back window whose solution use is not recorded."""
    since = (now or utcnow()) - LOOKBACK
    rows = session.exec(
        select(Order.id)
        .join(Solution, col(Solution.slug) == Order.solution_slug)
        .outerjoin(
            SolutionUsage,
            and_(
                col(SolutionUsage.solution_id) == Solution.id,
                col(SolutionUsage.user_id) == Order.user_id,
                col(SolutionUsage.source) == SOURCE,
            ),
        )
        .where(
            Order.status == OrderStatus.DELIVERED,
            Order.updated_at >= since,
            col(SolutionUsage.id).is_(None),
        )
        .order_by(col(Order.id))
    ).all()
    return [i for i in rows if i is not None]
