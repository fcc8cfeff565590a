"""State of /order: the five-step wizard, saved to the draft on every step.

Every handler re-checks the actor and hands raw form input to the order services, which
authorize, validate and reach GitHub, local repositories or the card processor; this state
imports no adapter (an import-linter contract). Visiting the page creates nothing: the draft
is made when step 1 is first saved.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import reflex as rx

from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import DomainError, ValidationFailed
from aixplore.domain.orders import github_oauth, payment, wizard
from aixplore.domain.orders import services as orders
from aixplore.domain.orders.spec import FRAMEWORKS
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
    """One draft order being filled in (``order_id`` 0: not saved yet)."""

    order_id: int = 0
    step: int = 1
    max_step: int = 1
    view: dict[str, Any] = {}
    error: str = ""
    notice: str = ""
    busy: bool = False
    github_login: str = ""
    oauth_enabled: bool = False
    provider: str = "github"
    providers: list[dict[str, str]] = []
    token_url: str = ""
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
    card_enabled: bool = False
    approved: bool = False
    catalog: list[dict[str, Any]] = orders.template_catalog()
    frameworks: list[str] = list(FRAMEWORKS)
    _solution: str = ""

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

    @rx.var
    def is_local(self) -> bool:
        return self.provider == "local"

    def _apply(self, view: dict[str, Any]) -> None:
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
        self.overwrites = list(view["overwrites"])
        if view["repo_full_name"]:
            self.provider = view["provider"]

    def _start_fresh(self) -> None:
        """No draft yet: step 1, nothing chosen."""
        self.order_id, self.view, self.max_step = 0, {}, 1
        self.repo_choice, self.base_branch, self.overwrites = "", "main", []
        self.entities_text = self.pages_text = self.env_text = self.secrets_text = ""

    def _fail(self, exc: DomainError) -> Any:
        self.busy = False
        self.error = exc.message
        return answer_error(exc, next_path="/order")

    @rx.event
    async def load(self):
        """Open the draft named in the URL or the newest one; none: a fresh, unsaved wizard."""
        actor = await current_actor(self)
        params = self.router.url.query_parameters
        self.error = ""
        solution = str(params.get("solution", ""))[:120]
        try:
            with read_scope() as db:
                order = wizard.open_draft(db, actor, str(params.get("id", "")), solution)
                facts = wizard.wizard_facts(db, actor)
                view = wizard.wizard_view(order) if order is not None else None
        except DomainError as exc:
            return self._fail(exc)
        self._solution = solution
        self.github_login, self.oauth_enabled = facts["github_login"], facts["oauth_enabled"]
        self.providers, self.token_url = facts["providers"], facts["token_url"]
        self.card_enabled, self.balance = facts["card_enabled"], facts["balance"]
        self.provider = facts["default_provider"]
        self.repos, self.orgs = [], []
        if view is None:
            self._start_fresh()
        else:
            self._apply(view)
        self.owner = self.owner or self.github_login
        status = self.view.get("status", "draft")
        if status not in {"draft", "quoted"}:
            return rx.redirect(f"/orders/{self.order_id}")
        self.step = self.max_step
        outcome = self._sign_in_outcome(str(params.get("github", "")))
        if self.provider == "local" and self.step == 1:
            return [*(outcome or []), WizardState.search({})]
        return outcome

    def _sign_in_outcome(self, outcome: str) -> list[Any] | None:
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
        query = json.dumps(f"?id={self.order_id}" if self.order_id else "")
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

    @rx.event
    def use_provider(self, key: str):
        """Switch between GitHub and local repositories (only those offered here)."""
        if not any(p["key"] == key for p in self.providers) or key == self.provider:
            return None
        self.provider, self.error = key, ""
        self.repos, self.orgs, self.repo_choice, self.base_branch = [], [], "", "main"
        return WizardState.search({}) if key == "local" else None

    @rx.event
    async def connect_github(self, form: dict):
        """Check a pasted token through GitHub's MCP server (read-only); stored encrypted."""
        actor = await current_actor(self)
        token = form.get("token") if isinstance(form, dict) else None
        self.busy, self.error = True, ""
        yield
        try:
            login = await wizard.connect_github(actor, token)
        except DomainError as exc:
            yield self._fail(exc)
            return
        self.github_login = self.owner = login
        self.busy = False
        yield toast_ok(f"GitHub connected as {login}.")

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
        """Find repositories: an account's or organization's on GitHub, or local ones."""
        actor = await current_actor(self)
        data = form if isinstance(form, dict) else {}
        self.busy, self.error = True, ""
        yield
        try:
            found = await wizard.find_repositories(
                actor, self.provider, data.get("owner", self.owner), data.get("text", "")
            )
        except DomainError as exc:
            yield self._fail(exc)
            return
        if self.provider == "github":
            self.owner, self.orgs = found["owner"], found["orgs"] or self.orgs
        self.repos = found["repos"]
        self.busy = False
        if not self.repos:
            where = "that account and search" if self.provider == "github" else "this search"
            self.error = f"No repositories found for {where}."

    @rx.event
    def choose(self, full_name: str, branch: str):
        """Pick a repository from the results."""
        if any(r["full_name"] == full_name for r in self.repos):
            self.repo_choice = full_name
            self.base_branch = branch if isinstance(branch, str) else "main"

    @rx.event
    async def save_repository(self, form: dict):
        """Step 1: scan the chosen repository read-only and save it (the draft is made now)."""
        actor = await current_actor(self)
        data = {
            "provider": self.provider,
            "repo_full_name": self.repo_choice,
            "base_branch": self.base_branch,
        }
        if isinstance(form, dict) and isinstance(form.get("base_branch"), str):
            data["base_branch"] = form["base_branch"].strip()
        if not self.repo_choice:
            yield self._fail(ValidationFailed("Choose a repository first."))
            return
        self.busy = True
        yield
        try:
            view = await wizard.save_repository(actor, self.order_id, data, self._solution)
        except DomainError as exc:
            yield self._fail(exc)
            return
        created = not self.order_id
        self._apply(view)
        self.busy, self.error, self.step = False, "", 2
        if created:  # a reload (or another device) resumes this draft
            query = json.dumps(f"?id={self.order_id}")
            yield rx.call_script(
                f"window.history.replaceState(null, '', window.location.pathname + {query})"
            )

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
                order = orders.do_save_requirements(db, actor, self.order_id, payload)
                self._apply(wizard.wizard_view(order))
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
                order = payment.do_quote(db, actor, self.order_id, self.view.get("promo_code", ""))
                self._apply(wizard.wizard_view(order))
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
                self._apply(wizard.wizard_view(payment.do_quote(db, actor, self.order_id, code)))
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
                order = payment.do_pay_with_wallet(db, actor, self.order_id, approve)
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
        """Step 5: pay by card on the processor's hosted page (paid once its webhook arrives)."""
        actor = await current_actor(self)
        try:
            url = wizard.start_card_payment(actor, self.order_id, self.approved)
        except DomainError as exc:
            return self._fail(exc)
        return rx.redirect(url, is_external=True)
