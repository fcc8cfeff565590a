"""Organization pages: /orgs (list and switcher), /orgs/invitation, /orgs/[org_id]."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from aixplore.web.components import card_form, field, form_error, form_notice, link_button
from aixplore.web.layout import page
from aixplore.web.orgs.state import InvitationState, OrgsState, OrgState


def _role_badge(role: rx.Var) -> Any:
    return rx.match(
        role,
        ("owner", rx.badge("Owner", color_scheme="violet")),
        ("admin", rx.badge("Admin", color_scheme="blue")),
        rx.badge("Member", color_scheme="gray"),
    )


def _org_card(org: ObjectVar[dict[str, Any]]) -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.vstack(
                rx.link(rx.heading(org["name"], size="4", as_="h3"), href=f"/orgs/{org['id']}"),
                rx.text(org["slug"], size="1", color_scheme="gray"),
                spacing="1",
                align="start",
            ),
            rx.spacer(),
            _role_badge(org["role"]),
            width="100%",
            align="center",
        ),
        width="100%",
    )


def orgs_page() -> rx.Component:
    """My organizations, pending invitations and a form for a new one."""
    return page(
        "Organizations",
        rx.vstack(
            rx.heading("Organizations", size="7", as_="h1"),
            rx.cond(
                OrgsState.invitations.length() > 0,  # pyright: ignore[reportAttributeAccessIssue]
                rx.vstack(
                    rx.heading("Invitations", size="5", as_="h2"),
                    rx.foreach(
                        OrgsState.invitations,
                        lambda inv: rx.card(
                            rx.flex(
                                rx.text(f"{inv['org']} invites you as {inv['role']}."),
                                rx.spacer(),
                                rx.button(
                                    "Accept",
                                    size="2",
                                    on_click=OrgsState.answer(inv["id"].to(int), True),
                                ),
                                rx.button(
                                    "Decline",
                                    size="2",
                                    variant="soft",
                                    color_scheme="gray",
                                    on_click=OrgsState.answer(inv["id"].to(int), False),
                                ),
                                spacing="2",
                                wrap="wrap",
                                align="center",
                            ),
                            width="100%",
                        ),
                    ),
                    width="100%",
                ),
            ),
            rx.heading("Your organizations", size="5", as_="h2"),
            rx.cond(
                OrgsState.items.length() > 0,  # pyright: ignore[reportAttributeAccessIssue]
                rx.grid(
                    rx.foreach(OrgsState.items, _org_card),
                    columns=rx.breakpoints(initial="1", sm="2"),
                    spacing="3",
                    width="100%",
                ),
                rx.text("You do not belong to an organization yet.", color_scheme="gray"),
            ),
            rx.card(
                rx.form(
                    rx.vstack(
                        rx.heading("New organization", size="4", as_="h2"),
                        form_error(OrgsState.error),
                        field("Name", "name", max_length=80),
                        field(
                            "Short name",
                            "slug",
                            max_length=40,
                            hint="Lowercase letters, digits and dashes; used in sign-in records.",
                        ),
                        rx.button("Create organization", type="submit"),
                        spacing="3",
                        width="100%",
                        align="start",
                    ),
                    on_submit=OrgsState.create,
                    reset_on_submit=False,
                    width="100%",
                ),
                width="100%",
                max_width="520px",
            ),
            spacing="4",
            width="100%",
        ),
    )


def invitation_page() -> rx.Component:
    """Accept or decline a mailed invitation."""
    return page(
        "Invitation",
        card_form(
            "Invitation",
            "Join an organization on AiXplore.",
            form_error(InvitationState.error),
            form_notice(InvitationState.done),
            rx.cond(
                (InvitationState.org_name != "") & (InvitationState.done == ""),
                rx.vstack(
                    rx.text(
                        f"{InvitationState.org_name} invites you to join as {InvitationState.role}."
                    ),
                    rx.hstack(
                        rx.button("Accept", on_click=InvitationState.answer(True)),
                        rx.button(
                            "Decline",
                            variant="soft",
                            color_scheme="gray",
                            on_click=InvitationState.answer(False),
                        ),
                    ),
                    width="100%",
                ),
            ),
            link_button("Your organizations", "/orgs", variant="ghost"),
        ),
    )


def _member_row(m: ObjectVar[dict[str, Any]]) -> rx.Component:
    uid = m["id"].to(int)
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(m["name"], weight="medium"),
                rx.text(m["email"], size="1", color_scheme="gray"),
                spacing="0",
                align="start",
            )
        ),
        rx.table.cell(
            rx.hstack(
                _role_badge(m["role"]),
                rx.cond(m["source"] == "sso", rx.badge("SSO", color_scheme="green")),
                rx.cond(m["suspended"], rx.badge("Suspended", color_scheme="red")),
                spacing="1",
            )
        ),
        rx.table.cell(
            rx.flex(
                rx.cond(
                    OrgState.is_admin & (m["role"] != "owner"),
                    rx.fragment(
                        rx.cond(
                            m["role"] == "admin",
                            rx.button(
                                "Make member",
                                size="1",
                                variant="soft",
                                on_click=OrgState.set_role(uid, "member"),
                            ),
                            rx.button(
                                "Make admin",
                                size="1",
                                variant="soft",
                                on_click=OrgState.set_role(uid, "admin"),
                            ),
                        ),
                        rx.button(
                            "End sessions",
                            size="1",
                            variant="soft",
                            on_click=OrgState.end_sessions(uid),
                        ),
                        rx.cond(
                            m["suspended"],
                            rx.button(
                                "Reinstate",
                                size="1",
                                variant="soft",
                                on_click=OrgState.suspend(uid, False),
                            ),
                            rx.button(
                                "Suspend",
                                size="1",
                                variant="soft",
                                color_scheme="red",
                                on_click=OrgState.suspend(uid, True),
                            ),
                        ),
                        rx.button(
                            "Remove",
                            size="1",
                            variant="soft",
                            color_scheme="red",
                            on_click=OrgState.remove(uid),
                        ),
                    ),
                ),
                rx.cond(
                    OrgState.is_owner & (m["role"] != "owner"),
                    rx.button(
                        "Make owner", size="1", variant="outline", on_click=OrgState.transfer(uid)
                    ),
                ),
                rx.cond(
                    (uid == OrgState.viewer_id) & (m["role"] != "owner"),
                    rx.button("Leave", size="1", variant="soft", on_click=OrgState.remove(uid)),
                ),
                spacing="1",
                wrap="wrap",
            )
        ),
    )


def org_page() -> rx.Component:
    """One organization: members; for admins also invitations, settings and domains."""
    from aixplore.web.orgs.settings_pages import admin_sections

    return page(
        "Organization",
        rx.vstack(
            rx.flex(
                rx.heading(OrgState.org["name"].to(str), size="7", as_="h1"),
                rx.spacer(),
                rx.cond(
                    OrgState.is_admin,
                    rx.fragment(
                        link_button(
                            "Single sign-on",
                            f"/orgs/{OrgState.org['id'].to(str)}/sso",
                            variant="soft",
                        ),
                        link_button(
                            "API keys",
                            f"/orgs/{OrgState.org['id'].to(str)}/keys",
                            variant="soft",
                        ),
                        link_button(
                            "Webhooks",
                            f"/orgs/{OrgState.org['id'].to(str)}/webhooks",
                            variant="soft",
                        ),
                        link_button(
                            "Audit log",
                            f"/orgs/{OrgState.org['id'].to(str)}/audit",
                            variant="soft",
                        ),
                    ),
                ),
                link_button("All organizations", "/orgs", variant="ghost"),
                spacing="2",
                wrap="wrap",
                width="100%",
                align="center",
            ),
            form_error(OrgState.error),
            rx.heading("Members", size="5", as_="h2"),
            rx.box(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            rx.table.column_header_cell("Person"),
                            rx.table.column_header_cell("Role"),
                            rx.table.column_header_cell("Actions"),
                        )
                    ),
                    rx.table.body(rx.foreach(OrgState.members, _member_row)),
                    width="100%",
                ),
                width="100%",
                overflow_x="auto",
            ),
            rx.cond(OrgState.is_admin, admin_sections()),
            spacing="4",
            width="100%",
        ),
    )
