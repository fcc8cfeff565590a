"""/orders (my orders), /orders/[order_id] (one order, live) and /admin/orders."""

from __future__ import annotations

from typing import Any

import reflex as rx

from aixplore.web import kit
from aixplore.web.layout import admin_template, found_page, stacked_page
from aixplore.web.orders.order_state import AdminOrdersState, MyOrdersState, OrderPageState

GRAY = rx.color("gray", 11)


def _my_order(r: Any) -> rx.Component:
    return rx.card(
        kit.actions(
            rx.link("Order #", r["id"].to(str), href=r["href"]),
            rx.badge(r["status"]),
            rx.text(r["repo"], size="2"),
            rx.text(r["price"], size="2"),
            rx.cond(
                r["pr_url"] != "",
                rx.link("Pull request", href=r["pr_url"].to(str), is_external=True),
            ),
            rx.cond(
                r["review_href"] != "",
                rx.link("Review request", href=r["review_href"].to(str)),
            ),
            spacing="3",
        ),
        width="100%",
    )


def my_orders_page() -> rx.Component:
    """The signed-in user's orders."""
    M = MyOrdersState
    return stacked_page(
        "My orders",
        kit.page_header("My orders", kit.link_button("New order", "/order")),
        kit.when_any(
            M.rows,
            rx.vstack(rx.foreach(M.rows, _my_order), width="100%"),
            "No orders yet.",
        ),
        max_width="820px",
    )


def order_page() -> rx.Component:
    """One order's live status, pull request, receipt and stage log."""
    O = OrderPageState  # noqa: E741
    v = O.view
    return found_page(
        "Order",
        ~O.missing,
        rx.text("This order does not exist or is not yours."),
        kit.page_header(rx.fragment("Order #", v["id"].to(str))),
        rx.text(
            "Status: ",
            rx.text.strong(O.status_label, id="order-status"),
            role="status",
            aria_live="polite",
        ),
        rx.el.ol(
            rx.foreach(
                O.progress,
                lambda p: rx.el.li(
                    rx.text(
                        p["name"],
                        weight=rx.cond(p["current"], "bold", "regular"),
                        color=rx.cond(p["done"], rx.color("grass", 11), GRAY),
                    ),
                ),
            ),
            class_name="order-progress",
        ),
        rx.cond(
            v["pr_url"] != "",
            rx.link(
                "Open the pull request",
                href=v["pr_url"].to(str),
                is_external=True,
                id="order-pr",
            ),
        ),
        rx.cond(
            O.review_href != "",
            kit.link_button("Review the changes", O.review_href, id="order-review"),
        ),
        kit.form_error(v["failure_reason"].to(str)),
        rx.heading("Receipt", size="4", as_="h2"),
        rx.text(
            v["repo_full_name"].to(str),
            rx.cond(v["provider"] == "local", " (local repository)", ""),
            " · ",
            v["price_tokens"].to(str),
            " ECE · created ",
            v["created_at"].to(str),
        ),
        rx.heading("History", size="4", as_="h2"),
        rx.foreach(O.history, lambda h: rx.text(h["at"], " ", h["to"], size="2")),
        rx.heading("Stage log", size="4", as_="h2"),
        rx.foreach(
            O.log,
            lambda line: rx.text(line["at"], " ", line["stage"], ": ", line["msg"], size="2"),
        ),
        kit.link_button("My orders", "/orders", variant="soft"),
        spacing="3",
        max_width="820px",
    )


def _admin_order(r: Any) -> rx.Component:
    A = AdminOrdersState
    return kit.tile(
        rx.flex(
            rx.link("Order #", r["id"].to(str), href="/orders/" + r["id"].to(str)),
            rx.badge(r["status"]),
            rx.text(r["repo"], size="2"),
            rx.text(r["failure"], size="2", color=rx.color("red", 11)),
            spacing="3",
            wrap="wrap",
        ),
        rx.text(r["log"], size="1", color=GRAY, white_space="pre-wrap"),
        rx.cond(
            r["stuck"].to(bool),
            kit.actions(
                kit.action("Run again", A.requeue(r["id"]), variant="solid"),
                kit.action("Refund", A.refund(r["id"]), tone="danger"),
            ),
        ),
        spacing="2",
    )


@admin_template("Orders (admin)", "/admin/orders", AdminOrdersState.allowed)
def admin_orders_page() -> rx.Component:
    """Platform admins: every order, filtered by status, with retry, refund and stage logs."""
    A = AdminOrdersState
    return rx.vstack(
        kit.page_header("Orders"),
        kit.inline_form(
            rx.hstack(
                rx.el.label("Status", html_for="admin-order-status", class_name="field-label"),
                rx.el.select(
                    rx.el.option("Every status", value=""),
                    rx.foreach(A.statuses, lambda s: rx.el.option(s, value=s)),
                    id="admin-order-status",
                    name="status",
                    class_name="native-select",
                ),
                align="center",
            ),
            rx.button("Filter", type="submit", variant="soft"),
            on_submit=A.filter,
        ),
        kit.when_any(
            A.rows, rx.vstack(rx.foreach(A.rows, _admin_order), width="100%"), "No orders."
        ),
        width="100%",
        spacing="3",
    )
