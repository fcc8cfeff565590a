"""/events, /events/[event_id], /events/new and /events/[event_id]/edit."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ArrayVar

from aixplore.web import kit
from aixplore.web.events.cards import CARD
from aixplore.web.events.state import EventPageState as S
from aixplore.web.events.state import EventsListState as L
from aixplore.web.layout import page
from aixplore.web.moderation.report import report_popover

D = S.detail
GRAY = rx.color("gray", 11)


def _line(icon: str, *children: Any, size: str = "2", color: Any = None) -> rx.Component:
    props: dict[str, Any] = {"color": color} if color is not None else {}
    return rx.hstack(
        rx.icon(icon, size=16, aria_hidden="true", flex_shrink="0", margin_top="2px"),
        rx.text(*children, size=size, overflow_wrap="anywhere", **props),  # pyright: ignore[reportArgumentType]
        spacing="2",
        align="start",
    )


def _seats(seats_left: Any, capacity: Any) -> rx.Component:
    return rx.cond(
        seats_left.to(int) > 0,
        rx.badge(seats_left, " of ", capacity, " seats left", color_scheme="green"),
        rx.badge("Full: waitlist open", color_scheme="orange"),
    )


def _solution_badge(slug: Any, name: Any) -> rx.Component:
    return rx.cond(
        slug != "",
        rx.link(
            rx.badge(rx.icon("sparkles", size=12), name, variant="soft"),
            href="/solutions/" + slug.to(str),
            underline="none",
        ),
    )


def _face(face: Any) -> rx.Component:
    return rx.avatar(
        fallback=face[0].to(str),
        color_scheme=face[1].to(str),  # pyright: ignore[reportArgumentType]
        size="1",
        radius="full",
        variant="soft",
        class_name="event-face",
    )


def _people(faces: Any, going: Any, verb: Any) -> rx.Component:
    """The faces of the first people going, and how many go (the faces are decoration)."""
    return rx.hstack(
        rx.el.div(
            rx.foreach(faces.to(list[list[str]]), _face),
            class_name="event-faces",
            aria_hidden="true",
        ),
        rx.text(going, " ", verb, size="2"),
        align="center",
        spacing="2",
    )


def _host(name: Any, href: Any, prefix: str, size: str) -> rx.Component:
    return rx.text(
        prefix,
        rx.link(name, href=href.to(str)),
        size=size,  # pyright: ignore[reportArgumentType]
        color=GRAY,
    )


# ---- /events ----


def _event_card(card: ArrayVar) -> rx.Component:
    def e(name: str) -> Any:
        return card[CARD[name]]

    return rx.card(
        rx.vstack(
            rx.link(
                rx.heading(e("title"), size="4", as_="h2"),
                href=e("href").to(str),
                underline="hover",
                color=rx.color("gray", 12),
                overflow_wrap="anywhere",
            ),
            _line("calendar", e("when")),
            _line("map-pin", e("place")),
            _host(e("organizer_name"), e("host_href"), "Hosted by ", "2"),
            _people(e("faces"), e("going_count"), rx.cond(L.past, "went", "going")),
            rx.hstack(
                rx.cond(~L.past, _seats(e("seats_left"), e("capacity"))),
                _solution_badge(e("solution_slug"), e("solution_name")),
                wrap="wrap",
                align="center",
                spacing="2",
            ),
            spacing="2",
            align="start",
            min_width="0",
        ),
        size="2",
        width="100%",
    )


def _tab(label: str, href: str, active: Any) -> rx.Component:
    return kit.link_button(
        label,
        href,
        variant=rx.cond(active, "solid", "soft"),
        aria_current=rx.cond(active, "page", "false"),
    )


def events_page() -> rx.Component:
    """Upcoming community events, and the archive of past ones."""
    return page(
        "Events",
        rx.vstack(
            kit.page_header(
                "Community events",
                kit.link_button("Organize an event", "/events/new"),
                subtitle="Meet the people who build and use AI solutions, online or in person.",
                size="8",
            ),
            rx.el.nav(
                rx.hstack(
                    _tab("Upcoming", "/events", ~L.past),
                    _tab("Past events", "/events?when=past", L.past),
                    spacing="2",
                ),
                aria_label="Event lists",
            ),
            rx.cond(
                L.loaded,
                rx.cond(
                    L.total > 0,
                    rx.grid(
                        rx.foreach(L.items, _event_card),
                        columns=rx.breakpoints(initial="1", md="2"),
                        spacing="4",
                        width="100%",
                    ),
                    rx.text(
                        rx.cond(
                            L.past,
                            "No past events yet.",
                            "No upcoming events yet. Why not organize one?",
                        ),
                        color=GRAY,
                    ),
                ),
                # Event cards' size: the page keeps its height as they arrive.
                kit.placeholder_cards(
                    6, height="230px", columns=rx.breakpoints(initial="1", md="2")
                ),
            ),
            rx.cond(
                L.pages > 1,
                rx.el.nav(
                    rx.hstack(
                        rx.cond(
                            L.prev_href != "",
                            kit.link_button("Previous page", L.prev_href, variant="soft"),
                        ),
                        rx.text("Page ", L.page, " of ", L.pages, size="2"),
                        rx.cond(
                            L.next_href != "",
                            kit.link_button("Next page", L.next_href, variant="soft"),
                        ),
                        align="center",
                        spacing="3",
                        wrap="wrap",
                    ),
                    aria_label="Pages",
                ),
            ),
            spacing="5",
            width="100%",
        ),
    )


# ---- /events/[event_id] ----


def _rsvp_box() -> rx.Component:
    status = D["my_status"]
    going = rx.vstack(
        rx.callout("You are going.", icon="circle-check", color_scheme="green", width="100%"),
        rx.button("Cancel my RSVP", variant="soft", color_scheme="gray", on_click=S.cancel_rsvp),
        spacing="2",
        width="100%",
    )
    waiting = rx.vstack(
        rx.callout(
            "You are on the waitlist (#"
            + D["my_waitlist_position"].to(str)
            + "). We will mail you if a seat comes free.",
            icon="hourglass",
            color_scheme="orange",
            width="100%",
        ),
        rx.button(
            "Leave the waitlist", variant="soft", color_scheme="gray", on_click=S.cancel_rsvp
        ),
        spacing="2",
        width="100%",
    )
    answer = rx.button(
        rx.cond(D["seats_left"].to(int) > 0, "RSVP: I'm going", "Join the waitlist"),
        size="3",
        width="100%",
        on_click=S.rsvp,
    )
    return rx.el.div(
        rx.cond(
            D["status"] == "cancelled",
            rx.fragment(),
            rx.cond(
                D["ended"].to(bool),
                rx.text("This event has ended.", color=GRAY),
                rx.cond(
                    S.signed_in,
                    rx.match(status, ("going", going), ("waitlisted", waiting), answer),
                    kit.link_button("Sign in to RSVP", S.login_href, size="3", width="100%"),
                ),
            ),
        ),
        role="status",
        style={"width": "100%"},
    )


def _cancel_dialog() -> rx.Component:
    return kit.confirm(
        kit.action("Cancel event", tone="danger", size="2", width="100%"),
        title="Cancel this event?",
        description="Everyone going or waiting gets a mail. This cannot be undone.",
        confirm_label="Cancel the event",
        on_confirm=S.cancel_event,
        cancel_label="Keep the event",
    )


def _side() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("When", size="3", as_="h2"),
            _line("calendar", D["when"]),
            rx.cond(
                D["event_when"] != "",
                _line("globe", "In the event's zone: ", D["event_when"], color=GRAY),
            ),
            rx.heading("Where", size="3", as_="h2"),
            rx.cond(D["location"] != "", _line("map-pin", D["location"])),
            rx.cond(
                D["online"].to(bool),
                rx.cond(
                    D["online_url"] != "",
                    rx.link(
                        rx.hstack(rx.icon("video", size=16), rx.text("Join online"), spacing="2"),
                        href=D["online_url"].to(str),
                        is_external=True,
                        rel="nofollow noopener noreferrer",
                    ),
                    _line("video", "Online: the link is shown to the people going.", color=GRAY),
                ),
            ),
            rx.heading("Seats", size="3", as_="h2"),
            _people(D["faces"], D["going_count"], rx.cond(D["ended"].to(bool), "went", "going")),
            rx.hstack(
                _seats(D["seats_left"], D["capacity"]),
                rx.cond(
                    D["waitlist_count"].to(int) > 0,
                    rx.badge(D["waitlist_count"], " waiting", color_scheme="gray"),
                ),
                wrap="wrap",
                spacing="2",
            ),
            _rsvp_box(),
            rx.cond(
                D["status"] != "cancelled",
                rx.button(
                    rx.link(
                        rx.icon("calendar-plus", size=16),
                        "Add to calendar (.ics)",
                        href=S.ics_href,
                        download=S.ics_name,
                        reload_document=True,
                        underline="none",
                        color="inherit",
                    ),
                    as_child=True,
                    variant="outline",
                    width="100%",
                ),
            ),
            rx.cond(
                D["can_manage"].to(bool) & (D["status"] != "cancelled") & ~D["ended"].to(bool),
                rx.vstack(
                    kit.link_button("Edit event", S.edit_href, variant="soft", width="100%"),
                    _cancel_dialog(),
                    spacing="2",
                    width="100%",
                ),
            ),
            spacing="3",
            width="100%",
            align="start",
        ),
        width=rx.breakpoints(initial="100%", md="340px"),
        min_width=rx.breakpoints(initial="0", md="340px"),
    )


def event_page() -> rx.Component:
    """One event: when (in the viewer's zone, and in its own), where, seats, RSVP."""
    body = rx.vstack(
        rx.cond(
            D["status"] == "cancelled",
            rx.callout(
                "The organizer cancelled this event.",
                icon="calendar-x",
                color_scheme="red",
                width="100%",
            ),
        ),
        rx.vstack(
            rx.heading(D["title"], as_="h1", size="8", overflow_wrap="anywhere"),
            rx.hstack(
                _host(D["organizer_name"], D["host_href"], "Hosted by ", "2"),
                _solution_badge(D["solution_slug"], D["solution_name"]),
                rx.cond(S.signed_in, report_popover("event", D["id"])),
                wrap="wrap",
                align="center",
                spacing="2",
            ),
            spacing="2",
            width="100%",
        ),
        rx.flex(
            rx.el.section(
                rx.cond(
                    D["description_html"] != "",
                    rx.html(D["description_html"], class_name="prose"),
                    rx.text("No description.", color=GRAY),
                ),
                aria_label="About this event",
                style={"flex": "1", "minWidth": "0", "width": "100%"},
            ),
            _side(),
            spacing="6",
            direction=rx.breakpoints(initial="column-reverse", md="row"),
            width="100%",
        ),
        rx.hstack(
            kit.link_button("Discuss this event", "/forums/discuss/event/" + D["id"].to(str)),
            kit.link_button("All events", "/events", variant="ghost"),
            wrap="wrap",
        ),
        spacing="5",
        width="100%",
    )
    missing = kit.not_found(
        "This event does not exist",
        "It may have been removed, or the link is wrong.",
        kit.link_button("See upcoming events", "/events"),
    )
    return page("Event", rx.cond(S.found, rx.cond(S.loading, kit.loading(), body), missing))
