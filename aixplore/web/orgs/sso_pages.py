"""Single sign-on: an organization's OIDC and SAML settings with their health panel, and the
email-first SSO sign-in page."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from aixplore.web import kit
from aixplore.web.layout import card_page, org_template
from aixplore.web.orgs.links import reauth_form
from aixplore.web.orgs.sso_state import SsoAdminState, SsoSignInState

S = SsoAdminState


def _health_line(label: str, value: rx.Var, warn: rx.Var | bool = False) -> rx.Component:
    return rx.flex(
        rx.text(label, size="2", color_scheme="gray", min_width="11em"),
        rx.text(value, size="2", color=rx.cond(warn, rx.color("red", 11), "inherit")),
        spacing="2",
        wrap="wrap",
    )


def _health_card(h: ObjectVar[dict[str, Any]]) -> rx.Component:
    return kit.tile(
        rx.hstack(
            rx.heading(h["protocol"], size="3", as_="h3"),
            kit.flag_badge(h["enabled"], ("On", "green"), ("Off", "gray")),
        ),
        _health_line("Certificate", h["cert"], h["cert_warn"].to(bool)),
        _health_line("Last success", h["success"]),
        _health_line("Last failure", h["failure"]),
        _health_line("Failure reason", h["reason"]),
        _health_line("Clock skew", h["skew"]),
        _health_line("Connection test", h["test"]),
        spacing="1",
    )


def _mapping(conn: Any) -> list[rx.Component]:
    """The attribute mapping, sent back as it is (the page does not edit it yet)."""
    names = ("email_attr", "name_attr", "groups_attr")
    return [rx.el.input(type="hidden", name=n, value=conn[n].to(str)) for n in names]


def _admin_groups(conn: Any) -> rx.Component:
    return kit.field(
        "Groups that make an org admin (comma separated)",
        "admin_groups",
        max_length=500,
        required=False,
        default_value=conn["admin_groups"].to(str),
    )


def _save_and_test(save: str, protocol: str) -> rx.Component:
    return kit.actions(
        kit.submit_button(save),
        kit.action("Test connection", S.test_connection(protocol), size="2", type="button"),
        spacing="3",
    )


def _oidc_section() -> rx.Component:
    oidc = S.oidc
    return kit.section(
        "OpenID Connect",
        kit.form_error(S.oidc_error),
        rx.text(f"Redirect URI to register: {oidc['redirect_uri']}", size="2"),
        kit.form(
            kit.field(
                "Discovery URL",
                "discovery_url",
                max_length=500,
                default_value=oidc["discovery_url"].to(str),
            ),
            kit.field(
                "Client ID", "client_id", max_length=255, default_value=oidc["client_id"].to(str)
            ),
            kit.field(
                "Client secret",
                "client_secret",
                type_="password",
                max_length=500,
                required=False,
                hint="Stored encrypted. Leave empty to keep the current one.",
            ),
            kit.field("Scopes", "scopes", max_length=300, default_value=oidc["scopes"].to(str)),
            _admin_groups(oidc),
            *_mapping(oidc),
            kit.checkbox(
                "Accept email addresses the provider has not marked verified",
                "allow_unverified_email",
                checked=oidc["allow_unverified_email"].to(bool),
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
            kit.checkbox("Enabled", "enabled", checked=oidc["enabled"].to(bool)),
            on_submit=S.save_oidc,
            submit=_save_and_test("Save OIDC", "oidc"),
            max_width=None,
            width="100%",
        ),
        size="2",
    )


def _saml_section() -> rx.Component:
    saml = S.saml
    return kit.section(
        "SAML 2.0",
        kit.form_error(S.saml_error),
        rx.text(f"SP metadata: {saml['sp_metadata']}", size="2", overflow_wrap="anywhere"),
        rx.text(
            f"IdP: {saml['idp_entity_id']} · {saml['certs']} certificate(s)",
            size="2",
            overflow_wrap="anywhere",
        ),
        kit.form(
            kit.field(
                "IdP metadata URL",
                "idp_metadata_url",
                max_length=500,
                required=False,
                default_value=saml["idp_metadata_url"].to(str),
            ),
            kit.text_area_field(
                "Or paste the IdP metadata XML", "idp_metadata_xml", max_length=200_000
            ),
            _admin_groups(saml),
            *_mapping(saml),
            kit.checkbox(
                "Allow sign-ins started at the IdP",
                "allow_idp_initiated",
                checked=saml["allow_idp_initiated"].to(bool),
            ),
            kit.checkbox("Enabled", "enabled", checked=saml["enabled"].to(bool)),
            on_submit=S.save_saml,
            submit=_save_and_test("Save SAML", "saml"),
            max_width=None,
            width="100%",
        ),
        size="2",
    )


@org_template("Single sign-on", "/sso", S.org_id, show=S.org_id > 0)
def sso_page() -> rx.Component:
    """OIDC and SAML settings, and the health panel."""
    return rx.vstack(
        kit.page_header("Single sign-on"),
        rx.cond(
            S.test_result != "",
            rx.callout(
                S.test_result,
                icon="check",
                color_scheme="green",
                high_contrast=True,
                role="status",
                width="100%",
            ),
        ),
        reauth_form(S.reauthenticate, S.reauth_error, S.needs_reauth),
        rx.heading("Health", size="5", as_="h2"),
        rx.grid(
            rx.foreach(S.health, _health_card),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="3",
            width="100%",
        ),
        _oidc_section(),
        _saml_section(),
        spacing="4",
        width="100%",
    )


def sso_sign_in_page() -> rx.Component:
    """Email first: addresses of a verified domain go to their organization's IdP."""
    return card_page(
        "Sign in with single sign-on",
        "Enter your work email; we send you to your organization's sign-in.",
        kit.form(
            kit.field("Work email", "email", type_="email", autocomplete="username"),
            on_submit=SsoSignInState.submit,
            submit=kit.submit_button("Continue", full_width=True),
            error=SsoSignInState.error,
            max_width=None,
            width="100%",
        ),
        kit.link_button("Sign in with a password", "/login", variant="ghost"),
    )
