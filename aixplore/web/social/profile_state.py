"""The profile page's state: one person's profile, their activity and their lists."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx
from sqlmodel import Session

from aixplore.core.db import session_scope
from aixplore.core.errors import DomainError, NotAuthenticated
from aixplore.domain.accounts.models import Actor
from aixplore.domain.social import connections, graph, profiles
from aixplore.domain.social.handles import ensure_profile
from aixplore.domain.social.models import FeedEntry, PersonCard, ProfilePublic, Relationship
from aixplore.domain.trading import board
from aixplore.web.events.cards import FACE_COLORS
from aixplore.web.feedback import answer_error, toast_ok
from aixplore.web.session import current_actor
from aixplore.web.trading.board_state import card_row

VISIBILITY_LABELS = {
    "public": "Public profile",
    "members": "Visible to members",
    "followers": "Visible to followers",
}


def face(user_id: int) -> str:
    """The generated avatar's colour: the person's, the same on every page."""
    return FACE_COLORS[user_id % len(FACE_COLORS)]


def person_row(card: PersonCard) -> dict[str, Any]:
    """A person as lists show them."""
    return {**card.model_dump(), "face": face(card.id), "href": f"/u/{card.handle}"}


def entry_row(entry: FeedEntry) -> dict[str, Any]:
    """A feed entry as the feed and the profile's activity show it."""
    return {
        "id": entry.id,
        "author": person_row(entry.author),
        "verb": entry.verb,
        "title": entry.title,
        "detail": entry.detail,
        "link": entry.link,
        "when": entry.created_at.strftime("%d %b %Y"),
        "iso": entry.created_at.isoformat(),
    }


