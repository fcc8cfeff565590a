"""The app shell: top bar on desktop, drawer on phones, footer, color mode, skip link.

Also the page templates for areas with a side navigation (settings, admin, an organization):
decorators over a function that draws the page's body, as reflex-web's ``@webpage`` does.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import reflex as rx
from reflex_components_core.el.elements.inline import A

from aixplore.web import kit
from aixplore.web.kit import link_button
from aixplore.web.notifications.components import notification_bell
from aixplore.web.session import SessionState

NAV_LINKS: list[tuple[str, str]] = [
    ("Solutions", "/solutions"),
    ("Categories", "/categories"),
    ("Events", "/events"),
    ("Forums", "/forums"),
    ("Groups", "/groups"),
    ("Cards", "/cards"),
    ("Trading", "/trading"),
    ("Publish", "/publish"),
    ("About", "/about"),
]
# The signed-in member's pages, in the account menu (desktop) and the drawer (phones). The
# settings and admin pages have their own side navigation (web/kit/layouts.py): one entry each.
ACCOUNT_LINKS: list[tuple[str, str]] = [
    ("Feed", "/feed"),
    ("Messages", "/messages"),
    ("Public profile", "/u/me"),
    ("Paper portfolio", "/trading/portfolio"),
    ("My copies", "/trading/copies"),
    ("Profile", "/profile"),
    ("Notifications", "/notifications"),
    ("ECE tokens", "/token"),
    ("Order a custom app", "/order"),
    ("My orders", "/orders"),
    ("Saved", "/saved"),
    ("My gallery", "/gallery"),
    ("Live streams", "/live"),
    ("Organizations", "/orgs"),
    ("Settings", "/settings/security"),
]


def _brand() -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.box(
                rx.text("Ai", weight="bold", color="white", size="2"),
                background="linear-gradient(135deg, var(--violet-9), var(--cyan-9))",
                border_radius="8px",
                padding_x="6px",
                padding_y="2px",
            ),
            rx.text("AiXplore", weight="bold", size="5", color=rx.color("gray", 12)),
            spacing="2",
            align="center",
        ),
        href="/",
        underline="none",
        aria_label="AiXplore home",
    )


def _account_menu() -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(
            rx.button(
                rx.avatar(fallback=SessionState.viewer_initials, size="1", radius="full"),
                rx.text(SessionState.viewer_name, size="2", class_name="hide-narrow"),
                rx.icon("chevron-down", size=14),
                variant="ghost",
                aria_label="Account menu",
            )
        ),
        rx.menu.content(
            *[rx.menu.item(label, on_click=rx.redirect(href)) for label, href in ACCOUNT_LINKS],
            rx.menu.item("My solutions", on_click=rx.redirect(SessionState.publisher_href)),
            rx.cond(SessionState.is_admin, rx.menu.item("Admin", on_click=rx.redirect("/admin"))),
            rx.menu.separator(),
            rx.menu.item("Sign out", color="red", on_click=SessionState.sign_out),
        ),
    )


def _auth_buttons() -> rx.Component:
    return rx.cond(
        SessionState.signed_in,
        rx.hstack(notification_bell(), _account_menu(), spacing="4", align="center"),
        rx.hstack(
            link_button("Sign in", "/login", variant="soft"),
            link_button("Sign up", "/signup"),
            spacing="2",
        ),
    )


def _color_mode_toggle() -> rx.Component:
    return rx.icon_button(
        rx.color_mode_cond(rx.icon("moon", size=18), rx.icon("sun", size=18)),
        on_click=rx.toggle_color_mode,
        variant="ghost",
        aria_label="Switch between light and dark mode",
    )


def _drawer() -> rx.Component:
    links = [
        rx.drawer.close(rx.link(label, href=href, size="4", underline="none"))
        for label, href in NAV_LINKS
    ]
    return kit.drawer(
        rx.icon_button(rx.icon("menu", size=20), variant="ghost", aria_label="Open menu"),
        _brand(),
        rx.el.nav(
            rx.vstack(*links, spacing="4", align="start"),
            aria_label="Main (mobile)",
        ),
        rx.divider(),
        rx.cond(
            SessionState.signed_in,
            rx.vstack(
                rx.text(SessionState.viewer_name, weight="bold"),
                *[
                    rx.drawer.close(rx.link(label, href=href, underline="none"))
                    for label, href in ACCOUNT_LINKS
                ],
                rx.drawer.close(
                    rx.link(
                        "My solutions",
                        href=SessionState.publisher_href,
                        underline="none",
                    )
                ),
                rx.cond(
                    SessionState.is_admin,
                    rx.drawer.close(rx.link("Admin", href="/admin", underline="none")),
                ),
                rx.drawer.close(
                    rx.button(
                        "Sign out",
                        variant="soft",
                        color_scheme="red",
                        on_click=SessionState.sign_out,
                    )
                ),
                spacing="3",
                align="start",
            ),
            rx.vstack(
                rx.drawer.close(link_button("Sign in", "/login", variant="soft", width="100%")),
                rx.drawer.close(link_button("Sign up", "/signup", width="100%")),
                spacing="2",
                width="100%",
            ),
        ),
        close_label="Close menu",
    )


def navbar() -> rx.Component:
    """The top bar: full links on desktop, a drawer on phones."""
    desktop = rx.hstack(
        _brand(),
        rx.el.nav(
            rx.hstack(
                *[
                    rx.link(label, href=href, underline="none", size="3")
                    for label, href in NAV_LINKS
                ],
                spacing="5",
            ),
            aria_label="Main",
        ),
        rx.spacer(),
        _color_mode_toggle(),
        _auth_buttons(),
        spacing="6",
        align="center",
        width="100%",
    )
    mobile = rx.hstack(
        _drawer(),
        _brand(),
        rx.spacer(),
        _color_mode_toggle(),
        rx.cond(
            SessionState.signed_in,
            rx.hstack(notification_bell(), _account_menu(), spacing="3", align="center"),
            link_button("Sign in", "/login", size="2"),
        ),
        spacing="3",
        align="center",
        width="100%",
    )
    return rx.el.header(
        rx.desktop_only(desktop),
        rx.mobile_and_tablet(mobile),
        position="sticky",
        top="0",
        z_index="40",
        padding_x="1.25em",
        padding_y="0.75em",
        background_color=rx.color("gray", 1),
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        width="100%",
    )


def footer() -> rx.Component:
    """Links and a line about the product."""
    return rx.el.footer(
        rx.flex(
            rx.text(
                "© 2026 AiXplore · discover AI solutions, order custom apps.",
                size="2",
                color_scheme="gray",
            ),
            rx.spacer(),
            rx.hstack(
                rx.link("About", href="/about", size="2"),
                rx.link("Terms", href="/terms", size="2"),
                rx.link("Privacy", href="/privacy", size="2"),
                rx.link("Moderation log", href="/moderation-log", size="2"),
                rx.link("Contact", href="/contact", size="2"),
                spacing="4",
                wrap="wrap",
            ),
            direction=rx.breakpoints(initial="column", sm="row"),
            spacing="2",
            width="100%",
        ),
        padding="1.25em",
        border_top=f"1px solid {rx.color('gray', 4)}",
        margin_top="3em",
        width="100%",
    )


def page(title: str, *children: rx.Component, max_width: str = "1100px") -> rx.Component:
    """Wrap a page's content in the shell."""
    return rx.box(
        # A plain anchor: React Router's link (rx.el.a) resolves "#main" against the address
        # the page was prerendered at ("/solutions/"), which is not the page's own address.
        A.create("Skip to content", href="#main", class_name="skip-link"),
        navbar(),
        rx.el.main(
            rx.box(*children, max_width=max_width, margin_x="auto", width="100%"),
            id="main",
            padding_x="1.25em",
            padding_top="1.5em",
            min_height="70vh",
            width="100%",
        ),
        footer(),
        width="100%",
        overflow_x="clip",
    )


