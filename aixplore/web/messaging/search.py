"""Search in my conversations, above the list on /messages (its own small state: the page's
main state is saved on every live event)."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from aixplore.core.db import read_scope
from aixplore.core.errors import DomainError
from aixplore.domain.messaging import search
from aixplore.web import kit
from aixplore.web.feedback import answer_error
from aixplore.web.session import current_actor


class MessageSearchState(rx.State):
    """The last search's results (the service re-checks who asks, and reads only theirs)."""

    hits: list[dict[str, Any]] = []
    searched: str = ""

    @rx.event
    async def search(self, form: Any):
        """Search my conversations for the words in the form."""
        actor = await current_actor(self)
        words = form.get("q") if isinstance(form, dict) else None
        try:
            with read_scope() as db:
                found = search.search_my_messages(db, actor, words)
        except DomainError as exc:
            return answer_error(exc, next_path="/messages")
        self.searched = str(words).strip()
        self.hits = [
            {
                "href": f"/messages/{h.conversation_id}",
                "where": f"{h.sender_name} in {h.conversation_title}",
                "excerpt": h.excerpt,
                "when": h.created_at.strftime("%Y-%m-%d %H:%M UTC"),
            }
            for h in found
        ]
        return None

    @rx.event
    def clear(self):
        """Put the results away."""
        self.hits, self.searched = [], ""


def _hit(h: ObjectVar[dict[str, Any]]) -> rx.Component:
    return rx.el.li(
        rx.link(
            rx.text(h["where"], size="1", color=rx.color("gray", 11)),
            rx.text(h["excerpt"], size="2", overflow_wrap="anywhere"),
            href=h["href"].to(str),
            underline="none",
            color=rx.color("gray", 12),
            display="block",
            padding="0.4em",
        ),
    )


def message_search() -> rx.Component:
    """The search box, and what the last search found."""
    return rx.vstack(
        kit.inline_form(
            kit.search_box("Search my messages", "q", placeholder="Search messages"),
            rx.button(rx.icon("search", size=16, aria_hidden="true"), "Search", type="submit"),
            on_submit=MessageSearchState.search,
            role="search",
        ),
        rx.cond(
            MessageSearchState.searched != "",
            rx.vstack(
                rx.hstack(
                    rx.text(
                        MessageSearchState.hits.length(),  # type: ignore[attr-defined]
                        kit.counted(MessageSearchState.hits.length(), "result"),  # type: ignore[attr-defined]
                        " for “",
                        MessageSearchState.searched,
                        "”",
                        size="2",
                        role="status",
                        flex="1",
                    ),
                    rx.button(
                        "Clear", on_click=MessageSearchState.clear, variant="ghost", size="1"
                    ),
                    width="100%",
                    align="center",
                ),
                rx.el.ul(
                    rx.foreach(MessageSearchState.hits, _hit),
                    class_name="item-list",
                    aria_label="Search results",
                ),
                spacing="1",
                width="100%",
            ),
        ),
        spacing="2",
        width="100%",
        margin_bottom="1em",
    )
