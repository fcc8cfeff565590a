"""Analytics pages with time series charts (recharts) and CSV export."""

from __future__ import annotations

from typing import Any

import reflex as rx

from aixplore.web import kit
from aixplore.web.analytics.state import PlatformAnalyticsState, SolutionAnalyticsState
from aixplore.web.layout import admin_template, found_page

# Visitors are dashed: on most days they are as many as the views, and a solid line would
# hide the views' line under it.
LINES = [
    ("views", "--violet-9", ""),
    ("clicks", "--cyan-9", ""),
    ("bookmarks", "--amber-9", ""),
    ("visitors", "--green-9", "5 4"),
]


def _stat(label: str, value: Any) -> rx.Component:
    return kit.tile(
        rx.text(label, size="1", color=rx.color("gray", 11)),
        rx.text(value, size="6", weight="bold"),
        spacing="0",
    )


def _chart(series: Any) -> rx.Component:
    return rx.box(
        rx.recharts.line_chart(
            *[
                # Drawn at once: Recharts' draw-in animation left the chart empty for its first
                # 1.5 s (and in any screenshot or print taken then).
                rx.recharts.line(
                    data_key=key,
                    stroke=f"var({color})",
                    stroke_width=2,
                    stroke_dasharray=dashes,
                    dot=False,
                    type_="monotone",
                    is_animation_active=False,
                )
                for key, color, dashes in LINES
            ],
            rx.recharts.x_axis(data_key="day"),
            rx.recharts.y_axis(allow_decimals=False),
            rx.recharts.cartesian_grid(stroke_dasharray="3 3"),
            rx.recharts.legend(),
            rx.recharts.graphing_tooltip(),
            data=series,
            width="100%",
            height=300,
        ),
        width="100%",
        role="img",
        aria_label="Daily views, clicks, bookmarks and unique visitors",
    )


def _stats(totals: Any) -> rx.Component:
    return rx.grid(
        _stat("Views", totals["views"]),
        _stat("Outbound clicks", totals["clicks"]),
        _stat("Bookmarks", totals["bookmarks"]),
        _stat("Visitor-days", totals["visitors"]),
        columns=rx.breakpoints(initial="2", md="4"),
        spacing="3",
        width="100%",
    )


def solution_analytics_page() -> rx.Component:
    """A publisher's view of one solution."""
    s = SolutionAnalyticsState
    return found_page(
        "Analytics",
        s.allowed,
        rx.heading("Analytics are for the publisher", as_="h1", size="6"),
        rx.heading("Analytics", as_="h1", size="7"),
        rx.link("Back to the solution", href="/solutions/" + s.slug, size="2"),
        rx.flex(
            rx.segmented_control.root(
                rx.segmented_control.item("7 days", value="7"),
                rx.segmented_control.item("30 days", value="30"),
                rx.segmented_control.item("90 days", value="90"),
                value=s.days_value,
                on_change=s.set_days,
                aria_label="Period",
            ),
            rx.spacer(),
            kit.download_button("Export CSV", s.export_csv),
            width="100%",
            spacing="2",
            wrap="wrap",
        ),
        _stats(s.totals),
        _chart(s.series),
        rx.text(
            "Visitors are counted per day from a keyed hash; we never store IP addresses, and browsers that send Do-Not-Track or Global Privacy Control are not counted.",
            size="1",
            color=rx.color("gray", 11),
        ),
    )


def _table(title: str, rows: Any, columns: list[tuple[str, str]], export: str) -> rx.Component:
    return kit.section(
        title,
        kit.data_table(
            rows,
            [
                kit.column(label, key, label_on_phone=i > 0)
                for i, (key, label) in enumerate(columns)
            ],
        ),
        actions=kit.download_button("CSV", PlatformAnalyticsState.export(export), size="1"),
        size="1",
    )


@admin_template("Platform analytics", "/admin/analytics", PlatformAnalyticsState.allowed)
def platform_analytics_page() -> rx.Component:
    """Platform-wide analytics for admins."""
    s = PlatformAnalyticsState
    return rx.vstack(
        kit.page_header(
            "Platform analytics",
            kit.download_button("Daily CSV", s.export("series")),
        ),
        _stats(s.totals),
        _chart(s.series),
        kit.two_columns(
            _table(
                "Most viewed solutions",
                s.top,
                [("name", "Solution"), ("views", "Views")],
                "top",
            ),
            _table(
                "Searches with no results",
                s.misses,
                [("query", "Words"), ("searches", "Searches")],
                "misses",
            ),
            md=True,
        ),
        spacing="4",
        width="100%",
    )
