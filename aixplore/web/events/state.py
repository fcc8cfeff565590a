"""States of the event pages: the list (upcoming or past, from the URL), one event, the form."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import reflex as rx

from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import DomainError, PermissionDenied, ValidationFailed
from aixplore.domain.events import services as events
from aixplore.domain.events.models import (
    MAX_CAPACITY,
    EventDetail,
    EventPublic,
    RsvpStatus,
    zone,
)
from aixplore.domain.groups import events as group_events
from aixplore.domain.groups import services as groups
from aixplore.domain.solutions import services as solutions
from aixplore.domain.solutions.models import SolutionStatus
from aixplore.web.events.cards import EVENTS, Card, cards, detail, viewer_zone, zone_fields
from aixplore.web.feedback import answer_error, pick, toast_ok
from aixplore.web.session import acting, current_actor

BROWSER_TIMEZONE = "Intl.DateTimeFormat().resolvedOptions().timeZone"
NO_SOLUTION = "none"  # a select item cannot have an empty value
FIELDS = (
    "title",
    "description",
    "starts_at",
    "ends_at",
    "timezone",
    "online_url",
    "location",
    "capacity",
    "solution",
)
EMPTY: dict[str, str] = {
    "title": "",
    "description": "",
    "starts_at": "",
    "ends_at": "",
    "timezone": "",
    "online_url": "",
    "location": "",
    "capacity": "20",
    "solution": NO_SOLUTION,
}


def events_href(when: str, page: int = 1) -> str:
    """The list's URL for a tab and a page."""
    params = {"when": "past"} if when == "past" else {}
    if page > 1:
        params["page"] = str(page)
    return f"{EVENTS}?{urlencode(params)}" if params else EVENTS


def _local_input(value: datetime, zone_name: str) -> str:
    """A time as a datetime-local field shows it, in the event's zone."""
    return value.astimezone(zone(zone_name)).strftime("%Y-%m-%dT%H:%M")


class ViewerZoneState(rx.State):
    """The viewer's time zone, asked of the browser once per tab."""

    _zone: str = ""
    _asked: bool = False


async def known_viewer_zone(state: rx.State) -> tuple[str, bool]:
    """The viewer's zone ("" while unknown), and whether the browser must still be asked."""
    zones = await state.get_state(ViewerZoneState)
    ask = not zones._asked
    zones._asked = True
    return zones._zone, ask


async def remember_viewer_zone(state: rx.State, value: Any) -> str:
    """Keep the zone the browser named (its own when it is no real zone); return it."""
    zones = await state.get_state(ViewerZoneState)
    zones._zone = viewer_zone(value)
    return zones._zone


class EventsListState(rx.State):
    """Upcoming events or the archive, a page at a time; the URL says which."""

    items: list[Card] = []
    total: int = 0
    page: int = 1
    pages: int = 1
    when: str = "upcoming"
    prev_href: str = ""
    next_href: str = ""
    loaded: bool = False

    @rx.var
    def past(self) -> bool:
        """Whether the archive is shown."""
        return self.when == "past"

    @rx.event
    async def load(self):
        """Read the list the URL asks for (bad parameters fall back to the first page), in
        the viewer's zone once the browser has told it."""
        if await self._read():
            return rx.call_script(BROWSER_TIMEZONE, callback=EventsListState.set_viewer_timezone)
        return None

    @rx.event
    async def set_viewer_timezone(self, zone: Any) -> None:
        """Show the times in the viewer's zone (the event's own when it is no real zone)."""
        await remember_viewer_zone(self, zone)
        await self._read()  # the listing comes from the cache

    async def _read(self) -> bool:
        """Show the list the URL asks for; whether the browser must still be asked its zone."""
        params = self.router.url.query_parameters
        when = "past" if params.get("when") == "past" else "upcoming"
        raw = str(params.get("page", "1"))
        page = int(raw) if raw.isdigit() and 1 <= len(raw) <= 4 and int(raw) >= 1 else 1
        page = min(page, events.MAX_PAGE)
        # The session check keeps the shell's viewer fresh; the listing needs no actor.
        async with acting(self, also=lambda _viewer: events.listing_cache_keys(when, page)):
            with read_scope() as db:
                result = (
                    events.list_past(db, page=page)
                    if when == "past"
                    else (events.list_upcoming(db, page=page))
                )
        self.when, self.page, self.pages, self.total = when, page, result.pages, result.total
        zone_name, ask = await known_viewer_zone(self)
        self.items = cards(result, zone_name)
        self.prev_href = events_href(when, page - 1) if page > 1 else ""
        self.next_href = events_href(when, page + 1) if page < result.pages else ""
        self.loaded = True
        return ask


