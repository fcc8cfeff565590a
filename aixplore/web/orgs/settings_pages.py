"""The admin-only sections of an organization's page: invitations, sign-in policy, apps,
domains."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from aixplore.web import kit
from aixplore.web.oauth.pages import app_form, app_row
from aixplore.web.orgs.apps_state import OrgAppsState
from aixplore.web.orgs.links import reauth_form
from aixplore.web.orgs.state import OrgState


def _domain_row(d: ObjectVar[dict[str, Any]]) -> rx.Component:
    did = d["id"].to(int)
    return rx.vstack(
        kit.actions(
            rx.text(d["domain"], weight="medium"),
            kit.flag_badge(d["verified"], ("Verified", "green"), ("Not verified", "orange")),
            rx.spacer(),
            kit.actions(
                rx.cond(
                    d["verified"],
                    rx.fragment(),
                    kit.action("Verify", OrgState.verify(did), variant="solid"),
                ),
                kit.action("Remove", OrgState.unclaim(did), tone="danger"),
            ),
            width="100%",
        ),
        rx.cond(
            d["verified"],
            rx.fragment(),
            rx.code(
                f'{d["txt_name"]} TXT "{d["txt_value"]}"',
                size="1",
                style={"overflow_wrap": "anywhere"},
            ),
        ),
        width="100%",
        spacing="1",
    )


def _pending(inv: ObjectVar[dict[str, Any]]) -> rx.Component:
    return rx.flex(
        rx.text(f"{inv['email']} · {inv['role']}", size="2"),
        rx.spacer(),
        kit.action("Withdraw", OrgState.revoke(inv["id"].to(int))),
        width="100%",
        align="center",
    )


def admin_sections() -> rx.Component:
    """Invitations, sign-in policy, apps and domains (shown to org admins; services re-check)."""
    org = OrgState.org
    return rx.vstack(
        kit.section(
            "Invite someone",
            kit.inline_form(
                kit.grow(kit.field("Email", "email", type_="email")),
                rx.el.label(
                    rx.text("Role", class_name="field-label"),
                    rx.el.select(
                        rx.el.option("Member", value="member"),
                        rx.el.option("Admin", value="admin"),
                        name="role",
                        default_value="member",
                    ),
                ),
                kit.submit_button("Send invitation"),
                on_submit=OrgState.invite,
                reset=True,
            ),
            rx.foreach(OrgState.pending, _pending),
            size="2",
        ),
        kit.section(
            "Sign-in policy",
            kit.form(
                kit.field("Name", "name", max_length=80, default_value=org["name"].to(str)),
                kit.checkbox(
                    "Enforce single sign-on (members and verified domains may not use a "
                    "password; the owner keeps one as a way in)",
                    "enforce_sso",
                    checked=org["enforce_sso"].to(bool),
                ),
                kit.field(
                    "Re-authentication period (hours, 0 for the platform default)",
                    "reauth_hours",
                    type_="number",
                    max_length=5,
                    default_value=org["reauth_hours"].to(str),
                ),
                kit.checkbox(
                    "Members may authorize third-party apps to use AiXplore for them",
                    "third_party_apps",
                    checked=org["third_party_apps_allowed"].to(bool),
                ),
                on_submit=OrgState.save_settings,
                submit="Save",
                max_width=None,
                width="100%",
            ),
            size="2",
        ),
        kit.section(
            "Apps",
            kit.note(
                "Apps the organization owns: its admins manage them together, and they stay "
                "when the admin who registered one leaves."
            ),
            app_form(OrgAppsState, select_id="org-app-kind"),
            kit.when_any(
                OrgAppsState.apps,
                kit.item_list(OrgAppsState.apps, lambda app: app_row(app, OrgAppsState)),
                "No apps yet.",
            ),
            size="2",
        ),
        kit.section(
            "Email domains",
            kit.note(
                "Verified domains send their users to your identity provider at sign-in, "
                "and it may sign in every address of theirs."
            ),
            reauth_form(OrgState.reauthenticate, OrgState.reauth_error, OrgState.needs_reauth),
            rx.foreach(OrgState.claimed, _domain_row),
            kit.inline_form(
                kit.grow(kit.field("Domain", "domain", max_length=253)),
                kit.submit_button("Claim"),
                on_submit=OrgState.claim,
                reset=True,
            ),
            size="2",
        ),
        spacing="4",
        width="100%",
    )
