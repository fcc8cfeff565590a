"""/settings/profile: the public profile's editor, with a live preview beside it."""

from __future__ import annotations

import reflex as rx

from aixplore.web import kit
from aixplore.web.layout import settings_template
from aixplore.web.social.components import GRAY
from aixplore.web.social.editor_state import (
    SECTION_OPTIONS,
    VISIBILITY_OPTIONS,
    ProfileEditorState,
)

E = ProfileEditorState


def _avatar(size: str, alt: str) -> rx.Component:
    return rx.avatar(
        src=E.avatar_url,
        fallback=E.initials,
        color_scheme=E.face,  # pyright: ignore[reportArgumentType]
        size=size,  # pyright: ignore[reportArgumentType]
        radius="full",
        variant="soft",
        alt=alt,
        aria_hidden=alt == "",
    )


def _avatar_box() -> rx.Component:
    return rx.vstack(
        rx.heading("Avatar", as_="h2", size="4"),
        rx.hstack(
            _avatar("6", "Your avatar"),
            rx.vstack(
                # A label around the drop zone names its file input (axe); the zone takes no
                # clicks itself, so a click opens one file dialog, the label's.
                rx.el.label(
                    rx.upload.root(
                        rx.text(
                            "Drop a PNG, JPEG or WebP (1 MB max) or click", size="1", as_="span"
                        ),
                        id="avatar",
                        max_files=1,
                        no_click=True,
                        accept=kit.IMAGE_ACCEPT,
                        border=f"1px dashed {rx.color('gray', 7)}",
                        border_radius="10px",
                        padding="0.75em",
                        cursor="pointer",
                    ),
                ),
                kit.actions(
                    rx.button(
                        "Upload avatar",
                        size="2",
                        variant="soft",
                        on_click=E.upload_avatar(rx.upload_files(upload_id="avatar")),
                    ),
                    rx.cond(
                        E.avatar_url != "",
                        rx.button(
                            "Remove",
                            size="2",
                            variant="ghost",
                            color_scheme="gray",
                            on_click=E.remove_avatar,
                        ),
                    ),
                ),
                spacing="2",
            ),
            spacing="4",
            align="center",
            wrap="wrap",
        ),
        spacing="2",
        width="100%",
    )


def _form() -> rx.Component:
    return kit.form(
        kit.field(
            "Display name",
            "display_name",
            max_length=80,
            default_value=E.display_name,
            on_change=lambda v: E.preview("display_name", v),
        ),
        kit.field(
            "Handle",
            "handle",
            max_length=30,
            default_value=E.handle,
            hint="Your address: /u/handle. Letters, digits and underscores; the old address keeps working.",
            on_change=lambda v: E.preview("handle", v),
        ),
        kit.text_area_field(
            "Bio",
            "bio",
            max_length=500,
            rows=5,
            default_value=E.bio,
            hint="Markdown: **bold**, *italic*, [links](https://example.com). 500 characters at most.",
            on_change=lambda v: E.preview("bio", v),
        ),
        kit.field(
            "Location",
            "location",
            max_length=80,
            required=False,
            default_value=E.location,
            on_change=lambda v: E.preview("location", v),
        ),
        kit.text_area_field(
            "Links",
            "links",
            max_length=1204,
            rows=3,
            default_value=E.links,
            hint='Up to 4 web addresses, one per line (shown with rel="me" for verification).',
        ),
        kit.select_field(
            "Who may see your profile", "visibility", VISIBILITY_OPTIONS, value=E.visibility
        ),
        kit.select_field(
            "Who may see your activity",
            "activity_visibility",
            SECTION_OPTIONS,
            value=E.activity_visibility,
        ),
        kit.select_field(
            "Who may see your followers and following",
            "network_visibility",
            SECTION_OPTIONS,
            value=E.network_visibility,
        ),
        kit.select_field(
            "Who may see your connections",
            "connections_visibility",
            SECTION_OPTIONS,
            value=E.connections_visibility,
        ),
        on_submit=E.save,
        error=E.error,
        submit=kit.submit_button("Save profile"),
        key=E.version,
        max_width=None,
        width="100%",
    )


def _preview() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text("Preview", size="1", weight="bold", color=GRAY, text_transform="uppercase"),
            rx.hstack(
                _avatar("4", ""),
                rx.vstack(
                    rx.text(E.display_name, weight="bold", size="4"),
                    rx.text("@", E.handle, size="2", color=GRAY),
                    spacing="0",
                ),
                align="center",
            ),
            rx.cond(E.location != "", rx.text(E.location, size="2", color=GRAY)),
            rx.box(rx.html(E.preview_html), class_name="prose", width="100%"),
            rx.link("Open my profile", href="/u/" + E.handle, size="2"),
            spacing="3",
            width="100%",
        ),
        aria_label="Profile preview",
        width="100%",
        align_self="start",
    )


@settings_template("Public profile", "/settings/profile")
def profile_editor_page() -> rx.Component:
    """Edit the public profile."""
    return rx.vstack(
        kit.page_header("Public profile", subtitle="What people see at your /u/ address."),
        _avatar_box(),
        rx.grid(
            _form(),
            _preview(),
            columns=rx.breakpoints(initial="1", lg="minmax(0, 1fr) 300px"),
            spacing="5",
            width="100%",
        ),
        spacing="5",
        width="100%",
    )
