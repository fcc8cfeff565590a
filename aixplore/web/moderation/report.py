"""The Report action: one popover form for anything reportable (reviews, solutions, profiles,
events, forum posts, groups), sent to the moderation inbox."""

from __future__ import annotations

from typing import Any

import reflex as rx

from aixplore.core.db import session_scope
from aixplore.core.errors import DomainError
from aixplore.domain.moderation import reports
from aixplore.domain.moderation.models import REASON_LABELS
from aixplore.domain.moderation.registry import kind_of
from aixplore.web.feedback import answer_error, pick, toast_ok
from aixplore.web.session import current_actor


def _target_id(raw: Any) -> Any:
    """The hidden field's id as a number (a form sends text); anything else as it came."""
    if isinstance(raw, str) and raw.isdigit() and len(raw) < 19:
        return int(raw)
    return raw


class ReportState(rx.State):
    """Sends reports; the kind and id come from the form's hidden fields, checked below."""

    reasons: list[list[str]] = [[k.value, v] for k, v in REASON_LABELS.items()]

    @rx.event
    async def report(self, form_data: dict):
        """Report the target the form names (its hidden ``kind`` and ``target_id``)."""
        actor = await current_actor(self)
        fields = form_data if isinstance(form_data, dict) else {}
        kind, target_id = fields.get("kind"), _target_id(fields.get("target_id"))
        here = self.router.page.path or "/"
        try:
            label = kind_of(kind).label
            with session_scope() as db:
                reports.do_report(db, actor, kind, target_id, pick(form_data, "reason", "note"))
        except DomainError as exc:
            return answer_error(exc, next_path=here)
        return toast_ok(f"Thanks. A moderator will look at this {label}.")


def report_popover(kind: str, target_id: Any, *, size: Any = "1", label: str = "") -> rx.Component:
    """A "Report" button opening the report form for one target (``target_id``: a var).

    ``label`` names the kind for readers where its name is not a word ("forum_post": "post").
    """
    what = label or kind
    return rx.popover.root(
        rx.popover.trigger(
            rx.button(
                rx.icon("flag", size=14, aria_hidden="true"),
                "Report",
                size=size,
                variant="ghost",
                color_scheme="gray",
                # Several on one page (the solution and each review): each names its target.
                aria_label=f"Report {what}",
            )
        ),
        rx.popover.content(
            rx.form(
                rx.vstack(
                    rx.text(
                        f"Why should a moderator look at this {what}?", size="2", weight="medium"
                    ),
                    rx.select.root(
                        rx.select.trigger(placeholder="Choose a reason", aria_label="Reason"),
                        rx.select.content(
                            rx.foreach(
                                ReportState.reasons, lambda r: rx.select.item(r[1], value=r[0])
                            )
                        ),
                        name="reason",
                        required=True,
                    ),
                    rx.text_area(
                        name="note",
                        placeholder="Anything else (optional)",
                        max_length=500,
                        aria_label="Note",
                    ),
                    # Hidden fields: a form's callback cannot name a loop's item (rx.foreach).
                    rx.el.input(type="hidden", name="kind", value=kind),
                    rx.el.input(type="hidden", name="target_id", value=target_id.to(str)),
                    rx.popover.close(rx.button("Send report", type="submit", size="2")),
                    spacing="2",
                ),
                on_submit=ReportState.report,
            ),
            width="300px",
        ),
    )
