"""Page layouts with side navigation: settings, admin and organization pages.

As on GitHub's and Vercel's settings: a column of links on the left of the content on wide
screens; on phones the same links become one row that scrolls sideways above the content (the
page itself never does), with the current page scrolled into view. One ``nav`` element serves
both widths (styles in assets/styles.css: ``side-layout``, ``side-nav``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import reflex as rx

NavLink = tuple[str, Any]  # the link's text and its href (a string or a string var)

SETTINGS_LINKS: list[NavLink] = [
    ("Profile", "/profile"),
    ("Public profile", "/settings/profile"),
    ("Security", "/settings/security"),
    ("Sign-in methods", "/settings/sign-in"),
    ("Notifications", "/settings/notifications"),
    ("API keys", "/settings/api-keys"),
    ("Webhooks", "/settings/webhooks"),
    ("Your apps", "/settings/apps"),
    ("Authorized apps", "/settings/authorized-apps"),
    ("Your data", "/settings/privacy"),
]
ADMIN_LINKS: list[NavLink] = [
    ("Users", "/admin"),
    ("Orders", "/admin/orders"),
    ("Moderation", "/admin/moderation"),
    ("Forum categories", "/admin/forums"),
    ("Analytics", "/admin/analytics"),
    ("Audit log", "/admin/audit"),
]
# An organization's pages, by the path after /orgs/<id> ("" is the members page).
ORG_PAGES: list[tuple[str, str]] = [
    ("Members", ""),
    ("Single sign-on", "/sso"),
    ("API keys", "/keys"),
    ("Webhooks", "/webhooks"),
    ("Audit log", "/audit"),
]
# The organization page that stands for a personal or admin page shared with it.
ORG_TWIN = {
    "/settings/api-keys": "/keys",
    "/settings/webhooks": "/webhooks",
    "/admin/audit": "/audit",
}

# Bring the current link into the row's view on phones (a no-op where it is already seen).
_SHOW_CURRENT = (
    "document.querySelector('.side-nav [aria-current=page]')"
    "?.scrollIntoView({block: 'nearest', inline: 'center'})"
)


def _is_current(href: Any, current: Any) -> bool:
    # An href var is the current one only as the very same var (org_nav passes it on).
    return href is current or (isinstance(href, str) and href == current)


def _current_props(href: object, current: str) -> dict[str, Any]:
    """aria-current="page" for the link to the page shown, nothing for the others."""
    return {"aria_current": "page"} if _is_current(href, current) else {}


def side_nav(label: str, links: Sequence[NavLink], current: str) -> rx.Component:
    """A labelled list of links; the one whose href is ``current`` is marked as the page."""
    return rx.el.nav(
        rx.text(label, class_name="side-nav-title", aria_hidden="true"),
        rx.el.ul(
            *[
                rx.el.li(
                    rx.link(
                        text,
                        href=href,
                        underline="none",
                        **_current_props(href, current),
                    )
                )
                for text, href in links
            ]
        ),
        aria_label=label,
        class_name="side-nav",
        on_mount=rx.call_script(_SHOW_CURRENT),
    )


def with_side_nav(nav: rx.Component, *children: Any, show: Any = True) -> rx.Component:
    """``nav`` beside the content; while ``show`` (a bool var) is false, only the content."""
    content = rx.box(*children, class_name="side-content")
    if show is True:
        return rx.box(nav, content, class_name="side-layout")
    return rx.box(rx.cond(show, nav), content, class_name=rx.cond(show, "side-layout", ""))


def settings_nav(current: str) -> rx.Component:
    """The signed-in member's settings."""
    return side_nav("Settings", SETTINGS_LINKS, current)


def admin_nav(current: str) -> rx.Component:
    """The platform admins' pages."""
    return side_nav("Admin", ADMIN_LINKS, current)


def org_nav(org_id: Any, current: str) -> rx.Component:
    """One organization's pages for its admins; ``current`` is a path of ORG_PAGES."""
    base = "/orgs/" + org_id.to(str)
    links = [(text, base + path if path else base) for text, path in ORG_PAGES]
    hrefs = {path: href for (_text, path), (_t, href) in zip(ORG_PAGES, links, strict=True)}
    return side_nav("Organization", links, hrefs[current])


def _layout(
    own: rx.Component, current: str, children: tuple[Any, ...], org_id: Any, show: Any
) -> rx.Component:
    if org_id is None:
        return with_side_nav(own, *children, show=show)
    nav = rx.cond(org_id > 0, org_nav(org_id, ORG_TWIN[current]), own)
    return with_side_nav(nav, *children, show=show)


def settings_layout(
    current: str, *children: Any, org_id: Any = None, show: Any = True
) -> rx.Component:
    """A settings page; one shared with organizations (``org_id`` > 0) shows theirs instead.

    The navigation shows while ``show`` (a bool var) holds.
    """
    return _layout(settings_nav(current), current, children, org_id, show)


def admin_layout(
    current: str, *children: Any, org_id: Any = None, show: Any = True
) -> rx.Component:
    """A platform admin page (the navigation only while ``show``, say, for admins)."""
    return _layout(admin_nav(current), current, children, org_id, show)


def org_layout(org_id: Any, current: str, *children: Any, show: Any = True) -> rx.Component:
    """An organization page; the navigation shows while ``show`` (its admins)."""
    return with_side_nav(org_nav(org_id, current), *children, show=show)
