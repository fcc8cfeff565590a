"""Analytics: no raw IPs, DNT honoured, series and rankings authorised, CSV safe."""

from __future__ import annotations

import pytest

from aixplore.core.db import session_scope
from aixplore.core.errors import PermissionDenied
from aixplore.domain.analytics import services as analytics
from aixplore.domain.analytics.models import AnalyticsEvent
from tests.factories import actor_for, make_admin, make_member, make_solution, sign_in


def test_visitor_ids_are_daily_pseudonyms_not_ips() -> None:
    from datetime import date

    a = analytics.visitor_id("203.0.113.9", "Firefox", date(2026, 1, 1))
    assert "203" not in a and len(a) == 16
    assert a == analytics.visitor_id("203.0.113.9", "Firefox", date(2026, 1, 1))
    assert a != analytics.visitor_id("203.0.113.9", "Firefox", date(2026, 1, 2))


def test_do_not_track_and_gpc_are_honoured() -> None:
    assert analytics.tracking_allowed({"User-Agent": "x"})
    assert not analytics.tracking_allowed({"DNT": "1"})
    assert not analytics.tracking_allowed({"sec-gpc": "1"})


def test_series_counts_by_day_and_only_the_publisher_or_admin_sees_them() -> None:
    owner, stranger, admin = make_member(), make_member(), make_admin()
    created = make_solution(owner.email)
    with session_scope() as db:
        for visitor in ("a", "a", "b"):
            analytics.do_record(db, kind="view", solution_id=created.id, visitor=visitor)
        analytics.do_record(db, kind="click", solution_id=created.id, visitor="a", detail="website")
        analytics.do_record(db, kind="search", detail="  Receipt   OCR ", results=0)
    as_owner, as_stranger, as_admin = (
        actor_for(sign_in(u.email)) for u in (owner, stranger, admin)
    )
    with session_scope() as db:
        series = analytics.solution_series(db, as_owner, created.slug, days=7)
        assert len(series) == 7
        assert series[-1] == {
            "day": series[-1]["day"],
            "views": 3,
            "clicks": 1,
            "bookmarks": 0,
            "visitors": 2,
        }
        with pytest.raises(PermissionDenied):
            analytics.solution_series(db, as_stranger, created.slug)
        with pytest.raises(PermissionDenied):
            analytics.top_solutions(db, as_owner)
        assert analytics.top_solutions(db, as_admin)[0]["views"] == 3
        assert analytics.zero_result_searches(db, as_admin) == [
            {"query": "receipt ocr", "searches": 1}
        ]
        assert db.exec(__import__("sqlmodel").select(AnalyticsEvent)).first().visitor in {"a", "b"}


def test_csv_export_neutralises_formulas() -> None:
    text = analytics.to_csv([{"query": '=HYPERLINK("http://evil")', "searches": 2}])
    assert text.splitlines() == ["query,searches", '"\'=HYPERLINK(""http://evil"")",2']


def test_activity_moves_a_solution_up_the_trending_order() -> None:
    from aixplore.domain.solutions.search import SearchQuery, search

    owner = make_member()
    quiet = make_solution(owner.email, name="Quiet One")
    busy = make_solution(owner.email, name="Busy One")
    with session_scope() as db:
        for _ in range(5):
            analytics.do_record(db, kind="view", solution_id=busy.id, visitor="v")
        analytics.do_record(db, kind="bookmark", solution_id=busy.id, visitor="v")
    with session_scope() as db:
        order = [c.slug for c in search(db, SearchQuery(sort="trending")).items]
    assert order.index(busy.slug) < order.index(quiet.slug)


def test_an_event_of_an_account_erased_before_the_queue_ran_is_dropped() -> None:
    from sqlmodel import func, select

    owner, viewer = make_member(), make_member()
    created = make_solution(owner.email)
    with session_scope() as db:
        analytics.do_record(db, kind="view", solution_id=created.id, user_id=viewer.id)
        analytics.do_record(db, kind="view", solution_id=created.id, user_id=10**9)
    with session_scope() as db:
        users = db.exec(select(AnalyticsEvent.user_id)).all()
        assert users == [viewer.id]
        assert db.exec(select(func.count()).select_from(AnalyticsEvent)).one() == 1
