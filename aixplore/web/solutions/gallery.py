"""Screenshot galleries: the strip on a solution's page and the publisher's manager."""

from __future__ import annotations

from typing import Any

import reflex as rx

from aixplore.web import kit


def screenshot_strip(shots: Any, name: Any) -> rx.Component:
    """A scroll-snapping strip of thumbnails; each opens the full image. Sized up front (no
    layout shift) and lazy-loaded after the first."""
    return rx.cond(
        shots.length() > 0,
        rx.el.section(
            rx.heading("Screenshots", size="4", as_="h2", margin_bottom="0.5em"),
            rx.el.ul(
                rx.foreach(
                    shots,
                    lambda shot, i: rx.el.li(
                        rx.el.a(
                            rx.el.img(
                                src=shot["thumb_url"],
                                alt=rx.cond(
                                    shot["caption"] != "",
                                    shot["caption"],
                                    "Screenshot " + (i + 1).to_string() + " of " + name.to(str),
                                ),
                                # The box is sized before the image arrives: no layout shift.
                                aspect_ratio=shot["width"].to(str) + " / " + shot["height"].to(str),
                                loading=rx.cond(i == 0, "eager", "lazy"),
                                decoding="async",
                                class_name="shot-img",
                            ),
                            href=shot["url"],
                            target="_blank",
                            rel="noopener",
                        ),
                        rx.cond(
                            shot["caption"] != "",
                            rx.text(shot["caption"], size="1", color=rx.color("gray", 11)),
                        ),
                        class_name="shot",
                    ),
                ),
                class_name="shot-strip",
            ),
            aria_label="Screenshots",
            style={"width": "100%"},
        ),
    )


def screenshot_manager(state: Any) -> rx.Component:
    """Upload, caption, reorder and remove a listing's screenshots (publisher's side panel)."""
    return kit.tile(
        rx.heading("Screenshots", size="3", as_="h2"),
        rx.text(
            "Up to 8 PNG, JPEG or WebP images, 5 MB each. Captions are read aloud to "
            "people using screen readers.",
            size="1",
            color=rx.color("gray", 11),
        ),
        rx.foreach(
            state.screenshots,
            lambda shot, i: rx.hstack(
                rx.image(
                    src=shot["thumb_url"],
                    alt="",
                    width="64px",
                    height="40px",
                    object_fit="cover",
                    border_radius="6px",
                ),
                rx.input(
                    default_value=shot["caption"],
                    placeholder="Caption",
                    max_length=140,
                    aria_label="Caption of screenshot " + (i + 1).to_string(),
                    on_blur=lambda value: state.set_caption(shot["id"].to(int), value),
                    size="1",
                    flex="1",
                    min_width="0",
                ),
                rx.icon_button(
                    rx.icon("arrow-up", size=14),
                    size="1",
                    variant="ghost",
                    aria_label="Move screenshot " + (i + 1).to_string() + " earlier",
                    on_click=state.move_screenshot(shot["id"].to(int), -1),
                    disabled=i == 0,
                ),
                rx.icon_button(
                    rx.icon("trash-2", size=14),
                    size="1",
                    variant="ghost",
                    color_scheme="red",
                    aria_label="Remove screenshot " + (i + 1).to_string(),
                    on_click=state.remove_screenshot(shot["id"].to(int)),
                ),
                align="center",
                width="100%",
                spacing="2",
            ),
        ),
        rx.upload.root(
            rx.vstack(
                rx.icon("images", size=20),
                rx.text("Drop screenshots or click", size="1", text_align="center"),
                align="center",
                spacing="1",
            ),
            id="screenshots",
            max_files=8,
            multiple=True,
            accept=kit.IMAGE_ACCEPT,
            border=f"1px dashed {rx.color('gray', 7)}",
            border_radius="10px",
            padding="1em",
            width="100%",
        ),
        rx.button(
            "Upload screenshots",
            variant="soft",
            width="100%",
            on_click=state.upload_screenshots(rx.upload_files(upload_id="screenshots")),
        ),
        spacing="2",
    )
