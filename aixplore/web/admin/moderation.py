"""/admin/moderation: the queue of reported reviews (platform admins)."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from aixplore.core.db import session_scope
from aixplore.core.errors import DomainError
from aixplore.domain.reviews import moderation
from aixplore.web import kit
from aixplore.web.feedback import answer_error, toast_ok
from aixplore.web.layout import admin_template
from aixplore.web.session import current_actor

GRAY = rx.color("gray", 11)


class ModerationState(rx.State):
    """Reports by status; every action re-checks the admin in the service layer."""

    reports: list[dict[str, Any]] = []
    status: str = "open"
    allowed: bool = False
    _notes: dict[int, str] = {}

    async def _reload(self) -> None:
        actor = await current_actor(self)
        with session_scope() as db:
            rows = moderation.list_reports(db, actor, status=self.status)
        self.reports = [
            {**r.model_dump(mode="json"), "date": r.created_at.strftime("%d %b %Y %H:%M")}
            for r in rows
        ]
        self.allowed = True

    @rx.event
    async def load(self):
        """Open the queue."""
        self.status = "open"
        try:
            await self._reload()
        except DomainError as exc:
            self.allowed, self.reports = False, []
            return answer_error(exc, next_path="/admin/moderation")
        return None

    @rx.event
    async def show(self, status: str | list[str]):
        """Switch between open, actioned and dismissed reports."""
        if not isinstance(status, str) or status not in ("open", "actioned", "dismissed"):
            return answer_error(DomainError("Unknown status."))
        self.status = status
        try:
            await self._reload()
        except DomainError as exc:
            return answer_error(exc, next_path="/admin/moderation")
        return None

    @rx.event
    def set_note(self, report_id: int, note: str) -> None:
        """Remember the note typed for a report (sent with the action)."""
        if isinstance(report_id, int) and isinstance(note, str):
            self._notes[report_id] = note[:500]

    @rx.event
    async def moderate(self, report_id: int, action: str):
        """Hide the review, dismiss the report, or restore a hidden review, with the note."""
        note = self._notes.pop(report_id, "") if isinstance(report_id, int) else ""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                moderation.do_moderate(db, actor, report_id, action, note)
            await self._reload()
        except DomainError as exc:
            return answer_error(exc, next_path="/admin/moderation")
        return toast_ok(
            {
                "hide": "Review hidden.",
                "dismiss": "Report dismissed.",
                "restore": "Review restored.",
            }.get(action, "Done.")
        )


def _decision(rid: Any, hidden: Any) -> rx.Component:
    def act(label: str, action: str, tone: Any) -> rx.Component:
        return kit.action(
            label, ModerationState.moderate(rid, action), tone=tone, size="2", type="button"
        )

    return kit.toggle(
        hidden,
        act("Restore review", "restore", "positive"),
        kit.actions(
            act("Hide review", "hide", "danger"), act("Dismiss report", "dismiss", "neutral")
        ),
    )


def _report(r: ObjectVar[dict[str, Any]]) -> rx.Component:
    rid = r["id"].to(int)
    return kit.tile(
        kit.actions(
            rx.badge(r["reason_label"], color_scheme="red"),
            rx.text(
                "on ",
                rx.link(r["solution_name"], href="/solutions/" + r["solution_slug"].to(str)),
                size="2",
            ),
            rx.text("by ", r["reporter_name"], " · ", r["date"], size="1", color=GRAY),
            spacing="3",
        ),
        rx.cond(
            r["note"] != "",
            rx.text("“", r["note"], "”", size="2", style={"fontStyle": "italic"}),
        ),
        rx.box(
            rx.text(r["review_rating"], "★ ", rx.text.strong(r["review_title"]), size="2"),
            rx.text(r["review_body"], size="2", white_space="pre-wrap"),
            kit.flag_badge(r["review_hidden"], ("Hidden", "gray")),
            padding="0.6em",
            background=rx.color("gray", 2),
            border_radius="8px",
            width="100%",
        ),
        kit.actions(
            rx.input(
                placeholder="Note for the log (optional)",
                max_length=500,
                aria_label="Moderation note",
                flex="1",
                min_width="200px",
                on_blur=lambda v: ModerationState.set_note(rid, v),
            ),  # type: ignore[call-arg]
            _decision(rid, r["review_hidden"]),
            width="100%",
        ),
        spacing="3",
    )


@admin_template("Moderation", "/admin/moderation", ModerationState.allowed)
def moderation_page() -> rx.Component:
    """The moderation queue."""
    m = ModerationState
    return rx.vstack(
        kit.page_header("Reported reviews"),
        rx.segmented_control.root(
            rx.segmented_control.item("Open", value="open"),
            rx.segmented_control.item("Hidden", value="actioned"),
            rx.segmented_control.item("Dismissed", value="dismissed"),
            value=m.status,
            on_change=m.show,
            aria_label="Which reports",
        ),
        kit.when_any(
            m.reports,
            rx.vstack(rx.foreach(m.reports, _report), spacing="3", width="100%"),
            "Nothing here. Thank you for keeping the reviews honest.",
        ),
        spacing="4",
        width="100%",
    )
