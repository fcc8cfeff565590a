"""Who is signed in: a session token in a cookie, re-checked against the server every time."""

from __future__ import annotations

import contextlib
import urllib.parse
from collections.abc import AsyncIterator, Callable

import reflex as rx

from aixplore.core import cache, replica
from aixplore.core.db import session_scope
from aixplore.core.settings import get_settings
from aixplore.domain.accounts import actor_cache
from aixplore.domain.accounts import services as accounts
from aixplore.domain.accounts.models import Actor

COOKIE_NAME = "aixplore_session"


def handshake_token(cookie_header: str) -> str:
    """The session token in a ``Cookie`` header, such as the one the socket's handshake carried.

    The first ``aixplore_session`` wins, as the browser lists the most specific path first;
    the frontend stores the value URL-encoded.
    """
    for part in cookie_header.split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and name.strip() == COOKIE_NAME:
            return urllib.parse.unquote(value.strip().strip('"'))
    return ""


class SessionState(rx.State):
    """The signed-in viewer; display vars only, never proof of identity."""

    auth_token: str = rx.Cookie(
        "",
        name=COOKIE_NAME,
        path="/",
        max_age=get_settings().session_days * 24 * 3600,
        same_site="lax",
        secure=get_settings().base_url.startswith("https://"),
    )
    viewer_id: int = 0
    viewer_name: str = ""
    viewer_email: str = ""
    viewer_role: str = ""
    checked: bool = False
    # A handshake token the database refused (ended, expired): not looked up again.
    _refused_handshake: str = ""

    @rx.var
    def signed_in(self) -> bool:
        """Whether someone is signed in."""
        return self.viewer_id > 0

    @rx.var
    def is_admin(self) -> bool:
        """Whether the viewer is a platform admin (for display; the services re-check)."""
        return self.viewer_role == "platform_admin"

    @rx.var
    def publisher_href(self) -> str:
        """The viewer's publisher page."""
        return f"/publishers/{self.viewer_id}"

    @rx.var
    def viewer_initials(self) -> str:
        """Up to two initials for the avatar."""
        parts = self.viewer_name.split()
        return "".join(p[0] for p in parts[:2]).upper() or "?"

    def _client(self) -> tuple[str, str]:
        return self.router.session.client_ip or "", self.router.headers.user_agent or ""

    def _token(self) -> str:
        """The session token: the page's cookie, else the one the socket's handshake carried.

        Reflex sends cookie vars with a page's first event only. When a tab's state is lost
        while the page stays open (Redis restarted, or an idle state expired) the next event
        meets a fresh state whose cookie var is empty, and the visitor would look signed out
        until a reload. The browser sent the same cookie with the socket's handshake, and
        Reflex keeps that connection's headers: the token is read from there. It is only a
        token, checked against the database like any other: one whose session ended (sign-out
        in any tab, revocation, suspension) is refused and, remembered, not tried again.
        """
        if self.auth_token:
            return self.auth_token
        token = handshake_token(self.router.headers.cookie)
        return "" if token == self._refused_handshake else token

    def _actor(self) -> Actor | None:
        """Resolve the session token against the server-side session record.

        Checked on every event through the shared actor cache (buried on sign-out, revocation,
        suspension and any change to the user); the last-seen time is written once a minute.
        """
        token = self._token()
        actor = actor_cache.authenticate(token)
        if actor is None and token and not self.auth_token:
            self._refused_handshake = token
        self._show(actor)
        return actor

    def _show(self, actor: Actor | None) -> None:
        """Update the display vars; only changed ones are assigned, so an unchanged viewer
        sends no state delta to the browser."""
        if actor is None:
            shown: tuple[int, str, str, str] = (0, "", "", "")
        else:
            shown = (actor.user_id, actor.display_name, actor.email, actor.role.value)
        if shown != (self.viewer_id, self.viewer_name, self.viewer_email, self.viewer_role):
            self.viewer_id, self.viewer_name, self.viewer_email, self.viewer_role = shown
        if not self.checked:
            self.checked = True

    def _start(self, raw_token: str) -> None:
        self.auth_token = raw_token
        self._actor()

    def _current_path(self) -> str:
        return self.router.url.path or "/"

    @rx.event
    def refresh(self) -> None:
        """Re-read the viewer on every page load."""
        actor = self._actor()
        if actor is None and self.auth_token:
            self.auth_token = ""

    @rx.event
    def require_signed_in(self):
        """Page guard: send signed-out visitors to the sign-in page."""
        if self._actor() is None:
            self.auth_token = ""
            return rx.redirect(f"/login?next={self._current_path()}")
        return None

    @rx.event
    def sign_out(self):
        """End the session server-side and forget the cookie."""
        # The handshake's token too: were it another, still open session (the cookie was
        # replaced in another tab), this tab would otherwise fall back to it once signed out.
        handshake = handshake_token(self.router.headers.cookie)
        with session_scope() as db:
            ip, user_agent = self._client()
            for token in {self.auth_token, handshake} - {""}:
                accounts.do_sign_out(db, token, ip=ip, user_agent=user_agent)
        self.auth_token = ""
        self._refused_handshake = handshake
        self._show(None)
        return [rx.redirect("/"), rx.toast.info("You are signed out.", close_button=True)]


async def current_actor(state: rx.State) -> Actor | None:
    """The actor behind any state's browser session, checked against the database."""
    async with acting(state) as actor:
        return actor


@contextlib.asynccontextmanager
async def acting(
    state: rx.State, also: Callable[[int], list[str]] | None = None
) -> AsyncIterator[Actor | None]:
    """The actor behind ``state``'s session, for a block that calls the services for it.

    With Redis, the session's cache entry and the entries ``also(viewer id)`` names are read
    in one round trip that does not hold the event loop (``cache.prefetched``); the services
    called inside the block take them from there. The viewer id is the one shown so far (0
    for none), only a guess: a service uses a prefetched entry only if it is the one it would
    read for the actor found.
    """
    session = await state.get_state(SessionState)
    if not cache.shared():  # in-process entries: nothing to read ahead
        yield _acting_for(session._actor())
        return
    keys = actor_cache.cache_keys(session._token())
    if also is not None:
        keys += also(session.viewer_id)
    async with cache.prefetched(keys):
        yield _acting_for(session._actor())


def _acting_for(actor: Actor | None) -> Actor | None:
    """``actor``, now the one whose writes the read replica's guard waits for (core/replica)."""
    replica.acting_user.set(actor.user_id if actor is not None else None)
    return actor
