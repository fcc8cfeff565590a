"""The order wizard's services: opening a draft, the provider, connecting, finding, scanning
and saving a repository, and starting a card payment.

The ones that reach a repository host or the card processor authorize the actor and check
the input before anything leaves the server, make the outside call outside any unit of work,
then save through the order services in a unit of work of their own. A draft exists only
once step 1 is saved; visiting the wizard creates nothing.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import Conflict, NotFound, ServiceUnavailable, ValidationFailed
from aixplore.core.settings import get_settings
from aixplore.domain.accounts.models import Actor
from aixplore.domain.accounts.services import parse_input, require_actor
from aixplore.domain.orders import github_account, providers
from aixplore.domain.orders import services as orders
from aixplore.domain.orders.card import card_gateway, card_payments_enabled, do_start_card_payment
from aixplore.domain.orders.generate import render_project
from aixplore.domain.orders.models import EDITABLE, Order
from aixplore.domain.orders.providers import PROVIDER_NAMES, Provider
from aixplore.domain.orders.scan import overwritten, scan_repository
from aixplore.domain.orders.spec import RepositoryChoice
from aixplore.domain.wallet.services import user_balance

MAX_RESULTS = 30
# Where a GitHub token is made, with the scopes the wizard needs already ticked.
TOKEN_PAGE = "/settings/tokens/new?scopes=repo,read:org&description=AiXplore"  # noqa: S105


def open_draft(session: Session, actor: Actor | None, wanted: Any, solution: Any) -> Order | None:
    """The draft to show: the one asked for, else the newest unpaid one; None for a new one.

    Creates nothing (a draft is made when step 1 is first saved). With ``solution`` (a
    custom version of a marketplace solution) a new draft is wanted, unless one is named.
    """
    actor = require_actor(actor)
    if isinstance(wanted, str) and wanted.isdigit() and len(wanted) < 12:
        return orders.get_order(session, actor, int(wanted))
    if isinstance(solution, str) and solution.strip():
        return None
    drafts = [o for o in orders.list_my_orders(session, actor) if o.status in EDITABLE]
    return drafts[0] if drafts else None


def wizard_facts(session: Session, actor: Actor | None) -> dict[str, Any]:
    """What the wizard shows around the steps: GitHub login, providers, payment means."""
    actor = require_actor(actor)
    login = github_account.github_login(session, actor)
    offered = providers.available_providers()
    return {
        "github_login": login,
        "oauth_enabled": get_settings().github_oauth_enabled,
        "providers": [{"key": p.value, "name": PROVIDER_NAMES[p]} for p in offered],
        "default_provider": providers.default_provider(bool(login)).value,
        "card_enabled": card_payments_enabled(),
        "balance": user_balance(session, actor.user_id),
        "token_url": get_settings().github_web_url.rstrip("/") + TOKEN_PAGE,
    }


def wizard_view(order: Order) -> dict[str, Any]:
    """The order's plain view plus the generated files that would overwrite existing ones."""
    view = orders.order_view(order)
    req = view["requirements"]
    files: list[str] = []
    if req and view["repo_full_name"] and req.get("entities"):
        rendered = render_project(0, view["repo_full_name"], req, view["configuration"], [])
        files = list(rendered)
    view["overwrites"] = overwritten(view["scan"], files)[:50]
    return view


def _offered(value: Any) -> Provider:
    provider = providers.parse_provider(value)
    if provider not in providers.available_providers():
        raise ValidationFailed("Local repositories are not set up on this server.")
    return provider


def _credential(actor: Actor, provider: Provider) -> str | None:
    if provider is not Provider.GITHUB:
        return None
    with read_scope() as db:
        token = github_account.github_token_for(db, actor.user_id)
    if not token:
        raise ValidationFailed("Connect GitHub first.")
    return token


def _with_next_step(exc: ServiceUnavailable) -> ServiceUnavailable:
    """GitHub out of reach: say that local repositories work meanwhile, where offered."""
    if exc.code == providers.UNREACHABLE and Provider.LOCAL in providers.available_providers():
        return ServiceUnavailable(
            f"{exc.message} Meanwhile you can order into a local repository: choose "
            '"Local repositories" above.'
        )
    return exc


