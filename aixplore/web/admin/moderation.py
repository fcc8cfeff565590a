"""/admin/moderation: the inbox of reported things and open appeals (platform admins).

Every handler re-checks the moderator in the service layer; the target is named by the
item's kind and id, both checked there too.
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from aixplore.core.db import session_scope
from aixplore.core.errors import DomainError
from aixplore.domain.moderation import actions, inbox
from aixplore.domain.moderation.models import ACTION_LABELS, ActionKind
from aixplore.web import kit
from aixplore.web.feedback import answer_error, toast_ok
from aixplore.web.layout import admin_template
from aixplore.web.session import current_actor

GRAY = rx.color("gray", 11)
WHEN = "%d %b %Y %H:%M"


class ModerationState(rx.State):
    """Reported targets by status and open appeals."""

    items: list[dict[str, Any]] = []
    appeals: list[dict[str, Any]] = []
    status: str = "open"
    allowed: bool = False
    _notes: dict[str, str] = {}

    async def _reload(self) -> None:
        actor = await current_actor(self)
        with session_scope() as db:
            rows = inbox.list_inbox(db, actor, status=self.status)
            cases = inbox.list_open_appeals(db, actor)
        self.items = [
            {
                **item.model_dump(mode="json", exclude={"reports"}),
                "key": f"{item.kind}:{item.target_id}",
                "reports": [
                    {**r.model_dump(mode="json"), "date": r.created_at.strftime(WHEN)}
                    for r in item.reports
                ],
            }
            for item in rows
        ]
        self.appeals = [
            {**c.model_dump(mode="json"), "date": c.created_at.strftime(WHEN)} for c in cases
        ]
        self.allowed = True

    @rx.event
    async def load(self):
        """Open the inbox."""
        self.status = "open"
        try:
            await self._reload()
        except DomainError as exc:
            self.allowed, self.items, self.appeals = False, [], []
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
    def set_note(self, key: str, note: str) -> None:
        """Remember the public note typed for an item (sent with the decision)."""
        if isinstance(key, str) and len(key) <= 80 and isinstance(note, str):
            self._notes[key] = note[:500]

    @rx.event
    async def act(self, kind: str, target_id: int, action: str):
        """Decide on a reported target with the note typed for it."""
        note = self._notes.pop(f"{kind}:{target_id}", "") if isinstance(kind, str) else ""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                actions.do_act(db, actor, kind, target_id, {"action": action, "note": note})
            await self._reload()
        except DomainError as exc:
            return answer_error(exc, next_path="/admin/moderation")
        return toast_ok(f"{ACTION_LABELS[ActionKind(action)]}.")

    @rx.event
    async def decide(self, appeal_id: int, decision: str):
        """Uphold or overturn an appeal."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                actions.do_decide_appeal(db, actor, appeal_id, decision)
            await self._reload()
        except DomainError as exc:
            return answer_error(exc, next_path="/admin/moderation")
        return toast_ok("Appeal decided; the person was told.")


def _decisions(item: ObjectVar[dict[str, Any]]) -> rx.Component:
    kind, tid, label = item["kind"].to(str), item["target_id"].to(int), item["kind_label"].to(str)

    def act(text: str, action: str, tone: Any) -> rx.Component:
        # "Hide review", "Restore profile": the kind in the name tells a screen reader what.
        name: Any = f"{text} " + label if action in ("hide", "restore") else text
        return kit.action(
            text,
            ModerationState.act(kind, tid, action),
            tone=tone,
            size="2",
            type="button",
            aria_label=name,
        )

    return kit.actions(
        kit.toggle(
            item["hidden"],
            act("Restore", "restore", "positive"),
            act("Hide", "hide", "danger"),
        ),
        act("Delete", "delete", "danger"),
        act("Warn", "warn", "neutral"),
        act("Strike", "strike", "neutral"),
        act("Suspend 7 days", "suspend", "danger"),
        rx.cond(~item["hidden"], act("Dismiss reports", "dismiss", "neutral")),
        spacing="2",
    )


def _report_line(r: ObjectVar[dict[str, Any]]) -> rx.Component:
    return rx.el.li(
        rx.badge(r["reason_label"], color_scheme="red"),
        " ",
        rx.text.span("by ", r["reporter_name"], size="2"),
        rx.cond(r["trusted"], rx.badge("Trusted", color_scheme="green", margin_left="0.4em")),
        rx.text.span(" · ", r["date"], size="1", color=GRAY),
        rx.cond(r["note"] != "", rx.text("“", r["note"], "”", size="2", font_style="italic")),
    )


def _item(item: ObjectVar[dict[str, Any]]) -> rx.Component:
    key = item["key"].to(str)
    return kit.tile(
        kit.actions(
            rx.badge(item["kind_label"], color_scheme="violet"),
            rx.link(item["title"], href=item["link"].to(str), weight="medium"),
            kit.flag_badge(item["hidden"], ("Hidden", "gray")),
            spacing="3",
        ),
        rx.box(
            rx.text(item["snippet"], size="2", white_space="pre-wrap"),
            padding="0.6em",
            background=rx.color("gray", 2),
            border_radius="8px",
            width="100%",
        ),
        rx.el.ul(rx.foreach(item["reports"].to(list[dict[str, Any]]), _report_line)),
        rx.cond(
            ModerationState.status == "open",
            rx.vstack(
                rx.input(
                    placeholder="Public note for the moderation log (optional)",
                    max_length=500,
                    aria_label="Moderation note",
                    width="100%",
                    on_blur=lambda v: ModerationState.set_note(key, v),
                ),  # type: ignore[call-arg]
                _decisions(item),
                width="100%",
            ),
            rx.cond(item["hidden"], _decisions(item)),
        ),
        spacing="3",
    )


def _appeal(c: ObjectVar[dict[str, Any]]) -> rx.Component:
    aid = c["appeal_id"].to(int)
    return kit.tile(
        rx.text(
            rx.text.strong(c["action_label"]),
            ": ",
            c["subject"],
            " · ",
            c["reason_label"],
            size="2",
        ),
        rx.text("“", c["appeal_body"], "”", size="2", font_style="italic"),
        kit.actions(
            kit.action("Overturn", ModerationState.decide(aid, "overturn"), tone="positive"),
            kit.action("Uphold", ModerationState.decide(aid, "uphold"), tone="neutral"),
        ),
        spacing="2",
    )


@admin_template("Moderation", "/admin/moderation", ModerationState.allowed)
def moderation_page() -> rx.Component:
    """The moderation inbox."""
    m = ModerationState
    return rx.vstack(
        kit.page_header("Moderation inbox"),
        rx.cond(
            m.appeals.length() > 0,  # pyright: ignore[reportAttributeAccessIssue]
            rx.vstack(
                rx.heading("Open appeals", as_="h2", size="4"),
                rx.foreach(m.appeals, _appeal),
                width="100%",
            ),
        ),
        rx.heading("Reports", as_="h2", size="4"),
        rx.segmented_control.root(
            rx.segmented_control.item("Open", value="open"),
            rx.segmented_control.item("Acted on", value="actioned"),
            rx.segmented_control.item("Dismissed", value="dismissed"),
            value=m.status,
            on_change=m.show,
            aria_label="Which reports",
        ),
        kit.when_any(
            m.items,
            rx.vstack(rx.foreach(m.items, _item), spacing="3", width="100%"),
            "Nothing here. Thank you for keeping the community honest.",
        ),
        spacing="4",
        width="100%",
    )
