"""/u/<handle>: a person's profile, their figures, activity, followers and following."""

from __future__ import annotations

from typing import Any

import reflex as rx

from aixplore.web import kit
from aixplore.web.layout import found_page
from aixplore.web.moderation.report import report_popover
from aixplore.web.session import SessionState
from aixplore.web.social.components import GRAY, avatar, entry_list, person_line
from aixplore.web.social.profile_state import ProfilePageState
from aixplore.web.trading.board_pages import trader_card_face

P = ProfilePageState


def _figure(label: str, value: Any, icon: str) -> rx.Component:
    return rx.el.div(
        rx.el.dt(
            rx.icon(icon, size=14, aria_hidden="true"), label, class_name="publisher-figure-label"
        ),
        rx.el.dd(value, class_name="publisher-figure-value"),
        class_name="publisher-figure",
    )


def _figures() -> rx.Component:
    return rx.el.dl(
        _figure("Followers", P.profile["followers"], "users"),
        _figure("Following", P.profile["following"], "user-check"),
        _figure("Solutions published", P.profile["published"], "package"),
        _figure("Reviews", P.profile["reviews"], "message-square"),
        _figure("Events hosted", P.profile["events_hosted"], "calendar"),
        class_name="publisher-figures",
        aria_label="Figures",
    )


def _actions() -> rx.Component:
    r = P.relation
    signed_out = kit.link_button("Sign in to follow", "/login?next=/u/" + P.handle, size="2")
    own = kit.link_button("Edit profile", "/settings/profile", size="2", variant="soft")
    blocked = rx.button(
        "Unblock", on_click=P.unblock, size="2", variant="soft", color_scheme="gray"
    )
    follow = rx.cond(
        r["following"],
        rx.button("Unfollow", on_click=P.unfollow, size="2", variant="soft"),
        rx.button("Follow", on_click=P.follow, size="2"),
    )
    connect = rx.match(
        P.connection,
        (
            "connected",
            rx.button("Remove connection", on_click=P.remove_connection, size="2", variant="soft"),
        ),
        (
            "requested",
            rx.button("Withdraw request", on_click=P.remove_connection, size="2", variant="soft"),
        ),
        (
            "asked_me",
            rx.fragment(
                rx.button("Accept connection", on_click=P.accept_connection, size="2"),
                rx.button("Decline", on_click=P.decline_connection, size="2", variant="soft"),
            ),
        ),
        rx.button("Connect", on_click=P.connect, size="2", variant="outline"),
    )
    more = rx.menu.root(
        rx.menu.trigger(
            rx.icon_button(rx.icon("ellipsis", size=16), variant="ghost", aria_label="More actions")
        ),
        rx.menu.content(
            rx.cond(
                r["muted"],
                rx.menu.item("Unmute", on_click=P.set_muted(False)),
                rx.menu.item("Mute in my feed", on_click=P.set_muted(True)),
            ),
            rx.menu.item("Block", color="red", on_click=P.block),
        ),
    )
    report = report_popover("profile", P.profile["id"], size="2")
    return rx.cond(
        ~SessionState.signed_in,
        signed_out,
        rx.cond(
            r["me"],
            own,
            rx.cond(r["blocked"], blocked, kit.actions(follow, connect, more, report, spacing="2")),
        ),
    )