class ProfilePageState(rx.State):
    """/u/<handle>: who the person is, what they did, who follows them."""

    found: bool = True
    refusal: str = ""
    handle: str = ""
    profile: dict[str, Any] = {}
    # Apart from ``profile``: a list inside an empty dict is undefined in the browser.
    links: list[dict[str, str]] = []
    bio_html: str = ""
    relation: dict[str, bool] = {}
    # "", "requested", "asked_me" or "connected" (Relationship.connection).
    connection: str = ""
    # Which sections the viewer may see (activity, network, connections).
    sections: dict[str, bool] = {}
    activity: list[dict[str, Any]] = []
    tab: str = "activity"
    people: list[dict[str, Any]] = []
    # The person's trader card (empty until they publish a signal).
    trader_card: dict[str, Any] = {}
    people_next: int = 0

    def _show(self, shown: ProfilePublic, db: Session, actor: Actor | None) -> None:
        self.handle = shown.person.handle
        self.profile = {
            **person_row(shown.person),
            "location": shown.location,
            "visibility": VISIBILITY_LABELS[shown.visibility.value],
            "joined": shown.joined_at.strftime("%B %Y"),
            "followers": shown.followers,
            "following": shown.following,
            "published": shown.published,
            "reviews": shown.reviews,
            "events_hosted": shown.events_hosted,
        }
        self.links, self.bio_html = [link.model_dump() for link in shown.links], shown.bio_html
        self._relate(shown.relationship)
        self.sections = shown.sections
        card = board.profile_trader_card(db, shown.person.id)
        self.trader_card = card_row(card) if card else {}
        self.activity = (
            [entry_row(e) for e in profiles.list_activity(db, actor, shown.person.handle)]
            if shown.sections.get("activity")
            else []
        )

    def _relate(self, relation: Relationship) -> None:
        self.relation = relation.model_dump(exclude={"connection"})
        self.connection = relation.connection

    @rx.event
    async def load(self):
        """Read the profile the address names (old handles move to the current one)."""
        actor = await current_actor(self)
        wanted = str(self.router.page.params.get("handle", ""))
        self.tab, self.people, self.people_next, self.refusal = "activity", [], 0, ""
        try:
            with session_scope() as db:
                if wanted == "me" and actor is not None:
                    return rx.redirect(f"/u/{ensure_profile(db, actor.user_id).handle}")
                shown, old = profiles.get_profile(db, actor, wanted)
                if old:
                    return rx.redirect(f"/u/{shown.person.handle}")
                self._show(shown, db, actor)
        except DomainError as exc:
            # The handle stays as asked: the buttons' services refuse with their own reason.
            self.found, self.profile, self.activity, self.links = False, {}, [], []
            self.bio_html, self.sections, self.trader_card = "", {}, {}
            self.handle, self.refusal = wanted[:40], exc.message
            return None
        self.found = True
        return None

    async def _relation_change(self, change: Callable[..., Relationship], done: str, *args: Any):
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                self._relate(change(db, actor, self.handle, *args))
        except NotAuthenticated as exc:
            return answer_error(exc, next_path=f"/u/{self.handle}")
        except DomainError as exc:
            return answer_error(exc)
        try:  # the figures moved; a followers-only profile may be closed to them now
            with session_scope() as db:
                shown, _old = profiles.get_profile(db, actor, self.handle)
                self._show(shown, db, actor)
        except DomainError as exc:
            self.found, self.profile, self.activity = False, {}, []
            self.links, self.bio_html, self.refusal = [], "", exc.message
        return toast_ok(done)

    @rx.event
    async def follow(self):
        """Follow this person."""
        return await self._relation_change(graph.do_follow, f"You follow @{self.handle} now.")

    @rx.event
    async def unfollow(self):
        """Stop following this person."""
        return await self._relation_change(graph.do_unfollow, f"You unfollowed @{self.handle}.")

    @rx.event
    async def block(self):
        """Block this person (follows both ways end)."""
        return await self._relation_change(graph.do_block, f"You blocked @{self.handle}.")

    @rx.event
    async def unblock(self):
        """Lift the block."""
        return await self._relation_change(graph.do_unblock, f"You unblocked @{self.handle}.")

    @rx.event
    async def set_muted(self, muted: Any):
        """Mute or unmute this person in the feed."""
        done = "Muted: their items leave your feed." if muted is True else "Unmuted."
        return await self._relation_change(graph.do_set_muted, done, muted)

    @rx.event
    async def connect(self):
        """Ask this person to connect (or accept their request)."""
        return await self._relation_change(
            connections.do_request_connection, f"Connection request sent to @{self.handle}."
        )

    @rx.event
    async def accept_connection(self):
        """Accept this person's connection request."""
        return await self._relation_change(
            connections.do_accept_connection, f"You are connected with @{self.handle}."
        )

    @rx.event
    async def decline_connection(self):
        """Decline this person's connection request."""
        return await self._relation_change(
            connections.do_decline_connection, "Connection request declined."
        )

    @rx.event
    async def remove_connection(self):
        """End the connection with this person, or withdraw the request."""
        return await self._relation_change(
            connections.do_remove_connection, f"No longer connected with @{self.handle}."
        )

    @rx.event
    async def show_tab(self, tab: Any):
        """Show the activity, the followers, the people followed or the connections."""
        if tab not in ("activity", "followers", "following", "connections"):
            return None
        self.tab, self.people, self.people_next = tab, [], 0
        if tab == "activity":
            return None
        return await self._read_people(None)

    @rx.event
    async def more_people(self):
        """The next page of the list shown."""
        if self.tab in ("followers", "following", "connections") and self.people_next:
            return await self._read_people(self.people_next)
        return None

    async def _read_people(self, before: int | None):
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                if self.tab == "connections":
                    page, after = connections.list_connections(
                        db, actor, self.handle, before=before
                    )
                else:
                    page, after = graph.list_people(db, actor, self.handle, self.tab, before=before)
        except DomainError as exc:
            return answer_error(exc)
        self.people = self.people + [person_row(p) for p in page]
        self.people_next = after or 0
        return None
