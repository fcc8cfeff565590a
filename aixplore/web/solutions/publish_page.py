"""/publish and /publish/[slug]: the listing form."""

from __future__ import annotations

from typing import Any

import reflex as rx

from aixplore.web import kit
from aixplore.web.layout import stacked_page
from aixplore.web.solutions.gallery import screenshot_manager
from aixplore.web.solutions.model_view import model_manager
from aixplore.web.solutions.publish_state import PublishState as P


def _url(label: str, name: str, value: Any) -> rx.Component:
    return kit.field(label, name, type_="url", required=False, max_length=300, default_value=value)


def _form() -> rx.Component:
    f = P.form
    return kit.form(
        kit.form_error(P.error),
        kit.field("Name", "name", max_length=80, default_value=f["name"]),
        kit.field(
            "Tagline",
            "tagline",
            max_length=140,
            default_value=f["tagline"],
            hint="One line that says what it does.",
        ),
        kit.text_area_field(
            "Description (Markdown)",
            "description",
            rows=10,
            max_length=20000,
            default_value=f["description"],
            hint="Headings, lists, links, tables and code are kept; HTML is not.",
        ),
        kit.two_columns(
            kit.select_field("Category", "category", P.categories, value=f["category"]),
            kit.select_field("Pricing", "pricing", P.pricing_options, value=f["pricing"]),
        ),
        kit.field(
            "Tags",
            "tags",
            required=False,
            max_length=300,
            default_value=f["tags"],
            hint="Up to 8, separated by commas.",
        ),
        kit.two_columns(
            _url("Website", "website_url", f["website_url"]),
            _url("Repository", "repository_url", f["repository_url"]),
            _url("Demo", "demo_url", f["demo_url"]),
            kit.field(
                "Version",
                "version",
                required=False,
                max_length=40,
                default_value=f["version"],
                hint="A new version adds a changelog entry.",
            ),
        ),
        on_submit=P.save,
        submit=rx.button(rx.cond(P.editing, "Save changes", "Save draft"), type="submit", size="3"),
        spacing="4",
        max_width=None,
        key=P.slug,
        width="100%",
    )


def _side() -> rx.Component:
    return rx.vstack(
        kit.tile(
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
            kit.link_button(
                "View the page", "/solutions/" + P.slug, variant="outline", width="100%"
            ),
            spacing="2",
        ),
        kit.tile(
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
                accept=kit.IMAGE_ACCEPT,
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
            ),
            spacing="2",
        ),
        screenshot_manager(P),
        rx.cond(P.editing, model_manager()),
        width=rx.breakpoints(initial="100%", md="280px"),
        min_width=rx.breakpoints(initial="0", md="280px"),
        spacing="4",
    )


def publish_page() -> rx.Component:
    """Create or edit a listing."""
    return stacked_page(
        "Publish",
        kit.page_header(
            rx.cond(P.editing, "Edit listing", "Publish a solution"),
            subtitle="Listings start as drafts that only you can see.",
        ),
        rx.cond(
            P.ready,
            rx.flex(
                rx.box(_form(), flex="1", min_width="0"),
                rx.cond(P.editing, _side()),
                spacing="6",
                direction=rx.breakpoints(initial="column", md="row"),
                width="100%",
            ),
            kit.loading(),
        ),
    )