def card_page(title: str, subtitle: str, *children: Any) -> rx.Component:
    """A page holding one narrow card with one form (sign-in, sign-up, an invitation)."""
    return page(title, kit.card_form(title, subtitle, *children))


def stacked_page(
    title: str,
    *children: Any,
    max_width: str = "1100px",
    column_width: str | None = None,
    **stack: Any,
) -> rx.Component:
    """A page whose content is blocks one under another.

    Args:
        title: The page's title.
        *children: The blocks, top to bottom.
        max_width: How wide the page's content may grow (centred).
        column_width: How wide the blocks may grow, from the left (text pages).
        **stack: Anything else rx.vstack takes (spacing, align...).
    """
    if column_width is not None:
        stack["max_width"] = column_width
    stack.setdefault("spacing", "4")
    stack.setdefault("width", "100%")
    return page(title, rx.vstack(*children, **stack), max_width=max_width)


def found_page(
    title: str,
    found: Any,
    missing: Any,
    *children: Any,
    max_width: str = "1100px",
    **stack: Any,
) -> rx.Component:
    """A page about one thing: its blocks while ``found`` (a bool var) holds, else ``missing``."""
    stack.setdefault("spacing", "4")
    stack.setdefault("width", "100%")
    return page(title, rx.cond(found, rx.vstack(*children, **stack), missing), max_width=max_width)


PageFn = Callable[[], rx.Component]


def _template(title: str, frame: Callable[[rx.Component], rx.Component]) -> Callable[..., Any]:
    def wrap(body: PageFn) -> PageFn:
        @functools.wraps(body)
        def render() -> rx.Component:
            return page(title, frame(body()))

        return render

    return wrap


def settings_template(title: str, current: str, **layout: Any) -> Callable[[PageFn], PageFn]:
    """A settings page: the shell, the settings navigation (``current`` marked) and the body.

    ``layout`` goes to ``kit.settings_layout`` (``org_id`` for pages organizations share).
    """
    return _template(title, lambda body: kit.settings_layout(current, body, **layout))


def admin_template(
    title: str, current: str, allowed: Any, **layout: Any
) -> Callable[[PageFn], PageFn]:
    """A platform admin page: its body and navigation while ``allowed``, a refusal otherwise."""

    def frame(body: rx.Component) -> rx.Component:
        refusal = kit.refused(title, "This area is for platform admins.")
        return kit.admin_layout(current, rx.cond(allowed, body, refusal), show=allowed, **layout)

    return _template(title, frame)


def org_template(
    title: str, current: str, org_id: Any, **layout: Any
) -> Callable[[PageFn], PageFn]:
    """An organization's page (``current`` a path of ``kit.layouts.ORG_PAGES``)."""
    return _template(title, lambda body: kit.org_layout(org_id, current, body, **layout))
