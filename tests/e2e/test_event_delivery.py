"""A click sent into a connection that dies before the server reads it is sent again.

Playwright stands between the page and the server's event socket: it swallows the page's first
"bookmark" event, as a connection to an instance killed a moment earlier does, then drops the
connection. The page's front end (its ``state.js`` as ``web/event_delivery.py`` changes it)
has no acknowledgement for that event, so it sends it again on its next connection, and the
solution ends up bookmarked once. Without the change, the click is lost and the button stays
"Bookmark". tests/e2e/test_load_balancer_browser.py meets the same case for real, with an
instance killed behind nginx.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, WebSocketRoute, expect
from sqlmodel import select

from aixplore.core.db import session_scope
from aixplore.domain.discovery.models import Bookmark
from tests.e2e.helpers import sign_in_through_ui
from tests.factories import make_member, make_solution

pytestmark = pytest.mark.e2e

EVENT_SOCKET = re.compile(r"/_event/")


@pytest.mark.allow_console("WebSocket", "socket")
def test_a_click_lost_with_its_connection_is_sent_again(page: Page, app_url: str) -> None:
    member = make_member(name="Ines Resend")
    solution = make_solution(make_member().email, name="Tide Tables")
    sign_in_through_ui(page, app_url, member.email)
    swallowed: list[str] = []
    connections: list[WebSocketRoute] = []

    def through(socket: WebSocketRoute) -> None:
        connections.append(socket)
        server = socket.connect_to_server()

        def from_page(message: str | bytes) -> None:
            if not swallowed and isinstance(message, str) and "toggle_bookmark" in message:
                swallowed.append(message)  # never reaches the server ...
                socket.close(code=1011, reason="instance gone")  # ... whose connection dies
                return
            server.send(message)

        socket.on_message(from_page)

    page.route_web_socket(EVENT_SOCKET, through)
    page.goto(f"{app_url}/solutions/{solution.slug}")
    expect(page.get_by_role("button", name="Bookmark", exact=True)).to_be_visible()
    page.get_by_role("button", name="Bookmark", exact=True).click()

    expect(page.get_by_role("button", name="Bookmarked")).to_be_visible(timeout=15_000)
    assert len(swallowed) == 1, "the first send was swallowed"
    assert len(connections) >= 2, "the page connected again"
    with session_scope() as db:
        rows = db.exec(
            select(Bookmark).where(
                Bookmark.user_id == member.id, Bookmark.solution_id == solution.id
            )
        ).all()
    assert len(rows) == 1, "bookmarked once"
