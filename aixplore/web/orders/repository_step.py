"""Step 1 of /order: where the repository lives (GitHub or local), connecting, choosing it."""

from __future__ import annotations

import reflex as rx

from aixplore.web import kit
from aixplore.web.orders.fields import GRAY, W
from aixplore.web.orders.fields import input_field as _input


def _provider_switch() -> rx.Component:
    """Which provider step 1 uses, and how to switch (only where local repositories exist)."""
    return rx.vstack(
        rx.text(
            "Repositories from: ",
            rx.text.strong(rx.cond(W.is_local, "local Git repositories on this server", "GitHub")),
            ". ",
            rx.cond(
                W.is_local,
                "The app is delivered as a branch plus a review request here, which you "
                "accept (merge) or reject.",
                "The app is delivered as a branch plus a pull request on GitHub.",
            ),
            id="order-provider",
        ),
        rx.cond(
            W.providers.length() > 1,  # type: ignore[attr-defined]
            rx.el.nav(
                kit.actions(
                    rx.text("Switch to:", size="2", color=GRAY),
                    rx.foreach(
                        W.providers,
                        lambda p: rx.button(
                            p["name"],
                            type="button",
                            size="2",
                            variant=rx.cond(W.provider == p["key"], "solid", "outline"),
                            aria_pressed=rx.cond(W.provider == p["key"], "true", "false"),
                            on_click=W.use_provider(p["key"]),
                        ),
                    ),
                ),
                aria_label="Where the repository is",
            ),
        ),
        width="100%",
        spacing="2",
    )


def _github_connect() -> rx.Component:
    token_form = kit.form(
        rx.text(
            "Connect GitHub with a personal access token (stored encrypted; read-only "
            "until you pay)."
        ),
        kit.field(
            "GitHub token",
            "token",
            type_="password",
            max_length=255,
            required=False,
            aria_describedby="order-token-hint",
        ),
        kit.note(
            "A classic token needs the repo scope (and read:org for private organization "
            "repositories); a fine-grained token needs Contents and Pull requests: read "
            "and write. ",
            # Underlined: inside a sentence, colour alone does not mark a link (axe).
            rx.link(
                "Create a token on GitHub", href=W.token_url, is_external=True, underline="always"
            ),
            ".",
            id="order-token-hint",
        ),
        on_submit=W.connect_github,
        submit=kit.submit_button("Connect GitHub", W.busy),
        reset=True,
        max_width=None,
        spacing="2",
    )
    sign_in = rx.vstack(
        rx.text("Sign in with GitHub and allow AiXplore to read your repositories."),
        rx.button("Connect with GitHub", type="button", on_click=W.connect_github_app, size="3"),
        rx.separator(size="4"),
        rx.text("Or, without signing in:", weight="medium"),
        width="100%",
    )
    return rx.vstack(rx.cond(W.oauth_enabled, sign_in), token_form, width="100%", spacing="3")


def _search() -> rx.Component:
    owner = rx.cond(
        W.is_local,
        rx.fragment(),
        rx.box(_input("Account or organization", "owner", W.owner), flex="1", min_width="160px"),
    )
    return kit.inline_form(
        owner,
        rx.box(_input("Name contains", "text", ""), flex="2", min_width="160px"),
        rx.button("Search", type="submit", loading=W.busy, size="3"),
        on_submit=W.search,
    )


def _results() -> rx.Component:
    return rx.vstack(
        rx.foreach(
            W.repos,
            lambda r: rx.card(
                rx.flex(
                    rx.vstack(
                        rx.text(rx.text.strong(r["full_name"]), " ", rx.badge(r["private"])),
                        rx.text(r["description"], size="2", color=GRAY),
                        spacing="1",
                    ),
                    rx.button(
                        rx.cond(W.repo_choice == r["full_name"], "Chosen", "Choose"),
                        on_click=W.choose(r["full_name"], r["branch"]),
                        variant=rx.cond(W.repo_choice == r["full_name"], "solid", "outline"),
                        aria_label="Choose " + r["full_name"],
                    ),
                    justify="between",
                    align="center",
                    spacing="2",
                    wrap="wrap",
                ),
                width="100%",
            ),
        ),
        rx.cond(W.orgs.length() > 0, rx.text("Organizations found: ", W.orgs.join(", "), size="2")),  # type: ignore[attr-defined]
        width="100%",
    )


def _save_repository() -> rx.Component:
    return kit.form(
        rx.text(
            "Repository: ",
            rx.text.strong(rx.cond(W.repo_choice != "", W.repo_choice, "none chosen")),
        ),
        _input("Base branch", "base_branch", W.base_branch, "The new branch starts from this one."),
        rx.button("Scan and continue", type="submit", loading=W.busy, size="3"),
        on_submit=W.save_repository,
        max_width=None,
        spacing="2",
    )


def repository_step() -> rx.Component:
    choose = rx.vstack(_search(), _results(), _save_repository(), width="100%", spacing="3")
    github = rx.vstack(
        rx.cond(
            W.github_login != "",
            rx.text("GitHub connected as ", rx.text.strong(W.github_login), "."),
            _github_connect(),
        ),
        rx.cond(W.github_login != "", choose),
        width="100%",
        spacing="4",
    )
    return rx.vstack(
        _provider_switch(), rx.cond(W.is_local, choose, github), width="100%", spacing="4"
    )
