"""/orders/[order_id]/review: the review request of an order delivered to a local repository."""

from __future__ import annotations

from typing import Any

import reflex as rx

from aixplore.web import kit
from aixplore.web.layout import found_page
from aixplore.web.orders.review_state import ReviewState

R = ReviewState


FILE_COLUMNS = [
    kit.column(
        "File",
        lambda f: rx.code(f["path"].to(str), word_break="break-all"),
        label_on_phone=False,
    ),
    kit.column("Change", "change"),
    kit.column("Lines", lambda f: rx.text("+", f["added"].to(str), " −", f["removed"].to(str))),
]


def _files() -> rx.Component:
    return kit.data_table(R.files, FILE_COLUMNS, size="1")


def _patch() -> rx.Component:
    return rx.el.pre(
        rx.foreach(
            R.lines,
            lambda line: rx.el.span(line["text"], "\n", class_name="diff-" + line["kind"]),
        ),
        class_name="diff",
        tab_index=0,
        aria_label="The changes, line by line",
    )


def _decide() -> rx.Component:
    big: dict[str, Any] = {"size": "3", "loading": R.busy}
    v = R.view
    return rx.cond(
        v["open"].to(bool),
        rx.vstack(
            kit.note(
                "Accepting merges ",
                rx.code(v["branch"].to(str)),
                " into ",
                rx.code(v["base"].to(str)),
                " (a fast-forward when the base has not moved, otherwise a merge commit). "
                "Rejecting deletes the branch, or keeps it if you say so.",
            ),
            kit.actions(
                kit.action("Accept and merge", R.decide("accept"), **big, variant="solid"),
                kit.action(
                    "Reject and delete the branch", R.decide("reject_delete"), **big, tone="danger"
                ),
                kit.action(
                    "Reject and keep the branch", R.decide("reject_keep"), **big, variant="outline"
                ),
            ),
            width="100%",
            spacing="2",
        ),
    )


def review_page() -> rx.Component:
    """A local delivery: what changed, then accept (merge) or reject it."""
    v = R.view
    return found_page(
        "Review request",
        ~R.missing,
        rx.text("This review request does not exist or is not yours."),
        kit.page_header(rx.fragment("Review request for order #", v["order_id"].to(str))),
        rx.text(
            "Branch ",
            rx.code(v["branch"].to(str)),
            " into ",
            rx.code(v["base"].to(str)),
            " of the local repository ",
            rx.text.strong(v["repo"].to(str)),
            ".",
        ),
        rx.text(
            "Status: ",
            rx.text.strong(v["outcome"].to(str), id="review-outcome"),
            role="status",
            aria_live="polite",
        ),
        rx.cond(
            v["note"] != "",
            rx.text("Last attempt: ", v["note"].to(str), color=rx.color("orange", 11)),
        ),
        kit.form_error(R.error),
        _decide(),
        rx.heading("Files", size="4", as_="h2"),
        _files(),
        rx.heading("Changes", size="4", as_="h2"),
        kit.note(v["message"].to(str), white_space="pre-wrap"),
        _patch(),
        kit.link_button("Back to the order", "/orders/" + v["order_id"].to(str), variant="soft"),
        spacing="3",
        max_width="980px",
    )