class EventPageState(rx.State):
    """One event; every handler re-checks the actor in the services."""

    found: bool = True
    loading: bool = True
    detail: dict[str, Any] = {}
    signed_in: bool = False

    def _event_id(self) -> int:
        raw = str(self.router.page.params.get("event_id", ""))
        return int(raw) if raw.isdigit() and len(raw) <= 10 else 0

    def _path(self) -> str:
        return f"{EVENTS}/{self._event_id()}"

    @rx.var
    def ics_href(self) -> str:
        """The calendar file of the event."""
        return f"/api/v1/events/{self.detail.get('id', 0)}.ics"

    @rx.var
    def ics_name(self) -> str:
        """The file name the browser saves the calendar file under."""
        return f"event-{self.detail.get('id', 0)}.ics"

    @rx.var
    def edit_href(self) -> str:
        """The organizer's form for this event."""
        return f"{EVENTS}/{self.detail.get('id', 0)}/edit"

    @rx.var
    def login_href(self) -> str:
        """Sign in, then come back here."""
        return f"/login?next={EVENTS}/{self.detail.get('id', 0)}"

    async def _show(self, event: EventDetail) -> bool:
        """Show the event in the viewer's zone; whether the browser must still be asked."""
        zone_name, ask = await known_viewer_zone(self)
        self.detail = detail(event, zone_name)
        return ask

    @rx.event
    async def load(self):
        """Read the event in the URL, then ask the browser for its time zone."""
        self.loading = True
        actor = await current_actor(self)
        self.signed_in = actor is not None
        try:
            with session_scope() as db:
                detail = events.get_event(db, actor, self._event_id())
        except DomainError:
            self.found, self.loading, self.detail = False, False, {}
            return None
        self.found = True
        ask = await self._show(detail)
        self.loading = False
        if ask:
            return rx.call_script(BROWSER_TIMEZONE, callback=EventPageState.set_viewer_timezone)
        return None

    @rx.event
    async def set_viewer_timezone(self, zone: Any) -> None:
        """Show the times in the viewer's zone (the event's own when it is no real zone)."""
        zone_name = await remember_viewer_zone(self, zone)
        if self.detail:
            shown = {name: self.detail[name] for name in EventPublic.model_fields}
            self.detail = {
                **self.detail,
                **zone_fields(EventPublic.model_validate(shown), zone_name),
            }

    @rx.event
    async def rsvp(self):
        """Take a seat, or a place on the waitlist when the event is full."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                detail = events.do_rsvp(db, actor, self._event_id())
        except DomainError as exc:
            return answer_error(exc, next_path=self._path())
        await self._show(detail)
        if detail.my_status == RsvpStatus.GOING:
            return toast_ok("You are going. See you there!")
        return toast_ok(
            f"The event is full: you are #{detail.my_waitlist_position} on the waitlist. "
            "We will mail you if a seat comes free."
        )

    @rx.event
    async def cancel_rsvp(self):
        """Give the seat back (or leave the waitlist)."""
        actor = await current_actor(self)
        was_going = self.detail.get("my_status") == RsvpStatus.GOING
        try:
            with session_scope() as db:
                detail = events.do_cancel_rsvp(db, actor, self._event_id())
        except DomainError as exc:
            return answer_error(exc, next_path=self._path())
        await self._show(detail)
        return toast_ok(
            "Your seat is free for someone else." if was_going else "You left the waitlist."
        )

    @rx.event
    async def cancel_event(self):
        """Call the event off (organizer or platform admin)."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                detail = events.do_cancel_event(db, actor, self._event_id())
        except DomainError as exc:
            return answer_error(exc, next_path=self._path())
        await self._show(detail)
        return toast_ok("The event is cancelled; everyone who answered gets a mail.")


