"""Analytics dashboards: a publisher's per solution, and the platform admins'."""

from __future__ import annotations

from typing import Any

import reflex as rx

from aixplore.core.db import session_scope
from aixplore.core.errors import DomainError
from aixplore.domain.analytics import services as analytics
from aixplore.web.feedback import answer_error
from aixplore.web.session import current_actor


def _totals(series: list[dict[str, Any]]) -> dict[str, int]:
    return {
        key: sum(int(row[key]) for row in series)
        for key in ("views", "clicks", "bookmarks", "visitors")
    }


class SolutionAnalyticsState(rx.State):
    """/analytics/[slug] for the publisher."""

    allowed: bool = False
    slug: str = ""
    days: int = 30
    series: list[dict[str, Any]] = []
    totals: dict[str, int] = {}

    @rx.var
    def days_value(self) -> str:
        """The period as the control's value."""
        return str(self.days)

    async def _reload(self) -> None:
        actor = await current_actor(self)
        with session_scope() as db:
            self.series = analytics.solution_series(db, actor, self.slug, days=self.days)
        self.totals = _totals(self.series)
        self.allowed = True

    @rx.event
    async def load(self):
        """Read the last 30 days."""
        self.slug = str(self.router.page.params.get("slug", ""))[:80]
        self.days = 30
        try:
            await self._reload()
        except DomainError as exc:
            self.allowed, self.series = False, []
            return answer_error(exc, next_path=f"/analytics/{self.slug}")
        return None

    @rx.event
    async def set_days(self, days: str | list[str]):
        """Look at 7, 30 or 90 days."""
        if days not in ("7", "30", "90"):
            return answer_error(DomainError("Choose 7, 30 or 90 days."))
        self.days = int(days)  # type: ignore[arg-type]
        try:
            await self._reload()
        except DomainError as exc:
            return answer_error(exc)
        return None

    @rx.event
    async def export_csv(self):
        """Download the series as CSV."""
        try:
            await self._reload()
        except DomainError as exc:
            return answer_error(exc)
        return rx.download(
            data=analytics.to_csv(self.series), filename=f"{self.slug}-analytics-{self.days}d.csv"
        )


class PlatformAnalyticsState(rx.State):
    """/admin/analytics for platform admins."""

    allowed: bool = False
    series: list[dict[str, Any]] = []
    totals: dict[str, int] = {}
    top: list[dict[str, Any]] = []
    misses: list[dict[str, Any]] = []

    @rx.event
    async def load(self):
        """Read the last 30 days."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                self.series = analytics.platform_series(db, actor, days=30)
                self.top = analytics.top_solutions(db, actor, days=30)
                self.misses = analytics.zero_result_searches(db, actor, days=30)
        except DomainError as exc:
            self.allowed = False
            return answer_error(exc, next_path="/admin/analytics")
        self.totals = _totals(self.series)
        self.allowed = True
        return None

    @rx.event
    async def export(self, which: str):
        """Download a table as CSV (re-checked: admins only)."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                if which == "series":
                    rows = analytics.platform_series(db, actor, days=30)
                elif which == "top":
                    rows = analytics.top_solutions(db, actor, days=30, limit=100)
                elif which == "misses":
                    rows = analytics.zero_result_searches(db, actor, days=30, limit=500)
                else:
                    raise DomainError("Unknown export.")
        except DomainError as exc:
            return answer_error(exc)
        return rx.download(data=analytics.to_csv(rows), filename=f"aixplore-{which}-30d.csv")
