"""Helpers for the messaging tests: people, handles and one unit of work per call."""

from __future__ import annotations

from typing import Any

from aixplore.core.db import session_scope
from aixplore.domain.accounts.models import Actor
from aixplore.domain.social.handles import ensure_profile


def handle(actor: Actor) -> str:
    """The person's handle."""
    with session_scope() as db:
        return ensure_profile(db, actor.user_id).handle


def run(action: Any, *args: Any, **kwargs: Any) -> Any:
    """Call a service in its own committed unit of work."""
    with session_scope() as db:
        return action(db, *args, **kwargs)