class EventFormState(rx.State):
    """Organize a new event, or edit the one in the URL (organizer or platform admin)."""

    form: dict[str, str] = dict(EMPTY)
    event_id: int = 0
    error: str = ""
    ready: bool = False
    my_solutions: list[list[str]] = []
    # The hosting group's name, for display only: saving reads the group from the URL
    # (/events/new?group=<slug>) and the service checks the host moderates it.
    group: str = ""

    @rx.var
    def editing(self) -> bool:
        """Whether an existing event is being edited."""
        return self.event_id > 0

    @rx.var
    def form_key(self) -> str:
        """Changes when the form must show another event's values."""
        return f"event-form-{self.event_id}"

    @rx.var
    def solution_options(self) -> list[list[str]]:
        """The actor's published solutions as (slug, name), after "no solution"."""
        return [[NO_SOLUTION, "No solution: a standalone event"], *self.my_solutions]

    def _url_event_id(self) -> int | None:
        """The event the page's URL edits (/events/<id>/edit), or None on /events/new.

        Saving follows the URL, never a var held in state: a state var could still say "new"
        (a refused load leaves it) while the form shows someone else's event.
        """
        if "event_id" not in self.router.page.params:
            return None
        raw = str(self.router.page.params.get("event_id") or "")
        return int(raw) if raw.isdigit() and len(raw) <= 10 else -1

    def _url_group(self) -> str:
        """The group /events/new?group=<slug> hosts the new event for ("" for none)."""
        return str(self.router.url.query_parameters.get("group", ""))[:60]

    @rx.event
    async def load(self):
        """Open a blank form, or the event named in the URL when the viewer may edit it."""
        self.error, self.ready = "", False
        actor = await current_actor(self)
        url_id = self._url_event_id()
        host = self._url_group() if url_id is None else ""
        raw = "" if url_id is None else str(url_id)
        event_id = max(url_id or 0, 0)
        self.event_id = event_id
        try:
            with session_scope() as db:
                mine = solutions.list_publisher_solutions(db, actor, actor.user_id) if actor else []
                detail = events.get_event(db, actor, event_id) if raw else None
                self.group = groups.get_group(db, actor, host).name if host else ""
        except DomainError as exc:
            return [*answer_error(exc, next_path=EVENTS), rx.redirect(EVENTS)]
        self.my_solutions = [[s.slug, s.name] for s in mine if s.status == SolutionStatus.PUBLISHED]
        if detail is None:
            wanted = str(self.router.url.query_parameters.get("solution", ""))[:80]
            slugs = {slug for slug, _ in self.my_solutions}
            self.event_id = 0
            zone_name, _ = await known_viewer_zone(self)  # known already when the tab saw an event
            self.form = {
                **EMPTY,
                "solution": wanted if wanted in slugs else NO_SOLUTION,
                "timezone": zone_name,
            }
            self.ready = True
            if zone_name:
                return None
            return rx.call_script(BROWSER_TIMEZONE, callback=EventFormState.set_browser_timezone)
        if not detail.can_manage:
            return [
                *answer_error(PermissionDenied("Only the organizer can edit this event.")),
                rx.redirect(f"{EVENTS}/{detail.id}"),
            ]
        if detail.solution_slug and detail.solution_slug not in {s for s, _ in self.my_solutions}:
            self.my_solutions.append([detail.solution_slug, detail.solution_name])
        self.event_id = detail.id
        self.form = {
            "title": detail.title,
            "description": detail.description_md,
            "starts_at": _local_input(detail.starts_at, detail.timezone),
            "ends_at": _local_input(detail.ends_at, detail.timezone),
            "timezone": detail.timezone,
            "online_url": detail.online_url,
            "location": detail.location,
            "capacity": str(detail.capacity),
            "solution": detail.solution_slug or NO_SOLUTION,
        }
        self.ready = True
        return None

    @rx.event
    async def set_browser_timezone(self, zone: Any) -> None:
        """Start a new event in the organizer's own time zone (when the browser sent one)."""
        zone_name = await remember_viewer_zone(self, zone)
        if zone_name and not self.form.get("timezone") and not self.editing:
            self.form = {**self.form, "timezone": zone_name}

    @rx.event
    async def save(self, form_data: dict):
        """Create the event or save the changes, then show its page."""
        self.error = ""
        data = pick(form_data, *FIELDS)
        if isinstance(data, dict):
            self.form = {**self.form, **{k: str(v) for k, v in data.items()}}
            capacity = data.get("capacity", "")
            if not (isinstance(capacity, str) and capacity.isdigit() and len(capacity) <= 6):
                exc = ValidationFailed(
                    f"Capacity must be a whole number from 1 to {MAX_CAPACITY:,}.",
                    field="capacity",
                )
                self.error = exc.message
                return answer_error(exc)
            data["capacity"] = int(capacity)
            if data.get("solution") == NO_SOLUTION:
                data["solution"] = ""
        actor = await current_actor(self)
        editing = self._url_event_id()
        try:
            with session_scope() as db:
                if editing is not None:  # the services refuse anyone but the organizer
                    detail = events.do_update_event(db, actor, editing, data)
                elif host := self._url_group():  # only the group's moderators may
                    detail = group_events.do_host_event(db, actor, host, data)
                else:
                    detail = events.do_create_event(db, actor, data)
        except DomainError as exc:
            self.error = exc.message
            here = f"{EVENTS}/{editing}/edit" if editing is not None else f"{EVENTS}/new"
            return answer_error(exc, next_path=here)
        created = editing is None
        return [
            toast_ok("Your event is published." if created else "Changes saved."),
            rx.redirect(f"{EVENTS}/{detail.id}"),
        ]
