"""/solutions/[slug]: one solution with its reviews."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from aixplore.web.cards.components import solution_card
from aixplore.web.components import link_button
from aixplore.web.layout import page
from aixplore.web.session import SessionState
from aixplore.web.solutions.components import card_grid, logo, pricing_badge, stars
from aixplore.web.solutions.detail_state import SolutionPageState as S

D = S.detail


def _external(label: str, url: rx.Var, icon: str) -> rx.Component:
    return rx.cond(
        url != "",
        rx.link(
            rx.hstack(rx.icon(icon, size=14), rx.text(label), spacing="1", align="center"),
            href=url,
            is_external=True,
            rel="nofollow noopener noreferrer",
            size="2",
            on_click=S.outbound(label.lower()),
        ),
    )


def _save_buttons() -> rx.Component:
    collections = rx.popover.root(
        rx.popover.trigger(rx.button(rx.icon("list-plus", size=16), "Collections", variant="soft")),
        rx.popover.content(
            rx.vstack(
                rx.text("Add to a collection", weight="medium", size="2"),
                rx.foreach(
                    S.collections,
                    lambda c: rx.button(
                        rx.icon(rx.cond(c["contains"], "square-check", "square"), size=14),
                        c["name"],
                        variant="ghost",
                        size="2",
                        on_click=S.toggle_collection(c["id"].to(int)),
                    ),
                ),
                rx.form(
                    rx.hstack(
                        rx.input(
                            name="name",
                            placeholder="New collection",
                            max_length=80,
                            aria_label="New collection name",
                            required=True,
                        ),
                        rx.button("Add", type="submit", size="2"),
                    ),
                    on_submit=S.new_collection,
                ),
                spacing="2",
                align="start",
            ),
            width="300px",
        ),
    )
    return rx.cond(
        S.signed_in & D["published"].to(bool),
        rx.hstack(
            rx.button(
                rx.icon("bookmark", size=16, fill=rx.cond(S.bookmarked, "currentColor", "none")),
                rx.cond(S.bookmarked, "Bookmarked", "Bookmark"),
                variant=rx.cond(S.bookmarked, "solid", "soft"),
                on_click=S.toggle_bookmark,
                aria_pressed=rx.cond(S.bookmarked, "true", "false"),
            ),
            collections,
            spacing="2",
        ),
    )


def _header() -> rx.Component:
    return rx.vstack(
        rx.cond(
            D["status"] == "draft",
            rx.callout(
                "This is a draft: only you and platform admins can see it.",
                icon="eye-off",
                color_scheme="orange",
                width="100%",
            ),
        ),
        rx.cond(
            D["status"] == "archived",
            rx.callout(
                "The publisher archived this solution; it is no longer listed.",
                icon="archive",
                color_scheme="gray",
                width="100%",
            ),
        ),
        rx.flex(
            logo(D["name"], D["logo_url"], size="72px"),
            rx.vstack(
                rx.heading(D["name"], as_="h1", size="8"),
                rx.text(D["tagline"], size="4", color=rx.color("gray", 11)),
                rx.hstack(
                    rx.link(
                        D["publisher_name"], href="/publishers/" + D["owner_id"].to(str), size="2"
                    ),
                    rx.cond(
                        D["publisher_verified"],
                        rx.badge(
                            rx.icon("badge-check", size=12),
                            "Verified publisher",
                            color_scheme="violet",
                        ),
                    ),
                    rx.link(
                        rx.badge(D["category_name"], variant="outline", color_scheme="gray"),
                        href="/solutions?category=" + D["category_slug"].to(str),
                        underline="none",
                    ),
                    pricing_badge(D["pricing"]),
                    stars(D["rating_avg"], D["rating_count"]),
                    wrap="wrap",
                    align="center",
                    spacing="3",
                ),
                rx.hstack(
                    _external("Website", D["website_url"], "globe"),
                    _external("Repository", D["repository_url"], "git-branch"),
                    _external("Demo", D["demo_url"], "play"),
                    wrap="wrap",
                    spacing="4",
                ),
                spacing="2",
                align="start",
                min_width="0",
            ),
            rx.spacer(),
            rx.vstack(
                _save_buttons(),
                rx.cond(
                    SessionState.is_admin & D["published"].to(bool),
                    rx.cond(
                        D["featured"].to(bool),
                        rx.button(
                            rx.icon("star-off", size=16),
                            "Unfeature",
                            variant="soft",
                            color_scheme="gray",
                            on_click=S.set_featured(False),
                        ),
                        rx.button(
                            rx.icon("star", size=16),
                            "Feature on home",
                            variant="soft",
                            on_click=S.set_featured(True),
                        ),
                    ),
                ),
                rx.cond(
                    S.can_manage,
                    rx.hstack(
                        link_button(
                            "Edit listing", "/publish/" + D["slug"].to(str), variant="soft"
                        ),
                        link_button("Analytics", "/analytics/" + D["slug"].to(str), variant="soft"),
                    ),
                ),
                align=rx.breakpoints(initial="start", sm="end"),
                spacing="2",
            ),
            gap="4",
            direction=rx.breakpoints(initial="column", sm="row"),
            width="100%",
        ),
        spacing="4",
        width="100%",
    )


def _distribution_row(row: ObjectVar[dict[str, Any]]) -> rx.Component:
    return rx.hstack(
        rx.text(row["stars"], " ★", size="2", min_width="2.6em", white_space="nowrap"),
        rx.progress(
            value=row["percent"].to(int),
            max=100,
            width="100%",
            aria_label=row["stars"].to(str) + " star share",
        ),
        rx.text(row["count"], size="1", width="2.5em", text_align="right"),
        width="100%",
        align="center",
    )


def _rating_summary() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Ratings", size="4", as_="h2"),
            rx.hstack(
                rx.text(D["rating_avg"].to(float).to_string(), size="8", weight="bold"),
                rx.text(
                    "out of 5 · ",
                    D["rating_count"],
                    " reviews",
                    size="2",
                    color=rx.color("gray", 11),
                ),
                align="baseline",
            ),
            rx.foreach(S.distribution, _distribution_row),
            spacing="2",
            width="100%",
        ),
        width="100%",
    )


def _review_form() -> rx.Component:
    has_mine = S.my_review.contains("id")  # type: ignore[attr-defined]
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading(
                    rx.cond(has_mine, "Edit your review", "Write a review"), size="4", as_="h3"
                ),
                rx.cond(
                    S.review_error != "",
                    rx.callout(
                        S.review_error, icon="triangle_alert", color_scheme="red", role="alert"
                    ),
                ),
                rx.el.fieldset(
                    rx.el.legend("Your rating", class_name="field-label"),
                    rx.radio_group.root(
                        rx.hstack(
                            *[
                                rx.el.label(
                                    rx.radio_group.item(value=str(n), aria_label=f"{n} stars"),
                                    f" {n}★",
                                    style={"display": "flex", "alignItems": "center", "gap": "4px"},
                                )
                                for n in range(1, 6)
                            ],
                            spacing="4",
                            wrap="wrap",
                        ),
                        name="rating",
                        default_value=S.my_review.get("rating", 5).to(str),  # type: ignore[attr-defined]
                        key=S.my_review.get("id", 0).to(str),  # type: ignore[attr-defined]
                        required=True,
                    ),
                    style={"border": "none", "padding": 0, "margin": 0},
                ),
                rx.el.label("Title", html_for="review-title", class_name="field-label"),
                rx.input(
                    id="review-title",
                    name="title",
                    max_length=120,
                    required=True,
                    default_value=S.my_review.get("title", "").to(str),
                    key="t" + S.my_review.get("id", 0).to(str),
                    width="100%",
                ),  # type: ignore[attr-defined]
                rx.el.label("Your experience", html_for="review-body", class_name="field-label"),
                rx.text_area(
                    id="review-body",
                    name="body",
                    max_length=5000,
                    rows="4",
                    required=True,
                    default_value=S.my_review.get("body", "").to(str),
                    key="b" + S.my_review.get("id", 0).to(str),
                    width="100%",
                ),  # type: ignore[attr-defined]
                rx.hstack(
                    rx.button(rx.cond(has_mine, "Save changes", "Publish review"), type="submit"),
                    rx.cond(
                        has_mine,
                        rx.button(
                            "Delete",
                            type="button",
                            variant="soft",
                            color_scheme="red",
                            on_click=S.delete_review,
                        ),
                    ),
                ),
                spacing="2",
                width="100%",
                align="start",
            ),
            on_submit=S.write_review,
            reset_on_submit=False,
            width="100%",
        ),
        width="100%",
    )


def _report_popover(review: ObjectVar[dict[str, Any]]) -> rx.Component:
    rid = review["id"].to(int)
    return rx.popover.root(
        rx.popover.trigger(
            rx.button(
                rx.icon("flag", size=14), "Report", size="1", variant="ghost", color_scheme="gray"
            )
        ),
        rx.popover.content(
            rx.form(
                rx.vstack(
                    rx.text(
                        "Why should a moderator look at this review?", size="2", weight="medium"
                    ),
                    rx.select.root(
                        rx.select.trigger(placeholder="Choose a reason", aria_label="Reason"),
                        rx.select.content(
                            rx.foreach(S.report_reasons, lambda r: rx.select.item(r[1], value=r[0]))
                        ),
                        name="reason",
                        required=True,
                    ),
                    rx.text_area(
                        name="note",
                        placeholder="Anything else (optional)",
                        max_length=500,
                        aria_label="Note",
                    ),
                    rx.popover.close(rx.button("Send report", type="submit", size="2")),
                    spacing="2",
                ),
                on_submit=lambda form: S.report(rid, form),  # type: ignore[call-arg]
            ),
            width="300px",
        ),
    )


def _review(review: ObjectVar[dict[str, Any]]) -> rx.Component:
    rid = review["id"].to(int)
    return rx.el.article(
        rx.vstack(
            rx.hstack(
                rx.text(
                    review["stars"],
                    color=rx.color("amber", 10),
                    aria_label=review["rating"].to(str) + " out of 5 stars",
                ),
                rx.heading(review["title"], size="3", as_="h3"),
                wrap="wrap",
                align="center",
            ),
            rx.hstack(
                rx.text(review["author_name"], size="1", weight="medium"),
                rx.cond(
                    review["verified_usage"],
                    rx.badge(
                        rx.icon("shield-check", size=12),
                        "Verified usage",
                        color_scheme="green",
                        size="1",
                    ),
                ),
                rx.text(review["date"], size="1", color=rx.color("gray", 11)),
                rx.cond(review["edited"], rx.text("edited", size="1", color=rx.color("gray", 11))),
                wrap="wrap",
                align="center",
            ),
            rx.text(review["body"], size="2", white_space="pre-wrap", overflow_wrap="anywhere"),
            rx.cond(
                review["reply_body"] != "",
                rx.box(
                    rx.text("Reply from the publisher", size="1", weight="bold"),
                    rx.text(review["reply_body"], size="2", white_space="pre-wrap"),
                    padding="0.6em 0.9em",
                    border_left=f"3px solid {rx.color('violet', 8)}",
                    background=rx.color("gray", 2),
                    width="100%",
                ),
            ),
            rx.hstack(
                rx.button(
                    rx.icon("thumbs-up", size=14),
                    rx.cond(review["voted"], "Helpful (you)", "Helpful"),
                    " · ",
                    review["helpful_count"],
                    size="1",
                    variant=rx.cond(review["voted"], "solid", "soft"),
                    on_click=S.toggle_helpful(rid),
                    disabled=rx.cond(S.signed_in, False, True),
                ),
                rx.cond(S.signed_in, _report_popover(review)),
                spacing="3",
            ),
            rx.cond(
                S.can_manage,
                rx.form(
                    rx.hstack(
                        rx.input(
                            name="reply",
                            placeholder="Reply as the publisher",
                            max_length=2000,
                            width="100%",
                            aria_label="Reply as the publisher",
                        ),
                        rx.button("Reply", type="submit", size="2", variant="soft"),
                        width="100%",
                    ),
                    on_submit=lambda form: S.reply(rid, form),  # type: ignore[call-arg]
                    width="100%",
                ),
            ),
            spacing="2",
            width="100%",
            align="start",
        ),
        style={"borderBottom": "1px solid var(--gray-4)", "padding": "1em 0", "width": "100%"},
    )


def _reviews() -> rx.Component:
    return rx.vstack(
        rx.flex(
            rx.heading("Reviews", size="6", as_="h2"),
            rx.spacer(),
            rx.segmented_control.root(
                rx.segmented_control.item("Most helpful", value="helpful"),
                rx.segmented_control.item("Newest", value="newest"),
                value=S.review_sort,
                on_change=S.set_review_sort,
                aria_label="Sort reviews",
            ),
            width="100%",
            align="center",
            wrap="wrap",
            gap="2",
        ),
        rx.cond(
            S.signed_in,
            rx.cond(S.can_manage, rx.fragment(), _review_form()),
            rx.callout(
                rx.text(
                    rx.link(
                        "Sign in",
                        href="/login?next=/solutions/" + D["slug"].to(str),
                        underline="always",
                    ),
                    " to write a review.",
                ),
                icon="message-square",
                color_scheme="gray",
            ),
        ),
        rx.cond(
            S.review_total > 0,
            rx.vstack(rx.foreach(S.reviews, _review), spacing="0", width="100%"),
            rx.text("No reviews yet. Be the first.", color=rx.color("gray", 11)),
        ),
        rx.cond(
            S.has_more_reviews, rx.button("More reviews", variant="soft", on_click=S.more_reviews)
        ),
        spacing="3",
        width="100%",
    )


def _releases() -> rx.Component:
    return rx.cond(
        S.releases.length() > 0,  # type: ignore[attr-defined]
        rx.vstack(
            rx.heading("Changelog", size="4", as_="h2"),
            rx.foreach(
                S.releases,
                lambda r: rx.vstack(
                    rx.hstack(
                        rx.badge(r["version"]),
                        rx.text(r["date"], size="1", color=rx.color("gray", 11)),
                    ),
                    rx.cond(r["notes"] != "", rx.text(r["notes"], size="2")),
                    spacing="1",
                ),
            ),
            spacing="2",
            width="100%",
        ),
    )


def solution_page() -> rx.Component:
    """The page of one solution."""
    body = rx.vstack(
        _header(),
        rx.flex(
            rx.vstack(
                rx.el.section(
                    rx.html(D["description_html"], class_name="prose"),
                    aria_label="Description",
                    style={"width": "100%"},
                ),
                rx.hstack(
                    rx.foreach(
                        D["tags"].to(list[str]),
                        lambda t: rx.link(
                            rx.badge("#", t, variant="soft"),
                            href="/solutions?tags=" + t,
                            underline="none",
                        ),
                    ),
                    wrap="wrap",
                ),
                _releases(),
                rx.cond(D["published"], _reviews()),
                spacing="5",
                flex="1",
                min_width="0",
            ),
            rx.vstack(
                rx.cond(D["published"], _rating_summary()),
                rx.cond(D["published"], solution_card(D)),
                rx.cond(
                    S.events.length() > 0,  # type: ignore[attr-defined]
                    rx.card(
                        rx.vstack(
                            rx.heading("Upcoming events", size="4", as_="h2"),
                            rx.foreach(
                                S.events,
                                lambda e: rx.vstack(
                                    rx.link(
                                        e["title"],
                                        href="/events/" + e["id"].to(str),
                                        weight="medium",
                                    ),
                                    rx.text(e["when"], size="1", color=rx.color("gray", 11)),
                                    spacing="0",
                                ),
                            ),
                            spacing="2",
                            width="100%",
                        ),
                        width="100%",
                    ),
                ),
                link_button(
                    "Order a custom version",
                    "/order?solution=" + D["slug"].to(str),
                    width="100%",
                ),
                rx.cond(
                    S.can_manage,
                    link_button(
                        "Organize an event",
                        "/events/new?solution=" + D["slug"].to(str),
                        variant="soft",
                        width="100%",
                    ),
                ),
                width=rx.breakpoints(initial="100%", md="300px"),
                min_width=rx.breakpoints(initial="0", md="300px"),
            ),
            gap="6",
            direction=rx.breakpoints(initial="column-reverse", md="row"),
            width="100%",
        ),
        rx.cond(
            S.similar.length() > 0,  # type: ignore[attr-defined]
            rx.vstack(
                rx.heading("Similar solutions", size="6", as_="h2"),
                card_grid(S.similar),
                spacing="3",
                width="100%",
            ),
        ),
        spacing="6",
        width="100%",
    )
    missing = rx.center(
        rx.vstack(
            rx.heading("This solution does not exist", as_="h1", size="6"),
            rx.text("It may have been removed, or the link is wrong."),
            link_button("Browse solutions", "/solutions"),
            align="center",
            spacing="3",
        ),
        padding_y="4em",
    )
    return page(
        "Solution",
        rx.cond(
            S.found,
            rx.cond(S.loading, rx.center(rx.spinner(size="3"), padding="4em"), body),
            missing,
        ),
        max_width="1180px",
    )
