"""/order: the wizard (my orders and one order live are in order_pages.py)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from aixplore.web import kit
from aixplore.web.layout import stacked_page
from aixplore.web.orders.fields import GRAY, W
from aixplore.web.orders.fields import input_field as _input
from aixplore.web.orders.fields import textarea as _textarea
from aixplore.web.orders.repository_step import repository_step


def _indicator() -> rx.Component:
    return rx.el.nav(
        rx.hstack(
            rx.foreach(
                W.steps,
                lambda s: rx.button(
                    rx.text(s["n"].to(str), " ", s["name"]),
                    on_click=W.go(s["n"]),
                    disabled=~s["open"].to(bool),
                    variant=rx.cond(s["current"], "solid", "soft"),
                    aria_current=rx.cond(s["current"], "step", "false"),
                    size="2",
                ),
            ),
            wrap="wrap",
            spacing="2",
        ),
        aria_label="Order steps",
    )


def _back(step: int) -> rx.Component:
    return rx.button("Back", type="button", variant="soft", on_click=W.go(step), size="3")


def _step_form(back_to: int, submit: str, on_submit: Any, *fields: Any) -> rx.Component:
    """A step's form: its fields, then Back (to step ``back_to``) and ``submit``."""
    buttons = rx.hstack(_back(back_to), rx.button(submit, type="submit", size="3"))
    return kit.form(*fields, on_submit=on_submit, submit=buttons, max_width=None)


def _requirements_step() -> rx.Component:
    req = W.view["requirements"].to(dict)
    return _step_form(
        1,
        "Save and continue",
        W.save_requirements,
        rx.el.fieldset(
            rx.el.legend("Kind of app", class_name="field-label"),
            rx.radio_group.root(
                rx.vstack(
                    rx.foreach(
                        W.catalog,
                        lambda t: rx.el.label(
                            rx.hstack(
                                rx.radio_group.item(value=t["key"].to(str)),
                                rx.vstack(
                                    rx.text(rx.text.strong(t["title"])),
                                    rx.text(t["description"], size="1", color=GRAY),
                                    spacing="0",
                                ),
                            ),
                        ),
                    ),
                ),
                name="template",
                default_value=rx.cond(req["template"], req["template"].to(str), "crud_admin"),
            ),
            border="none",
            padding="0",
        ),
        _textarea(
            "Data entities",
            "entities",
            W.entities_text,
            "One per line: Name: field:type, field:type? (? = optional). Types: text, "
            "long_text, integer, decimal, boolean, date, email.",
        ),
        _input("Pages", "pages", W.pages_text, "Comma-separated, e.g. home, about."),
        kit.checkbox("Sign-in for editors", "sign_in", checked=req["sign_in"].to(bool), size="3"),
        _textarea(
            "Notes",
            "notes",
            req["notes"].to(str),
            "Anything else (up to 4,000 characters).",
            3,
        ),
    )


def _configuration_step() -> rx.Component:
    scan = W.view["scan"].to(dict)
    config = W.view["configuration"].to(dict)
    return _step_form(
        2,
        "Save and review",
        W.save_configuration,
        rx.callout(
            rx.text(
                "Detected: framework ",
                rx.text.strong(scan["framework"].to(str)),
                ", root ",
                rx.code(rx.cond(scan["root_dir"], scan["root_dir"].to(str), "/")),
                ", ",
                scan["file_count"].to(str),
                " files.",
            ),
            icon="scan-search",
        ),
        rx.el.label("Framework", html_for="order-framework", class_name="field-label"),
        rx.el.select(
            rx.foreach(W.frameworks, lambda f: rx.el.option(f, value=f)),
            id="order-framework",
            name="framework",
            default_value=rx.cond(
                config["framework"], config["framework"].to(str), scan["framework"].to(str)
            ),
            class_name="native-select",
        ),
        _input(
            "Root directory",
            "root_dir",
            rx.cond(config["branch_name"], config["root_dir"].to(str), ""),
            "Where the app goes; blank for the repository root.",
        ),
        _input(
            "Branch name",
            "branch_name",
            rx.cond(
                config["branch_name"],
                config["branch_name"].to(str),
                "aixplore/order-" + W.order_id.to(str),  # pyright: ignore[reportAttributeAccessIssue]
            ),
            "A new branch; the pull request comes from it.",
        ),
        _textarea(
            "Environment variables",
            "env",
            W.env_text,
            "NAME=value per line; written to .env.example.",
            3,
        ),
        _textarea(
            "Secrets",
            "secrets",
            W.secrets_text,
            "NAME=value per line; stored encrypted, never shown again or pushed.",
            2,
        ),
    )


