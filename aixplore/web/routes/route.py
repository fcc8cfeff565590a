"""What a page of the app is made of, and the handlers most pages run when they open."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import reflex as rx

from aixplore.web.session import SessionState

refresh = SessionState.refresh
guard = SessionState.require_signed_in
DESCRIPTION = "Discover AI solutions, order custom apps built from them, and meet their community."


@dataclass(frozen=True)
class Route:
    """One page: its path, component, title and the handlers that run when it opens."""

    path: str
    component: Callable[[], rx.Component]
    title: str
    on_load: list[Any] = field(default_factory=list)
    description: str | None = None
