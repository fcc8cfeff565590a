"""Organization pages: /orgs (list and switcher), /orgs/invitation, /orgs/[org_id]."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from aixplore.web import kit
from aixplore.web.layout import card_page, org_template, stacked_page
from aixplore.web.orgs.state import InvitationState, OrgsState, OrgState


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
            kit.role_badge(org["role"]),
            width="100%",
            align="center",
        ),
        width="100%",
    )


def _answer_buttons(on_accept: Any, on_decline: Any) -> rx.Component:
    return kit.actions(
        kit.action("Accept", on_accept, size="2", variant="solid"),
        kit.action("Decline", on_decline, size="2", color_scheme="gray"),
    )


def _invitation(inv: ObjectVar[dict[str, Any]]) -> rx.Component:
    iid = inv["id"].to(int)
    return rx.card(
        kit.actions(
            rx.text(f"{inv['org']} invites you as {inv['role']}."),
            rx.spacer(),
            _answer_buttons(OrgsState.answer(iid, True), OrgsState.answer(iid, False)),
        ),
        width="100%",
    )


def orgs_page() -> rx.Component:
    """My organizations, pending invitations and a form for a new one."""
    return stacked_page(
        "Organizations",
        kit.page_header("Organizations"),
        kit.when_any(
            OrgsState.invitations,
            rx.vstack(
                rx.heading("Invitations", size="5", as_="h2"),
                rx.foreach(OrgsState.invitations, _invitation),
                width="100%",
            ),
            rx.fragment(),
        ),
        rx.heading("Your organizations", size="5", as_="h2"),
        kit.when_any(
            OrgsState.items,
            rx.grid(
                rx.foreach(OrgsState.items, _org_card),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="3",
                width="100%",
            ),
            "You do not belong to an organization yet.",
        ),
        rx.card(
            kit.form(
                rx.heading("New organization", size="4", as_="h2"),
                kit.form_error(OrgsState.error),
                kit.field("Name", "name", max_length=80),
                kit.field(
                    "Short name",
                    "slug",
                    max_length=40,
                    hint="Lowercase letters, digits and dashes; used in sign-in records.",
                ),
                on_submit=OrgsState.create,
                submit="Create organization",
                max_width=None,
                width="100%",
            ),
            width="100%",
            max_width="520px",
        ),
    )


def invitation_page() -> rx.Component:
    """Accept or decline a mailed invitation."""
    return card_page(
        "Invitation",
        "Join an organization on AiXplore.",
        kit.form_error(InvitationState.error),
        kit.form_notice(InvitationState.done),
        rx.cond(
            (InvitationState.org_name != "") & (InvitationState.done == ""),
            rx.vstack(
                rx.text(
                    f"{InvitationState.org_name} invites you to join as {InvitationState.role}."
                ),
                _answer_buttons(InvitationState.answer(True), InvitationState.answer(False)),
                width="100%",
            ),
        ),
        kit.link_button("Your organizations", "/orgs", variant="ghost"),
    )


def _member_actions(m: ObjectVar[dict[str, Any]]) -> rx.Component:
    uid = m["id"].to(int)
    not_owner = m["role"] != "owner"
    return kit.actions(
        rx.cond(
            OrgState.is_admin & not_owner,
            rx.fragment(
                kit.toggle(
                    m["role"] == "admin",
                    kit.action("Make member", OrgState.set_role(uid, "member")),
                    kit.action("Make admin", OrgState.set_role(uid, "admin")),
                ),
                kit.action("End sessions", OrgState.end_sessions(uid)),
                kit.toggle(
                    m["suspended"],
                    kit.action("Reinstate", OrgState.suspend(uid, False)),
                    kit.action("Suspend", OrgState.suspend(uid, True), tone="danger"),
                ),
                kit.action("Remove", OrgState.remove(uid), tone="danger"),
            ),
        ),
        rx.cond(
            OrgState.is_owner & not_owner,
            kit.action("Make owner", OrgState.transfer(uid), variant="outline"),
        ),
        rx.cond(
            (uid == OrgState.viewer_id) & not_owner,
            kit.action("Leave", OrgState.remove(uid)),
        ),
        spacing="1",
    )


MEMBER_COLUMNS = [
    kit.column("Person", lambda m: kit.name_and_email(m["name"], m["email"]), label_on_phone=False),
    kit.column(
        "Role",
        lambda m: kit.badges(
            kit.role_badge(m["role"]),
            kit.flag_badge(m["source"] == "sso", ("SSO", "green")),
            kit.flag_badge(m["suspended"], ("Suspended", "red")),
        ),
    ),
    kit.column("Actions", _member_actions),
]


@org_template("Organization", "", OrgState.org["id"], show=OrgState.is_admin)
def org_page() -> rx.Component:
    """One organization: members; for admins also invitations, settings and domains."""
    from aixplore.web.orgs.settings_pages import admin_sections

    return rx.vstack(
        kit.page_header(
            OrgState.org["name"].to(str),
            kit.link_button("All organizations", "/orgs", variant="ghost"),
        ),
        kit.form_error(OrgState.error),
        rx.heading("Members", size="5", as_="h2"),
        kit.data_table(OrgState.members, MEMBER_COLUMNS),
        rx.cond(OrgState.is_admin, admin_sections()),
        spacing="4",
        width="100%",
    )
