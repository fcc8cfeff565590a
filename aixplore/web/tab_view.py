"""What this worker last knew of a tab's page, to pass over live notices that change nothing.

Applying a live notice (``web/live.py``) takes the tab's state lock: with Redis, a lock, a read
and a write of the tab's state, even when the notice turns out to change nothing (the sender's
own message, already shown by its send; a read receipt for a conversation the tab does not
show). The tab's listener records here the page it serves, and the messaging state records the
open conversation and how far it has read, so :func:`wanted` can pass over such notices before
taking the lock.

This is a hint kept by the one worker that holds the tab's socket (the listener runs only
there, and so do the tab's handlers). Where it knows nothing, or may be behind, every notice is
wanted: it can only save work, never hide a change. Entries live as long as their listener.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class TabView:
    """A tab's page as its listener last saw it."""

    generation: int
    path: str
    open_id: int = 0  # the conversation shown on /messages (0: none, or not known)
    cursor: int = 0  # the last change of it the tab shows
    first_id: int = 0  # the conversation at the top of the tab's list


_views: dict[str, TabView] = {}


def start(token: str, generation: int, path: str) -> None:
    """A listener of ``generation`` starts for the tab on ``path``."""
    _views[token] = TabView(generation, path.rstrip("/"))


def end(token: str, generation: int) -> None:
    """That listener ended (a newer one keeps its own view)."""
    found = _views.get(token)
    if found is not None and found.generation == generation:
        del _views[token]


def note(token: str, *, open_id: int, cursor: int, first_id: int) -> None:
    """The tab's messaging state now shows this (ignored while no listener runs for it)."""
    found = _views.get(token)
    if found is not None:
        found.open_id, found.cursor, found.first_id = open_id, cursor, first_id


def wanted(token: str, item: dict[str, Any]) -> bool:
    """Whether applying ``item`` could change what the tab shows."""
    found = _views.get(token)
    kind = item.get("kind")
    if found is None or kind not in ("message", "read", "typing"):
        return True
    if not found.path.startswith("/messages"):
        return False  # only the messages page shows conversations
    about = item.get("conversation")
    if kind != "message":
        return not found.open_id or about == found.open_id
    seq = item.get("seq")
    shown = (
        found.open_id
        and about == found.open_id
        and isinstance(seq, int)
        and seq <= found.cursor
        and found.first_id == found.open_id
    )
    return not shown
