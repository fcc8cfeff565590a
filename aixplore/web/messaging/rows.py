"""The rows /messages shows: a conversation in the list, a message in the open one."""

from __future__ import annotations

from typing import Any

from aixplore.domain.messaging.models import ConversationSummary, MessagePublic

EXCERPT = 80


def summary_row(c: ConversationSummary) -> dict[str, Any]:
    """A conversation as the list shows it."""
    return {
        "id": c.id,
        "title": c.title,
        "kind": c.kind,
        "unread": c.unread,
        "muted": c.muted,
        "members": c.members,
        "href": f"/messages/{c.id}",
    }


def message_row(m: MessagePublic, me: int) -> dict[str, Any]:
    """A message as the open conversation shows it to member ``me``."""
    return {
        "seq": m.seq,
        "sender": m.sender_name,
        "mine": m.sender_id == me,
        "id": m.id,
        "body": (
            "This message was deleted."
            if m.deleted
            else "Hidden by the moderators."
            if m.hidden
            else m.body
        ),
        "deleted": m.deleted or m.hidden,
        "edited": m.edited,
        "reply_to": m.reply_to_seq or 0,
        "reply_excerpt": "",
        "when": m.created_at.strftime("%Y-%m-%d %H:%M UTC"),
        "image": m.image_url,
        "image_width": m.image_width,
        "image_height": m.image_height,
    }


def excerpt(text: str) -> str:
    """The start of ``text``, at most :data:`EXCERPT` characters."""
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"


def number(value: Any) -> int | None:
    """A message sequence number from a handler's argument, or None."""
    if (
        isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31
    ):  # 32-bit columns
        return value
    return None


def with_excerpts(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each reply row with the excerpt of the message it answers (when that is shown)."""
    bodies = {r["seq"]: r["body"] for r in rows}
    for r in rows:
        if r["reply_to"]:
            r["reply_excerpt"] = excerpt(bodies.get(r["reply_to"], "an earlier message"))
    return rows
