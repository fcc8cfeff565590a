"""The /admin page."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from aixplore.web.admin.state import AdminUsersState
from aixplore.web.layout import page


def _user_row(user: ObjectVar[dict[str, Any]]) -> rx.Component:
    uid = user["id"].to(int)
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(user["name"], weight="medium"),
                rx.text(user["email"], size="1", color_scheme="gray"),
                spacing="0",
                align="start",
            )
        ),
        rx.table.cell(
            rx.hstack(
                rx.cond(
                    user["role"] == "platform_admin",
                    rx.badge("Admin", color_scheme="violet"),
                    rx.badge("Member", color_scheme="gray"),
                ),
                rx.cond(user["suspended"], rx.badge("Suspended", color_scheme="red")),
                rx.cond(user["publisher"], rx.badge("Verified publisher", color_scheme="violet")),
                rx.cond(
                    user["verified"], rx.fragment(), rx.badge("Unverified", color_scheme="orange")
                ),
                wrap="wrap",
                spacing="1",
            ),
            custom_attrs={"data-label": "Status"},
        ),
        rx.table.cell(user["joined"], custom_attrs={"data-label": "Joined"}),
        rx.table.cell(
            rx.hstack(
                rx.cond(
                    user["role"] == "platform_admin",
                    rx.button(
                        "Make member",
                        size="1",
                        variant="soft",
                        on_click=AdminUsersState.set_role(uid, "member"),
                    ),
                    rx.button(
                        "Make admin",
                        size="1",
                        variant="soft",
                        on_click=AdminUsersState.set_role(uid, "platform_admin"),
                    ),
                ),
                rx.cond(
                    user["publisher"],
                    rx.button(
                        "Unverify publisher",
                        size="1",
                        variant="soft",
                        on_click=AdminUsersState.set_publisher_verified(uid, False),
                    ),
                    rx.button(
                        "Verify publisher",
                        size="1",
                        variant="soft",
                        on_click=AdminUsersState.set_publisher_verified(uid, True),
                    ),
                ),
                rx.cond(
                    user["suspended"],
                    rx.button(
                        "Reinstate",
                        size="1",
                        variant="soft",
                        color_scheme="green",
                        on_click=AdminUsersState.set_suspended(uid, False),
                    ),
                    rx.button(
                        "Suspend",
                        size="1",
                        variant="soft",
                        color_scheme="red",
                        on_click=AdminUsersState.set_suspended(uid, True),
                    ),
                ),
                spacing="2",
                wrap="wrap",
            ),
            custom_attrs={"data-label": "Actions"},
        ),
    )


def admin_page() -> rx.Component:
    """User administration for platform admins."""
    return page(
        "Admin",
        rx.cond(
            AdminUsersState.allowed,
            rx.vstack(
                rx.heading("Users", size="7", as_="h1"),
                rx.form(
                    rx.hstack(
                        rx.el.label("Search users", html_for="admin-search", class_name="sr-only"),
                        rx.input(
                            id="admin-search",
                            name="query",
                            placeholder="Search by email or name",
                            max_length=100,
                            width="100%",
                        ),
                        rx.button("Search", type="submit"),
                        width="100%",
                    ),
                    on_submit=AdminUsersState.search,
                    reset_on_submit=False,
                    width="100%",
                    max_width="560px",
                ),
                rx.text(
                    AdminUsersState.total,
                    rx.cond(AdminUsersState.total == 1, " user", " users"),
                    size="2",
                    color_scheme="gray",
                ),
                rx.box(
                    rx.table.root(
                        rx.table.header(
                            rx.table.row(
                                rx.table.column_header_cell("User"),
                                rx.table.column_header_cell("Status"),
                                rx.table.column_header_cell("Joined"),
                                rx.table.column_header_cell("Actions"),
                            )
                        ),
                        rx.table.body(rx.foreach(AdminUsersState.users, _user_row)),
                        width="100%",
                        class_name="stack-table",
                    ),
                    overflow_x="auto",
                    width="100%",
                ),
                rx.hstack(
                    rx.button(
                        "Previous",
                        variant="soft",
                        disabled=AdminUsersState.page <= 1,
                        on_click=AdminUsersState.go_to_page(AdminUsersState.page - 1),
                    ),
                    rx.text("Page ", AdminUsersState.page, " of ", AdminUsersState.pages, size="2"),
                    rx.button(
                        "Next",
                        variant="soft",
                        disabled=AdminUsersState.page >= AdminUsersState.pages,
                        on_click=AdminUsersState.go_to_page(AdminUsersState.page + 1),
                    ),
                    align="center",
                ),
                spacing="4",
                width="100%",
            ),
            rx.vstack(
                rx.heading("Admin", size="7", as_="h1"),
                rx.text("This area is for platform admins."),
                spacing="3",
            ),
        ),
    )
