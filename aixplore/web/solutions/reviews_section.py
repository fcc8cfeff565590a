"""The reviews part of a solution's page: rating summary, the review form, the list."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from aixplore.web import kit
from aixplore.web.moderation.report import report_popover
from aixplore.web.solutions.detail_state import SolutionPageState as S

D = S.detail


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


def rating_summary() -> rx.Component:
    return kit.tile(
        rx.heading("Ratings", size="4", as_="h2"),
        rx.hstack(
            rx.text(D["rating_avg"].to(float).to_string(), size="8", weight="bold"),
            rx.text(
                "out of 5 · ",
                D["rating_count"],
                kit.counted(D["rating_count"].to(int), "review"),
                size="2",
                color=rx.color("gray", 11),
            ),
            align="baseline",
        ),
        rx.foreach(S.distribution, _distribution_row),
        spacing="2",
    )


def _review_form() -> rx.Component:
    has_mine = S.my_review.contains("id")  # type: ignore[attr-defined]
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading(
                    rx.cond(has_mine, "Edit your review", "Write a review"), size="4", as_="h3"
                ),
                kit.form_error(S.review_error),
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
                        default_value=S.my_review.get("rating_value", "5").to(str),  # type: ignore[attr-defined]
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


def _review_id_field(review: ObjectVar[dict[str, Any]]) -> rx.Component:
    """The review a per-review form acts on, sent with the form's fields.

    A form's submit callback is hoisted out of ``rx.foreach``'s loop, so it cannot name the
    loop's review (the production build threw ``review_rx_state_ is not defined``).
    """
    return rx.el.input(type="hidden", name="review_id", value=review["id"].to(str))


def _review(review: ObjectVar[dict[str, Any]]) -> rx.Component:
    rid = review["id"].to(int)
    return rx.el.article(
        rx.vstack(
            kit.actions(
                rx.text(
                    review["stars"],
                    color=rx.color("amber", 10),
                    aria_label=review["rating"].to(str) + " out of 5 stars",
                ),
                rx.heading(review["title"], size="3", as_="h3"),
                spacing="3",
            ),
            kit.actions(
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
                spacing="3",
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
                rx.cond(S.signed_in, report_popover("review", review["id"])),
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
                        _review_id_field(review),
                        rx.button("Reply", type="submit", size="2", variant="soft"),
                        width="100%",
                    ),
                    on_submit=S.reply,
                    width="100%",
                ),
            ),
            spacing="2",
            width="100%",
            align="start",
        ),
        style={"borderBottom": "1px solid var(--gray-4)", "padding": "1em 0", "width": "100%"},
    )


def reviews_section() -> rx.Component:
    return rx.vstack(
        kit.actions(
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
            kit.empty_state("No reviews yet. Be the first."),
        ),
        rx.cond(
            S.has_more_reviews, rx.button("More reviews", variant="soft", on_click=S.more_reviews)
        ),
        spacing="3",
        width="100%",
    )
