"""State of /order: the five-step wizard, saved to the draft on every step.

Every handler re-checks the actor and hands raw form input to the domain services, which
authorize and validate. GitHub is reached only through the MCP server, read-only here.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import reflex as rx

from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import DomainError, ValidationFailed
from aixplore.core.settings import get_settings
from aixplore.domain.orders import github_oauth
from aixplore.domain.orders import services as orders
from aixplore.domain.orders.card import do_start_card_payment
from aixplore.domain.orders.generate import render_project
from aixplore.domain.orders.spec import FRAMEWORKS
from aixplore.domain.wallet.services import user_balance
from aixplore.integrations import github_mcp, stripe_checkout
from aixplore.integrations.github_scan import overwritten, scan_repository
from aixplore.web.feedback import answer_error, toast_ok
from aixplore.web.orders.forms import (
    format_entities,
    format_env,
    parse_entities,
    parse_env,
    parse_pages,
)
from aixplore.web.session import current_actor

STEPS = ["Repository", "Requirements", "Configuration", "Review", "Payment"]


class WizardState(rx.State):
    """One draft order being filled in."""

    order_id: int = 0
    step: int = 1
    max_step: int = 1
    view: dict[str, Any] = {}
    error: str = ""
    notice: str = ""
    busy: bool = False
    github_login: str = ""
    oauth_enabled: bool = get_settings().github_oauth_enabled
    owner: str = ""
    repos: list[dict[str, str]] = []
    orgs: list[str] = []
    repo_choice: str = ""
    base_branch: str = "main"
    entities_text: str = ""
    pages_text: str = ""
    env_text: str = ""
    secrets_text: str = ""
    overwrites: list[str] = []
    balance: int = 0
    card_enabled: bool = stripe_checkout.enabled()
    approved: bool = False
    catalog: list[dict[str, Any]] = orders.template_catalog()
    frameworks: list[str] = list(FRAMEWORKS)

    @rx.var
    def step_label(self) -> str:
        return f"Step {self.step} of {len(STEPS)}: {STEPS[self.step - 1]}"

    @rx.var
    def steps(self) -> list[dict[str, Any]]:
        return [
            {"n": i, "name": name, "current": i == self.step, "open": i <= self.max_step}
            for i, name in enumerate(STEPS, start=1)
        ]

    @rx.var
    def languages_text(self) -> str:
        langs = (self.view.get("scan") or {}).get("languages") or {}
        return ", ".join(f"{name} {share}%" for name, share in langs.items()) or "none found"

    def _apply(self, order: Any) -> None:
        view = orders.order_view(order)
        self.order_id = int(view["id"])
        self.view = view
        self.max_step = max(1, min(5, int(view["step"])))
        req = view["requirements"] or {}
        self.entities_text = format_entities(req.get("entities", []))
        self.pages_text = ", ".join(req.get("pages", []))
        self.env_text = format_env(view["env_vars"], secret=False)
        self.secrets_text = format_env(view["env_vars"], secret=True)
        self.repo_choice = view["repo_full_name"]
        self.base_branch = view["base_branch"] or "main"
        if req and view["repo_full_name"]:
            files = render_project(0, view["repo_full_name"], req, view["configuration"] or {}, [])
            self.overwrites = overwritten(view["scan"], list(files))[:50]

    def _fail(self, exc: DomainError) -> Any:
        self.busy = False
        self.error = exc.message
        return answer_error(exc, next_path="/order")

    @rx.event
    async def load(self):
        """Open the draft named in the URL, the newest draft, or a new one."""
        actor = await current_actor(self)
        params = self.router.url.query_parameters
        self.error = ""
        try:
            with session_scope() as db:
                wanted = str(params.get("id", ""))
                solution = str(params.get("solution", ""))[:120]
                drafts = [
                    o
                    for o in orders.list_my_orders(db, actor)
                    if o.status.value in {"draft", "quoted"}
                ]
                if wanted.isdigit():
                    order = orders.get_order(db, actor, int(wanted))
                elif drafts and not solution:
                    order = drafts[0]
                else:
                    order = orders.do_create_draft(db, actor, solution or None)
                self._apply(order)
                self.github_login = orders.github_login(db, actor)
                self.balance = user_balance(db, order.user_id)
        except DomainError as exc:
            return self._fail(exc)
        self.owner = self.owner or self.github_login
        self.oauth_enabled = get_settings().github_oauth_enabled
        self.step = self.max_step if self.view.get("status") in {"draft", "quoted"} else 5
        if self.view.get("status") not in {"draft", "quoted"}:
            return rx.redirect(f"/orders/{self.order_id}")
        return self._sign_in_outcome(str(params.get("github", "")))

    def _sign_in_outcome(self, outcome: str) -> Any:
        """Say how "Connect with GitHub" went (the callback's ``github=`` code), once."""
        self.notice = ""
        said: list[Any] = []
        if outcome == "connected" and self.github_login:
            # A toast, like the token path: the step itself already says who is connected.
            said.append(toast_ok(f"GitHub connected as {self.github_login}."))
        elif outcome in github_oauth.OUTCOMES:
            self.error = github_oauth.OUTCOMES[outcome]
        else:
            return None
        # Same path (the static host may have added a slash): only the query is dropped.
        query = json.dumps(f"?id={self.order_id}")
        return [
            *said,
            rx.call_script(
                f"window.history.replaceState(null, '', window.location.pathname + {query})"
            ),
        ]

    @rx.event
    def go(self, step: int):
        """Back or forward to a step already reached."""
        if isinstance(step, int) and 1 <= step <= self.max_step:
            self.step = step
            self.error = ""

    async def _token(self) -> str:
        actor = await current_actor(self)
        with read_scope() as db:
            token = orders.github_token_for(db, actor.user_id) if actor else None
        if not token:
            raise ValidationFailed("Connect GitHub first.")
        return token

    @rx.event
    async def connect_github(self, form: dict):
        """Check a pasted token through the MCP server (read-only) and store it encrypted."""
        actor = await current_actor(self)
        token = form.get("token") if isinstance(form, dict) else None
        if not isinstance(token, str) or not 10 <= len(token.strip()) <= 500:
            yield self._fail(ValidationFailed("Paste a GitHub personal access token."))
            return
        self.busy = True
        yield
        try:
            async with github_mcp.connect(token.strip()) as gh:
                me = await gh.me()
            with session_scope() as db:
                orders.do_save_github_connection(db, actor, str(me["login"]), token.strip())
        except DomainError as exc:
            yield self._fail(exc)
            return
        self.github_login = self.owner = str(me["login"])
        self.busy = False
        yield toast_ok(f"GitHub connected as {self.github_login}.")

    @rx.event
    async def connect_github_app(self):
        """Start "Connect with GitHub" (OAuth app) for this draft: off to GitHub's page."""
        actor = await current_actor(self)
        self.error = self.notice = ""
        try:
            with session_scope() as db:
                state = github_oauth.do_start_github_login(db, actor, self.order_id or None)
        except DomainError as exc:
            return self._fail(exc)
        # A full navigation: the API route sets the browser cookie and redirects to GitHub.
        target = f"/api/github/oauth/start?{urlencode({'state': state})}"
        return rx.call_script(f"window.location.assign({json.dumps(target)})")

    @rx.event
    async def search(self, form: dict):
        """Search the chosen account's repositories (user or organization)."""
        data = form if isinstance(form, dict) else {}
        owner = str(data.get("owner", self.owner))[:39].strip()
        text = str(data.get("text", ""))[:100]
        self.busy = True
        yield
        try:
            async with github_mcp.connect(await self._token()) as gh:
                found = await gh.search_repositories(owner or self.github_login, text)
                self.orgs = (
                    await gh.search_orgs(owner)
                    if owner and owner != self.github_login
                    else self.orgs
                )
        except DomainError as exc:
            yield self._fail(exc)
            return
        self.owner = owner
        self.repos = [
            {
                "full_name": str(r.get("full_name", "")),
                "description": str(r.get("description") or ""),
                "branch": str(r.get("default_branch") or "main"),
                "private": "private" if r.get("private") else "public",
            }
            for r in found[:30]
        ]
        self.busy = False
        self.error = "" if self.repos else "No repositories found for that account and search."

    @rx.event
    def choose(self, full_name: str, branch: str):
        """Pick a repository from the results."""
        if any(r["full_name"] == full_name for r in self.repos):
            self.repo_choice = full_name
            self.base_branch = branch if isinstance(branch, str) else "main"

    @rx.event
    async def save_repository(self, form: dict):
        """Step 1: scan the chosen repository read-only, save it, go to step 2."""
        actor = await current_actor(self)
        data = {"repo_full_name": self.repo_choice, "base_branch": self.base_branch}
        if isinstance(form, dict) and isinstance(form.get("base_branch"), str):
            data["base_branch"] = form["base_branch"].strip()
        if not self.repo_choice:
            yield self._fail(ValidationFailed("Choose a repository first."))
            return
        self.busy = True
        yield
        try:
            async with github_mcp.connect(await self._token()) as gh:
                scan = await scan_repository(gh, self.repo_choice, data["base_branch"])
            with session_scope() as db:
                self._apply(orders.do_save_repository(db, actor, self.order_id, data, scan))
        except DomainError as exc:
            yield self._fail(exc)
            return
        self.busy, self.error, self.step = False, "", 2

    @rx.event
    async def save_requirements(self, form: dict):
        """Step 2: what to generate."""
        actor = await current_actor(self)
        data = form if isinstance(form, dict) else {}
        try:
            payload = {
                "template": data.get("template", ""),
                "entities": parse_entities(data.get("entities", "")),
                "pages": parse_pages(data.get("pages", "")),
                "sign_in": data.get("sign_in") == "on",
                "notes": data.get("notes", ""),
            }
            with session_scope() as db:
                self._apply(orders.do_save_requirements(db, actor, self.order_id, payload))
        except DomainError as exc:
            return self._fail(exc)
        self.error, self.step = "", 3
        return None

    @rx.event
    async def save_configuration(self, form: dict):
        """Step 3: framework, root directory, branch and environment variables."""
        actor = await current_actor(self)
        data = form if isinstance(form, dict) else {}
        try:
            payload = {
                "framework": data.get("framework", ""),
                "root_dir": data.get("root_dir", ""),
                "branch_name": data.get("branch_name", ""),
                "env_vars": parse_env(data.get("env", ""), data.get("secrets", "")),
            }
            with session_scope() as db:
                orders.do_save_configuration(db, actor, self.order_id, payload)
                self._apply(
                    orders.do_quote(db, actor, self.order_id, self.view.get("promo_code", ""))
                )
        except DomainError as exc:
            return self._fail(exc)
        self.error, self.step = "", 4
        return None

    @rx.event
    async def apply_promo(self, form: dict):
        """Step 4: re-price with a promo code (blank removes it)."""
        actor = await current_actor(self)
        code = form.get("promo_code", "") if isinstance(form, dict) else ""
        try:
            with session_scope() as db:
                self._apply(orders.do_quote(db, actor, self.order_id, code))
        except DomainError as exc:
            return self._fail(exc)
        self.error = ""
        return toast_ok("Quote updated.")

    @rx.event
    async def to_payment(self):
        """Step 4 -> 5 (the quote is current: every save re-quotes)."""
        if self.view.get("status") != "quoted":
            return self._fail(ValidationFailed("Finish the configuration step first."))
        self.step = self.max_step = 5
        return None

    @rx.event
    async def pay(self, form: dict):
        """Step 5: pay from the wallet; the order is queued and its page shows it live."""
        actor = await current_actor(self)
        approve = isinstance(form, dict) and form.get("approve_write") == "on"
        self.busy = True
        yield
        try:
            with session_scope() as db:
                order = orders.do_pay_with_wallet(db, actor, self.order_id, approve)
        except DomainError as exc:
            yield self._fail(exc)
            return
        self.busy = False
        yield rx.redirect(f"/orders/{order.id}")

    @rx.event
    def set_approved(self, value: bool):
        """The approval checkbox (read by the card button; the form sends it too)."""
        self.approved = value is True

    @rx.event
    async def pay_card(self):
        """Step 5: pay by card on Stripe's hosted Checkout page (paid once its webhook arrives)."""
        actor = await current_actor(self)
        base = get_settings().base_url.rstrip("/")

        def checkout(order_id: int, cents: int, currency: str) -> tuple[str, str]:
            return stripe_checkout.create_checkout(
                order_id,
                cents,
                currency,
                f"{base}/orders/{order_id}",
                f"{base}/order?id={order_id}",
            )

        try:
            with session_scope() as db:
                url = do_start_card_payment(db, actor, self.order_id, self.approved, checkout)
        except DomainError as exc:
            return self._fail(exc)
        return rx.redirect(url, is_external=True)
