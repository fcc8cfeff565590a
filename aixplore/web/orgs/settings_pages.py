"""Admin-only sections of an organization page (invitations, settings, domains), the SSO
settings and health panel, and the email-first SSO sign-in page."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from aixplore.web.components import card_form, field, form_error, link_button
from aixplore.web.layout import page
from aixplore.web.orgs.links import reauth_form
from aixplore.web.orgs.sso_state import SsoAdminState, SsoSignInState
from aixplore.web.orgs.state import OrgState


def _section(title: str, *children: rx.Component) -> rx.Component:
    return rx.card(
        rx.vstack(rx.heading(title, size="4", as_="h2"), *children, spacing="3", width="100%"),
        width="100%",
    )


def _check(label: str, name: str, checked: rx.Var | bool) -> rx.Component:
    return rx.el.label(
        rx.hstack(
            rx.el.input(type="checkbox", name=name, default_checked=checked),
            rx.text(label, size="2"),
            spacing="2",
            align="center",
        ),
    )


def _domain_row(d: ObjectVar[dict[str, Any]]) -> rx.Component:
    did = d["id"].to(int)
    return rx.vstack(
        rx.flex(
            rx.text(d["domain"], weight="medium"),
            rx.cond(
                d["verified"],
                rx.badge("Verified", color_scheme="green"),
                rx.badge("Not verified", color_scheme="orange"),
            ),
            rx.spacer(),
            rx.cond(
                d["verified"],
                rx.fragment(),
                rx.button("Verify", size="1", on_click=OrgState.verify(did)),
            ),
            rx.button(
                "Remove",
                size="1",
                variant="soft",
                color_scheme="red",
                on_click=OrgState.unclaim(did),
            ),
            spacing="2",
            align="center",
            wrap="wrap",
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


def admin_sections() -> rx.Component:
    """Invitations, sign-in policy and domains (shown to org admins; services re-check)."""
    return rx.vstack(
        _section(
            "Invite someone",
            rx.form(
                rx.flex(
                    rx.box(field("Email", "email", type_="email"), flex="1", min_width="200px"),
                    rx.el.label(
                        rx.text("Role", class_name="field-label"),
                        rx.el.select(
                            rx.el.option("Member", value="member"),
                            rx.el.option("Admin", value="admin"),
                            name="role",
                            default_value="member",
                        ),
                    ),
                    rx.button("Send invitation", type="submit"),
                    spacing="3",
                    align="end",
                    wrap="wrap",
                ),
                on_submit=OrgState.invite,
                reset_on_submit=True,
            ),
            rx.foreach(
                OrgState.pending,
                lambda inv: rx.flex(
                    rx.text(f"{inv['email']} · {inv['role']}", size="2"),
                    rx.spacer(),
                    rx.button(
                        "Withdraw",
                        size="1",
                        variant="soft",
                        on_click=OrgState.revoke(inv["id"].to(int)),
                    ),
                    width="100%",
                    align="center",
                ),
            ),
        ),
        _section(
            "Sign-in policy",
            rx.form(
                rx.vstack(
                    field(
                        "Name", "name", max_length=80, default_value=OrgState.org["name"].to(str)
                    ),
                    _check(
                        "Enforce single sign-on (members and verified domains may not use a "
                        "password; the owner keeps one as a way in)",
                        "enforce_sso",
                        OrgState.org["enforce_sso"].to(bool),
                    ),
                    field(
                        "Re-authentication period (hours, 0 for the platform default)",
                        "reauth_hours",
                        type_="number",
                        max_length=5,
                        default_value=OrgState.org["reauth_hours"].to(str),
                    ),
                    rx.button("Save", type="submit"),
                    spacing="3",
                    align="start",
                    width="100%",
                ),
                on_submit=OrgState.save_settings,
                reset_on_submit=False,
            ),
        ),
        _section(
            "Email domains",
            rx.text(
                "Verified domains send their users to your identity provider at sign-in, "
                "and it may sign in every address of theirs.",
                size="2",
                color_scheme="gray",
            ),
            reauth_form(OrgState.reauthenticate, OrgState.reauth_error, OrgState.needs_reauth),
            rx.foreach(OrgState.claimed, _domain_row),
            rx.form(
                rx.flex(
                    rx.box(field("Domain", "domain", max_length=253), flex="1", min_width="200px"),
                    rx.button("Claim", type="submit"),
                    spacing="3",
                    align="end",
                    wrap="wrap",
                ),
                on_submit=OrgState.claim,
                reset_on_submit=True,
            ),
        ),
        spacing="4",
        width="100%",
    )


def _health_card(h: ObjectVar[dict[str, Any]]) -> rx.Component:
    def line(label: str, value: rx.Var, warn: rx.Var | bool = False) -> rx.Component:
        return rx.flex(
            rx.text(label, size="2", color_scheme="gray", min_width="11em"),
            rx.text(value, size="2", color=rx.cond(warn, rx.color("red", 11), "inherit")),
            spacing="2",
            wrap="wrap",
        )

    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(h["protocol"], size="3", as_="h3"),
                rx.cond(
                    h["enabled"],
                    rx.badge("On", color_scheme="green"),
                    rx.badge("Off", color_scheme="gray"),
                ),
            ),
            line("Certificate", h["cert"], h["cert_warn"].to(bool)),
            line("Last success", h["success"]),
            line("Last failure", h["failure"]),
            line("Failure reason", h["reason"]),
            line("Clock skew", h["skew"]),
            line("Connection test", h["test"]),
            spacing="1",
            width="100%",
        ),
        width="100%",
    )


def sso_page() -> rx.Component:
    """OIDC and SAML settings, and the health panel."""
    oidc, saml = SsoAdminState.oidc, SsoAdminState.saml
    return page(
        "Single sign-on",
        rx.vstack(
            rx.heading("Single sign-on", size="7", as_="h1"),
            rx.cond(
                SsoAdminState.test_result != "",
                rx.callout(
                    SsoAdminState.test_result,
                    icon="check",
                    color_scheme="green",
                    high_contrast=True,
                    role="status",
                    width="100%",
                ),
            ),
            reauth_form(
                SsoAdminState.reauthenticate,
                SsoAdminState.reauth_error,
                SsoAdminState.needs_reauth,
            ),
            rx.heading("Health", size="5", as_="h2"),
            rx.grid(
                rx.foreach(SsoAdminState.health, _health_card),
                columns=rx.breakpoints(initial="1", md="2"),
                spacing="3",
                width="100%",
            ),
            _section(
                "OpenID Connect",
                form_error(SsoAdminState.oidc_error),
                rx.text(f"Redirect URI to register: {oidc['redirect_uri']}", size="2"),
                rx.form(
                    rx.vstack(
                        field(
                            "Discovery URL",
                            "discovery_url",
                            max_length=500,
                            default_value=oidc["discovery_url"].to(str),
                        ),
                        field(
                            "Client ID",
                            "client_id",
                            max_length=255,
                            default_value=oidc["client_id"].to(str),
                        ),
                        field(
                            "Client secret",
                            "client_secret",
                            type_="password",
                            max_length=500,
                            required=False,
                            hint="Stored encrypted. Leave empty to keep the current one.",
                        ),
                        field(
                            "Scopes", "scopes", max_length=300, default_value=oidc["scopes"].to(str)
                        ),
                        field(
                            "Groups that make an org admin (comma separated)",
                            "admin_groups",
                            max_length=500,
                            required=False,
                            default_value=oidc["admin_groups"].to(str),
                        ),
                        rx.el.input(
                            type="hidden", name="email_attr", value=oidc["email_attr"].to(str)
                        ),
                        rx.el.input(
                            type="hidden", name="name_attr", value=oidc["name_attr"].to(str)
                        ),
                        rx.el.input(
                            type="hidden", name="groups_attr", value=oidc["groups_attr"].to(str)
                        ),
                        _check(
                            "Accept email addresses the provider has not marked verified",
                            "allow_unverified_email",
                            oidc["allow_unverified_email"].to(bool),
                        ),
                        rx.text(
                            "Off by default: only email_verified true counts. Turn it on only "
                            "for a provider that never sends the claim and that you trust to "
                            "check addresses itself; otherwise anyone who can put an address "
                            "of your domains on an account there is signed in as that person. "
                            "The change is audited and mailed to the owner.",
                            size="1",
                            color_scheme="gray",
                        ),
                        _check("Enabled", "enabled", oidc["enabled"].to(bool)),
                        rx.flex(
                            rx.button("Save OIDC", type="submit"),
                            rx.button(
                                "Test connection",
                                type="button",
                                variant="soft",
                                on_click=SsoAdminState.test_connection("oidc"),
                            ),
                            spacing="3",
                            wrap="wrap",
                        ),
                        spacing="3",
                        align="start",
                        width="100%",
                    ),
                    on_submit=SsoAdminState.save_oidc,
                    reset_on_submit=False,
                ),
            ),
            _section(
                "SAML 2.0",
                form_error(SsoAdminState.saml_error),
                rx.text(
                    f"SP metadata: {saml['sp_metadata']}",
                    size="2",
                    style={"overflow_wrap": "anywhere"},
                ),
                rx.text(
                    f"IdP: {saml['idp_entity_id']} · {saml['certs']} certificate(s)",
                    size="2",
                    style={"overflow_wrap": "anywhere"},
                ),
                rx.form(
                    rx.vstack(
                        field(
                            "IdP metadata URL",
                            "idp_metadata_url",
                            max_length=500,
                            required=False,
                            default_value=saml["idp_metadata_url"].to(str),
                        ),
                        rx.el.label(
                            "Or paste the IdP metadata XML",
                            html_for="field-idp_metadata_xml",
                            class_name="field-label",
                        ),
                        rx.text_area(
                            id="field-idp_metadata_xml",
                            name="idp_metadata_xml",
                            rows="4",
                            width="100%",
                        ),
                        field(
                            "Groups that make an org admin (comma separated)",
                            "admin_groups",
                            max_length=500,
                            required=False,
                            default_value=saml["admin_groups"].to(str),
                        ),
                        rx.el.input(
                            type="hidden", name="email_attr", value=saml["email_attr"].to(str)
                        ),
                        rx.el.input(
                            type="hidden", name="name_attr", value=saml["name_attr"].to(str)
                        ),
                        rx.el.input(
                            type="hidden", name="groups_attr", value=saml["groups_attr"].to(str)
                        ),
                        _check(
                            "Allow sign-ins started at the IdP",
                            "allow_idp_initiated",
                            saml["allow_idp_initiated"].to(bool),
                        ),
                        _check("Enabled", "enabled", saml["enabled"].to(bool)),
                        rx.flex(
                            rx.button("Save SAML", type="submit"),
                            rx.button(
                                "Test connection",
                                type="button",
                                variant="soft",
                                on_click=SsoAdminState.test_connection("saml"),
                            ),
                            spacing="3",
                            wrap="wrap",
                        ),
                        spacing="3",
                        align="start",
                        width="100%",
                    ),
                    on_submit=SsoAdminState.save_saml,
                    reset_on_submit=False,
                ),
            ),
            spacing="4",
            width="100%",
        ),
    )


def sso_sign_in_page() -> rx.Component:
    """Email first: addresses of a verified domain go to their organization's IdP."""
    return page(
        "Single sign-on",
        card_form(
            "Sign in with single sign-on",
            "Enter your work email; we send you to your organization's sign-in.",
            rx.form(
                rx.vstack(
                    form_error(SsoSignInState.error),
                    field("Work email", "email", type_="email", autocomplete="username"),
                    rx.button("Continue", type="submit", size="3", width="100%"),
                    spacing="3",
                    width="100%",
                ),
                on_submit=SsoSignInState.submit,
                reset_on_submit=False,
                width="100%",
            ),
            link_button("Sign in with a password", "/login", variant="ghost"),
        ),
    )
