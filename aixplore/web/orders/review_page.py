"""/orders/[order_id]/review: the review request of an order delivered to a local repository."""

from __future__ import annotations

import reflex as rx

from aixplore.web.components import form_error, link_button
from aixplore.web.layout import page
from aixplore.web.orders.review_state import ReviewState

R = ReviewState
GRAY = rx.color("gray", 11)


def _files() -> rx.Component:
    return rx.table.root(
        rx.table.header(
            rx.table.row(
                rx.table.column_header_cell("File"),
                rx.table.column_header_cell("Change"),
                rx.table.column_header_cell("Lines"),
            )
        ),
        rx.table.body(
            rx.foreach(
                R.files,
                lambda f: rx.table.row(
                    rx.table.cell(rx.code(f["path"].to(str)), word_break="break-all"),
                    rx.table.cell(f["change"].to(str)),
                    rx.table.cell("+", f["added"].to(str), " −", f["removed"].to(str)),
                ),
            )
        ),
        width="100%",
        size="1",
    )


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
    v = R.view
    return rx.cond(
        v["open"].to(bool),
        rx.vstack(
            rx.text(
                "Accepting merges ",
                rx.code(v["branch"].to(str)),
                " into ",
                rx.code(v["base"].to(str)),
                " (a fast-forward when the base has not moved, otherwise a merge commit). "
                "Rejecting deletes the branch, or keeps it if you say so.",
                size="2",
                color=GRAY,
            ),
            rx.flex(
                rx.button(
                    "Accept and merge",
                    on_click=R.decide("accept"),
                    loading=R.busy,
                    size="3",
                ),
                rx.button(
                    "Reject and delete the branch",
                    on_click=R.decide("reject_delete"),
                    loading=R.busy,
                    size="3",
                    color_scheme="red",
                    variant="soft",
                ),
                rx.button(
                    "Reject and keep the branch",
                    on_click=R.decide("reject_keep"),
                    loading=R.busy,
                    size="3",
                    variant="outline",
                ),
                spacing="2",
                wrap="wrap",
            ),
            width="100%",
            spacing="2",
        ),
    )


def review_page() -> rx.Component:
    """A local delivery: what changed, then accept (merge) or reject it."""
    v = R.view
    return page(
        "Review request",
        rx.cond(
            R.missing,
            rx.text("This review request does not exist or is not yours."),
            rx.vstack(
                rx.heading("Review request for order #", v["order_id"].to(str), size="7", as_="h1"),
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
                form_error(R.error),
                _decide(),
                rx.heading("Files", size="4", as_="h2"),
                _files(),
                rx.heading("Changes", size="4", as_="h2"),
                rx.text(v["message"].to(str), size="2", color=GRAY, white_space="pre-wrap"),
                _patch(),
                link_button(
                    "Back to the order", "/orders/" + v["order_id"].to(str), variant="soft"
                ),
                width="100%",
                spacing="3",
            ),
        ),
        max_width="980px",
    )