def _header() -> rx.Component:
    return rx.flex(
        avatar(P.profile, "7"),
        rx.vstack(
            rx.heading(P.profile["name"], as_="h1", size="8"),
            rx.hstack(
                rx.text("@", P.handle, color=GRAY),
                rx.cond(P.relation["follows_me"], rx.badge("Follows you", color_scheme="gray")),
                rx.cond(P.connection == "connected", rx.badge("Connected", color_scheme="green")),
                rx.cond(P.relation["muted"], rx.badge("Muted", color_scheme="orange")),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            rx.hstack(
                rx.cond(
                    P.profile["location"] != "",
                    _fact("map-pin", rx.text(P.profile["location"], size="2")),
                ),
                _fact("calendar", rx.text("Joined ", P.profile["joined"], size="2")),
                rx.cond(P.relation["me"], rx.badge(P.profile["visibility"], color_scheme="violet")),
                spacing="4",
                wrap="wrap",
            ),
            _actions(),
            spacing="2",
            align="start",
        ),
        spacing="5",
        align=rx.breakpoints(initial="start", sm="center"),
        direction=rx.breakpoints(initial="column", sm="row"),
    )


def _fact(icon: str, text: rx.Component) -> rx.Component:
    """An icon on the same line as its fact (an icon inside a paragraph breaks the line)."""
    return rx.hstack(
        rx.icon(icon, size=14, aria_hidden="true"), text, spacing="1", align="center", color=GRAY
    )


def _about() -> rx.Component:
    return rx.fragment(
        rx.cond(
            P.bio_html != "",
            rx.box(rx.html(P.bio_html), class_name="prose", width="100%"),
        ),
        rx.cond(
            P.links.length() > 0,  # pyright: ignore[reportAttributeAccessIssue]
            rx.el.ul(
                rx.foreach(
                    P.links,
                    lambda link: rx.el.li(
                        rx.icon("link", size=14, aria_hidden="true"),
                        rx.el.a(
                            link["label"], href=link["url"], rel="me nofollow noopener noreferrer"
                        ),
                        style={"display": "flex", "gap": "0.4em", "alignItems": "center"},
                    ),
                ),
                class_name="item-list",
                aria_label="Links",
            ),
        ),
    )


def _trader() -> rx.Component:
    """The person's trader card, from their verified record, once they publish signals."""
    return rx.cond(
        P.trader_card,
        rx.el.section(
            rx.heading("Trader card", as_="h2", size="4"),
            rx.hstack(
                rx.el.div(trader_card_face(P.trader_card), style={"width": "min(220px, 100%)"}),
                rx.vstack(
                    rx.text(
                        "Rarity and foil come from the verified record on the leaderboard.",
                        size="2",
                        color=GRAY,
                    ),
                    rx.link("Signals and chain", href="/traders/" + P.handle + "/chain"),
                    spacing="2",
                ),
                spacing="4",
                align="center",
                wrap="wrap",
            ),
            aria_label="Trader card",
            style={"display": "grid", "gap": "0.75em"},
        ),
    )


def _people() -> rx.Component:
    return rx.vstack(
        kit.when_any(
            P.people,
            rx.el.ul(rx.foreach(P.people, lambda p: person_line(p)), class_name="item-list"),
            rx.match(
                P.tab,
                ("followers", "No followers yet."),
                ("connections", "No connections yet."),
                "Not following anyone yet.",
            ),
        ),
        rx.cond(P.people_next > 0, rx.button("Show more", on_click=P.more_people, variant="soft")),
        spacing="3",
        width="100%",
        padding_top="1em",
    )


def _closed(section: str, shown: rx.Component) -> rx.Component:
    """A section, or why the viewer may not see it (the owner's privacy choice)."""
    return rx.cond(
        P.sections[section],
        shown,
        rx.text("This section is private.", color=GRAY, padding_top="1em"),
    )


def _tabs() -> rx.Component:
    return rx.tabs.root(
        rx.tabs.list(
            rx.tabs.trigger("Activity", value="activity"),
            rx.tabs.trigger("Followers", value="followers"),
            rx.tabs.trigger("Following", value="following"),
            rx.tabs.trigger("Connections", value="connections"),
        ),
        rx.tabs.content(
            _closed(
                "activity",
                rx.box(entry_list(P.activity, "Nothing to show yet."), padding_top="1em"),
            ),
            value="activity",
        ),
        rx.tabs.content(_closed("network", _people()), value="followers"),
        rx.tabs.content(_closed("network", _people()), value="following"),
        rx.tabs.content(_closed("connections", _people()), value="connections"),
        value=P.tab,
        on_change=P.show_tab,
        width="100%",
    )


def profile_page() -> rx.Component:
    """A person's public profile."""
    return found_page(
        "Profile",
        P.found,
        kit.refused(
            "Profile not available", rx.cond(P.refusal != "", P.refusal, "No such person.")
        ),
        _header(),
        _figures(),
        _about(),
        _trader(),
        _tabs(),
        max_width="860px",
        spacing="5",
    )