async def connect_github(actor: Actor | None, token: Any) -> str:
    """Check a pasted GitHub token through the MCP server (read-only), store it encrypted."""
    actor = require_actor(actor)
    if not isinstance(token, str) or not 10 <= len(token.strip()) <= 500:
        raise ValidationFailed("Paste a GitHub personal access token.", field="token")
    token = token.strip()
    try:
        async with providers.open_host(Provider.GITHUB, token) as host:
            login = await host.account()
    except ServiceUnavailable as exc:
        raise _with_next_step(exc) from exc
    with session_scope() as db:
        github_account.do_save_github_connection(db, actor, login, token)
    return login


async def find_repositories(
    actor: Actor | None, provider: Any, owner: Any, text: Any
) -> dict[str, Any]:
    """Repositories of the provider to choose from (GitHub: an account or organization's)."""
    actor = require_actor(actor)
    chosen = _offered(provider)
    owner = owner.strip()[:39] if isinstance(owner, str) else ""
    text = text[:100] if isinstance(text, str) else ""
    credential = _credential(actor, chosen)
    mine = ""
    if chosen is Provider.GITHUB:
        with read_scope() as db:
            mine = github_account.github_login(db, actor)
        owner = owner or mine
    orgs: list[str] = []
    try:
        async with providers.open_host(chosen, credential) as host:
            found = await host.search(owner, text)
            if chosen is Provider.GITHUB and owner and owner != mine:
                orgs = await host.organizations(owner)
    except ServiceUnavailable as exc:
        raise _with_next_step(exc) from exc
    return {
        "owner": owner,
        "orgs": orgs,
        "repos": [
            {
                "full_name": r.name,
                "description": r.description,
                "branch": r.default_branch,
                "private": "private" if r.private else "public",
            }
            for r in found[:MAX_RESULTS]
        ],
    }


async def save_repository(
    actor: Actor | None, order_id: Any, data: Any, solution: Any = None
) -> dict[str, Any]:
    """Step 1: scan the chosen repository read-only and save it (the draft is made now).

    ``order_id`` 0 starts a new draft (``solution``: a custom version of that solution).
    """
    actor = require_actor(actor)
    choice: RepositoryChoice = parse_input(RepositoryChoice, data)
    provider = _offered(choice.provider)
    if order_id:  # the draft is the actor's and still editable, before scanning anything
        with read_scope() as db:
            draft = orders.get_order(db, actor, order_id)
            if draft.user_id != actor.user_id:
                raise NotFound("No such order.")
            if draft.status not in EDITABLE:
                raise Conflict("This order is paid; its choices can no longer change.")
    credential = _credential(actor, provider)
    try:
        async with providers.open_host(provider, credential) as host:
            scan = await scan_repository(host, choice.repo_full_name, choice.base_branch)
    except ServiceUnavailable as exc:
        raise _with_next_step(exc) from exc
    with session_scope() as db:
        if not order_id:
            order_id = orders.do_create_draft(db, actor, solution or None).id
        order = orders.do_save_repository(db, actor, order_id, choice.model_dump(), scan)
        return wizard_view(order)


def start_card_payment(actor: Actor | None, order_id: Any, approve_write: Any) -> str:
    """Step 5: open the card processor's payment page; the URL to send the browser to."""
    gateway = card_gateway()
    if gateway is None or not gateway.enabled():
        raise ValidationFailed("Card payments are not configured; pay with ECE tokens.")
    base = get_settings().base_url.rstrip("/")

    def checkout(oid: int, cents: int, currency: str) -> tuple[str, str]:
        success, cancel = f"{base}/orders/{oid}", f"{base}/order?id={oid}"
        return gateway.create_checkout(oid, cents, currency, success, cancel)

    with session_scope() as db:
        return do_start_card_payment(db, actor, order_id, approve_write, checkout)
