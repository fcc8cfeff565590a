"""The /admin page: the users, with roles, publisher badges and suspension."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from aixplore.web import kit
from aixplore.web.admin.state import AdminUsersState as A
from aixplore.web.layout import admin_template


def _status(user: ObjectVar[dict[str, Any]]) -> rx.Component:
    return kit.badges(
        kit.flag_badge(user["role"] == "platform_admin", ("Admin", "violet"), ("Member", "gray")),
        kit.flag_badge(user["you"], ("You", "blue")),
        kit.flag_badge(user["suspended"], ("Suspended", "red")),
        kit.flag_badge(user["publisher"], ("Verified publisher", "violet")),
        kit.flag_badge(~user["verified"].to(bool), ("Unverified", "orange")),
    )


def _actions(user: ObjectVar[dict[str, Any]]) -> rx.Component:
    uid = user["id"].to(int)
    publisher = kit.toggle(
        user["publisher"],
        kit.action("Unverify publisher", A.set_publisher_verified(uid, False)),
        kit.action("Verify publisher", A.set_publisher_verified(uid, True)),
    )
    return rx.cond(
        user["you"],
        # Your own row: no demotion and no suspension (no admin locks themselves out).
        kit.actions(publisher),
        kit.actions(
            kit.toggle(
                user["role"] == "platform_admin",
                kit.action("Make member", A.set_role(uid, "member")),
                kit.action("Make admin", A.set_role(uid, "platform_admin")),
            ),
            publisher,
            kit.toggle(
                user["suspended"],
                kit.action("Reinstate", A.set_suspended(uid, False), tone="positive"),
                kit.action("Suspend", A.set_suspended(uid, True), tone="danger"),
            ),
        ),
    )


USER_COLUMNS = [
    kit.column("User", lambda u: kit.name_and_email(u["name"], u["email"]), label_on_phone=False),
    kit.column("Status", _status),
    kit.column("Joined", "joined", nowrap=True),
    kit.column("Actions", _actions),
]


def _pager() -> rx.Component:
    return rx.hstack(
        kit.action("Previous", A.go_to_page(A.page - 1), size="2", disabled=A.page <= 1),
        rx.text("Page ", A.page, " of ", A.pages, size="2"),
        kit.action("Next", A.go_to_page(A.page + 1), size="2", disabled=A.page >= A.pages),
        align="center",
    )


@admin_template("Admin", "/admin", A.allowed)
def admin_page() -> rx.Component:
    """User administration for platform admins."""
    return rx.vstack(
        kit.page_header("Users"),
        kit.inline_form(
            kit.search_box("Search users", "query", placeholder="Search by email or name"),
            kit.submit_button("Search"),
            on_submit=A.search,
            max_width="560px",
            width="100%",
        ),
        rx.text(A.total, kit.counted(A.total, "user"), size="2", color_scheme="gray"),
        kit.data_table(A.users, USER_COLUMNS),
        _pager(),
        spacing="4",
        width="100%",
    )