def _review_step() -> rx.Component:
    scan = W.view["scan"].to(dict)
    quote = W.view["quote"].to(dict)
    return rx.vstack(
        rx.heading("Feasibility report", size="4", as_="h2"),
        rx.text(
            rx.cond(W.is_local, "Local repository ", "Repository "),
            rx.text.strong(W.view["repo_full_name"].to(str)),
            " at ",
            rx.code(W.view["base_branch"].to(str)),
        ),
        rx.text(
            "Size: ",
            scan["file_count"].to(str),
            " files, ",
            scan["size_bytes"].to(str),
            " bytes; framework ",
            scan["framework"].to(str),
        ),
        rx.text("Languages: ", W.languages_text),
        rx.cond(
            W.overwrites.length() > 0,  # pyright: ignore[reportAttributeAccessIssue]
            rx.text(
                "Files that would be overwritten: ",
                W.overwrites.join(", "),  # pyright: ignore[reportAttributeAccessIssue]
                color=rx.color("orange", 11),
            ),
        ),  # type: ignore[attr-defined]
        rx.foreach(
            scan["warnings"].to(list[str]),
            lambda w: rx.text("Warning: ", w, color=rx.color("orange", 11)),
        ),
        rx.heading("Quote", size="4", as_="h2"),
        rx.foreach(
            quote["lines"].to(list[dict]),
            lambda line: rx.hstack(
                rx.text(line["label"]), rx.spacer(), rx.text(line["tokens"].to(str)), width="100%"
            ),
        ),
        rx.hstack(
            rx.text.strong("Total"),
            rx.spacer(),
            rx.text.strong(
                quote["tokens"].to(str),
                " ECE (EUR ",
                (quote["money_cents"].to(int) / 100).to(str),
                ")",
            ),
            width="100%",
        ),
        rx.text(
            "Estimated time: about ",
            quote["minutes"].to(str),
            " minutes after payment.",
            color=GRAY,
        ),
        rx.form(
            rx.flex(
                rx.box(_input("Promo code", "promo_code", W.view["promo_code"].to(str)), flex="1"),
                rx.button("Apply", type="submit", variant="soft", size="3", align_self="end"),
                spacing="2",
                width="100%",
            ),
            on_submit=W.apply_promo,
            width="100%",
        ),
        rx.hstack(_back(3), rx.button("Continue to payment", on_click=W.to_payment, size="3")),
        width="100%",
        spacing="3",
    )


def _payment_step() -> rx.Component:
    quote = W.view["quote"].to(dict)
    return kit.form(
        rx.text(
            "Price: ",
            rx.text.strong(quote["tokens"].to(str), " ECE"),
            ". Your balance: ",
            W.balance.to(str),  # pyright: ignore[reportAttributeAccessIssue]
            " ECE.",
        ),
        rx.el.label(
            rx.hstack(
                rx.checkbox(name="approve_write", checked=W.approved, on_change=W.set_approved),
                rx.text(
                    "I approve AiXplore writing to ",
                    rx.text.strong(W.view["repo_full_name"].to(str)),
                    rx.cond(
                        W.is_local,
                        ": one new branch and one commit, then a review request here "
                        "before anything reaches the base branch.",
                        ": one new branch, one commit and one pull request.",
                    ),
                ),
                align="start",
            ),
        ),
        rx.hstack(
            _back(4),
            rx.button("Pay with ECE tokens", type="submit", loading=W.busy, size="3"),
            rx.cond(
                W.card_enabled,
                rx.button(
                    "Pay by card",
                    type="button",
                    variant="outline",
                    size="3",
                    on_click=W.pay_card,
                ),
            ),
            wrap="wrap",
        ),
        on_submit=W.pay,
        max_width=None,
    )


def wizard_page() -> rx.Component:
    """The order wizard: one page, five steps, saved on every step."""
    return stacked_page(
        "Order a custom app",
        kit.page_header(
            "Order a custom app",
            subtitle=kit.note(
                rx.cond(
                    W.order_id > 0,
                    rx.fragment(
                        "Draft #",
                        W.order_id.to(str),  # pyright: ignore[reportAttributeAccessIssue]
                        " is saved at every step; come back to it from any device.",
                    ),
                    "Your draft is saved once you finish step 1, then at every step.",
                )
            ),
        ),
        _indicator(),
        rx.heading(W.step_label, size="5", as_="h2"),
        kit.form_error(W.error),
        kit.form_notice(W.notice),
        rx.match(
            W.step,
            (1, repository_step()),
            (2, _requirements_step()),
            (3, _configuration_step()),
            (4, _review_step()),
            _payment_step(),
        ),
        max_width="820px",
    )
