"""/publish and /publish/[slug]: the listing form."""

from __future__ import annotations

from typing import Any

import reflex as rx

from aixplore.web.components import field, form_error, link_button
from aixplore.web.layout import page
from aixplore.web.solutions.gallery import screenshot_manager
from aixplore.web.solutions.publish_state import PublishState as P


def _select(label: str, name: str, options: Any, value: Any) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=f"field-{name}", class_name="field-label"),
        rx.select.root(
            rx.select.trigger(
                id=f"field-{name}", width="100%", placeholder=f"Choose {label.lower()}"
            ),
            rx.select.content(rx.foreach(options, lambda o: rx.select.item(o[1], value=o[0]))),
            name=name,
            default_value=value,
            required=True,
        ),
        spacing="1",
        width="100%",
    )


def _form() -> rx.Component:
    f = P.form
    return rx.form(
        rx.vstack(
            form_error(P.error),
            field("Name", "name", max_length=80, default_value=f["name"]),
            field(
                "Tagline",
                "tagline",
                max_length=140,
                default_value=f["tagline"],
                hint="One line that says what it does.",
            ),
            rx.vstack(
                rx.el.label(
                    "Description (Markdown)", html_for="field-description", class_name="field-label"
                ),
                rx.text_area(
                    id="field-description",
                    name="description",
                    default_value=f["description"],
                    rows="10",
                    max_length=20000,
                    width="100%",
                ),
                rx.text(
                    "Headings, lists, links, tables and code are kept; HTML is not.",
                    size="1",
                    color=rx.color("gray", 11),
                ),
                spacing="1",
                width="100%",
            ),
            rx.grid(
                _select("Category", "category", P.categories, f["category"]),
                _select("Pricing", "pricing", P.pricing_options, f["pricing"]),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="4",
                width="100%",
            ),
            field(
                "Tags",
                "tags",
                required=False,
                max_length=300,
                default_value=f["tags"],
                hint="Up to 8, separated by commas.",
            ),
            rx.grid(
                field(
                    "Website",
                    "website_url",
                    type_="url",
                    required=False,
                    max_length=300,
                    default_value=f["website_url"],
                ),
                field(
                    "Repository",
                    "repository_url",
                    type_="url",
                    required=False,
                    max_length=300,
                    default_value=f["repository_url"],
                ),
                field(
                    "Demo",
                    "demo_url",
                    type_="url",
                    required=False,
                    max_length=300,
                    default_value=f["demo_url"],
                ),
                field(
                    "Version",
                    "version",
                    required=False,
                    max_length=40,
                    default_value=f["version"],
                    hint="A new version adds a changelog entry.",
                ),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="4",
                width="100%",
            ),
            rx.button(rx.cond(P.editing, "Save changes", "Save draft"), type="submit", size="3"),
            spacing="4",
            width="100%",
        ),
        on_submit=P.save,
        reset_on_submit=False,
        key=P.slug,
        width="100%",
    )


def _side() -> rx.Component:
    return rx.vstack(
        rx.card(
            rx.vstack(
                rx.heading("Status", size="3", as_="h2"),
                rx.badge(P.status, size="2"),
                rx.cond(
                    P.status != "published",
                    rx.button("Publish", on_click=P.set_status("published"), width="100%"),
                ),
                rx.cond(
                    P.status == "published",
                    rx.button(
                        "Archive",
                        variant="soft",
                        color_scheme="gray",
                        on_click=P.set_status("archived"),
                        width="100%",
                    ),
                ),
                rx.cond(
                    P.status != "draft",
                    rx.button(
                        "Back to draft",
                        variant="soft",
                        on_click=P.set_status("draft"),
                        width="100%",
                    ),
                ),
                link_button(
                    "View the page", "/solutions/" + P.slug, variant="outline", width="100%"
                ),
                spacing="2",
                width="100%",
            ),
            width="100%",
        ),
        rx.card(
            rx.vstack(
                rx.heading("Logo", size="3", as_="h2"),
                rx.cond(
                    P.logo_url != "",
                    rx.image(
                        src=P.logo_url,
                        alt="Current logo",
                        width="96px",
                        height="96px",
                        border_radius="12px",
                    ),
                ),
                rx.upload.root(
                    rx.vstack(
                        rx.icon("image-up", size=20),
                        rx.text(
                            "Drop a PNG, JPEG or WebP (1 MB max) or click",
                            size="1",
                            text_align="center",
                        ),
                        align="center",
                        spacing="1",
                    ),
                    id="logo",
                    max_files=1,
                    accept={
                        "image/png": [".png"],
                        "image/jpeg": [".jpg", ".jpeg"],
                        "image/webp": [".webp"],
                    },
                    border=f"1px dashed {rx.color('gray', 7)}",
                    border_radius="10px",
                    padding="1em",
                    width="100%",
                ),
                rx.button(
                    "Upload logo",
                    variant="soft",
                    width="100%",
                    on_click=P.upload_logo(rx.upload_files(upload_id="logo")),
                ),  # type: ignore[call-arg]
                spacing="2",
                width="100%",
            ),
            width="100%",
        ),
        screenshot_manager(P),
        width=rx.breakpoints(initial="100%", md="280px"),
        min_width=rx.breakpoints(initial="0", md="280px"),
        spacing="4",
    )


def publish_page() -> rx.Component:
    """Create or edit a listing."""
    return page(
        "Publish",
        rx.vstack(
            rx.heading(
                rx.cond(P.editing, "Edit listing", "Publish a solution"), as_="h1", size="7"
            ),
            rx.text("Listings start as drafts that only you can see.", color=rx.color("gray", 11)),
            rx.cond(
                P.ready,
                rx.flex(
                    rx.box(_form(), flex="1", min_width="0"),
                    rx.cond(P.editing, _side()),
                    spacing="6",
                    direction=rx.breakpoints(initial="column", md="row"),
                    width="100%",
                ),
                rx.center(rx.spinner(size="3"), padding="3em"),
            ),
            spacing="4",
            width="100%",
        ),
    )
