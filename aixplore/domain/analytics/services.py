"""Record analytics events and read them back as series, rankings and CSV."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import time as clock
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import String, func
from sqlmodel import Session, col, select

from aixplore.core.errors import NotFound, PermissionDenied, ValidationFailed
from aixplore.core.settings import get_settings
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor, User
from aixplore.domain.accounts.services import require_actor, require_platform_admin
from aixplore.domain.analytics.models import AnalyticsEvent, AnalyticsKind
from aixplore.domain.solutions.models import Solution
from aixplore.domain.solutions.search import bump_trending

MAX_DAYS = 365
# How much each kind of activity counts toward "trending" (a review counts 3).
TRENDING_WEIGHTS = {AnalyticsKind.VIEW: 0.2, AnalyticsKind.CLICK: 0.5, AnalyticsKind.BOOKMARK: 1.0}
SERIES_KINDS = (AnalyticsKind.VIEW, AnalyticsKind.CLICK, AnalyticsKind.BOOKMARK)


def visitor_id(ip: str, user_agent: str, day: date | None = None) -> str:
    """A daily-rotating pseudonym for a visitor: the raw IP is never stored."""
    day = day or utcnow().date()
    key = get_settings().secret_key.encode()
    message = f"{day.isoformat()}|{ip}|{user_agent[:200]}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:16]


def tracking_allowed(headers: Mapping[str, str]) -> bool:
    """False when the browser asks not to be tracked (Do-Not-Track or Global Privacy Control)."""
    lowered = {k.lower(): str(v).strip() for k, v in headers.items()}
    return lowered.get("dnt") != "1" and lowered.get("sec-gpc") != "1"


def do_record(
    session: Session,
    *,
    kind: Any,
    solution_id: int | None = None,
    user_id: int | None = None,
    visitor: str = "",
    detail: str = "",
    results: int | None = None,
) -> None:
    """Store one event (called from the job queue, never on the request path)."""
    try:
        kind = AnalyticsKind(kind)
    except ValueError as exc:
        raise ValidationFailed("Unknown analytics event.") from exc
    solution = session.get(Solution, solution_id) if solution_id is not None else None
    if solution_id is not None and solution is None:
        return  # the solution was deleted meanwhile
    if user_id is not None and session.get(User, user_id) is None:
        return  # the account was erased meanwhile: keep nothing of its activity
    if solution is not None and kind in TRENDING_WEIGHTS:
        bump_trending(solution, clock.time() / 86400, weight=TRENDING_WEIGHTS[kind])
        session.add(solution)
    session.add(
        AnalyticsEvent(
            kind=kind,
            solution_id=solution_id,
            user_id=user_id,
            visitor=visitor[:32],
            detail=" ".join(str(detail).split())[:200].lower()
            if kind == AnalyticsKind.SEARCH
            else str(detail)[:200],
            results=results,
        )
    )


def _days(days: Any) -> int:
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_DAYS:
        raise ValidationFailed(f"Choose between 1 and {MAX_DAYS} days.")
    return days


def _series(session: Session, days: int, solution_id: int | None) -> list[dict[str, Any]]:
    start = utcnow().date() - timedelta(days=days - 1)
    since = datetime.combine(start, time.min, tzinfo=UTC)
    day_expr = func.date(col(AnalyticsEvent.created_at), type_=String)
    stmt = (
        select(
            day_expr,
            AnalyticsEvent.kind,
            func.count(),
            func.count(func.distinct(col(AnalyticsEvent.visitor))),
        )
        .where(col(AnalyticsEvent.created_at) >= since, col(AnalyticsEvent.kind).in_(SERIES_KINDS))
        .group_by(day_expr, col(AnalyticsEvent.kind))
    )
    if solution_id is not None:
        stmt = stmt.where(AnalyticsEvent.solution_id == solution_id)
    counts: dict[tuple[str, str], tuple[int, int]] = {}
    for day, kind, n, uniques in session.exec(stmt).all():
        counts[(str(day)[:10], AnalyticsKind(kind).value)] = (int(n), int(uniques))
    rows = []
    for offset in range(days):
        day = (start + timedelta(days=offset)).isoformat()
        row: dict[str, Any] = {"day": day}
        for kind in SERIES_KINDS:
            row[f"{kind.value}s"] = counts.get((day, kind.value), (0, 0))[0]
        row["visitors"] = counts.get((day, AnalyticsKind.VIEW.value), (0, 0))[1]
        rows.append(row)
    return rows


def solution_series(
    session: Session, actor: Actor | None, slug: Any, *, days: Any = 30
) -> list[dict[str, Any]]:
    """Daily views, clicks, bookmarks and unique visitors of one solution (owner or admin)."""
    actor = require_actor(actor)
    if not isinstance(slug, str):
        raise NotFound("No such solution.")
    solution = session.exec(select(Solution).where(Solution.slug == slug)).first()
    if solution is None:
        raise NotFound("No such solution.")
    if solution.owner_id != actor.user_id and not actor.is_platform_admin:
        raise PermissionDenied("Only the publisher sees this solution's analytics.")
    return _series(session, _days(days), solution.id)


def platform_series(
    session: Session, actor: Actor | None, *, days: Any = 30
) -> list[dict[str, Any]]:
    """Daily totals over every solution (platform admins)."""
    require_platform_admin(actor, "platform_analytics")
    return _series(session, _days(days), None)


def top_solutions(
    session: Session, actor: Actor | None, *, days: Any = 30, limit: int = 10
) -> list[dict[str, Any]]:
    """Most viewed solutions (platform admins)."""
    require_platform_admin(actor, "platform_analytics")
    start = utcnow() - timedelta(days=_days(days))
    rows = session.exec(
        select(Solution.slug, Solution.name, func.count().label("views"))
        .join(AnalyticsEvent, col(AnalyticsEvent.solution_id) == Solution.id)
        .where(AnalyticsEvent.kind == AnalyticsKind.VIEW, col(AnalyticsEvent.created_at) >= start)
        .group_by(col(Solution.slug), col(Solution.name))
        .order_by(func.count().desc())
        .limit(limit)
    ).all()
    return [{"slug": slug, "name": name, "views": int(views)} for slug, name, views in rows]


def zero_result_searches(
    session: Session, actor: Actor | None, *, days: Any = 30, limit: int = 20
) -> list[dict[str, Any]]:
    """What people searched for and did not find (platform admins)."""
    require_platform_admin(actor, "platform_analytics")
    start = utcnow() - timedelta(days=_days(days))
    rows = session.exec(
        select(AnalyticsEvent.detail, func.count().label("n"))
        .where(
            AnalyticsEvent.kind == AnalyticsKind.SEARCH,
            AnalyticsEvent.results == 0,
            AnalyticsEvent.detail != "",
            col(AnalyticsEvent.created_at) >= start,
        )
        .group_by(col(AnalyticsEvent.detail))
        .order_by(func.count().desc())
        .limit(limit)
    ).all()
    return [{"query": query, "searches": int(n)} for query, n in rows]


def to_csv(rows: list[dict[str, Any]]) -> str:
    """Rows as CSV text (the header from the first row's keys)."""
    if not rows:
        return ""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        # Neutralise spreadsheet formulas in user-provided text (CSV injection).
        writer.writerow(
            {k: ("'" + v if isinstance(v, str) and v[:1] in "=+-@" else v) for k, v in row.items()}
        )
    return out.getvalue()
