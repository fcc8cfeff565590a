"""Order wizard services: drafts saved step by step, quote, promo codes, wallet payment.

Every function takes the acting user and authorizes them: only an order's owner sees or
changes it (platform admins see every order). Another user's order reads as "not found".
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import update
from sqlmodel import Session, col, select

from aixplore.core.crypto import DecryptionError, decrypt, encrypt
from aixplore.core.errors import Conflict, NotFound, ValidationFailed
from aixplore.core.events import publish_after_commit
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor
from aixplore.domain.accounts.services import parse_input, require_actor, require_platform_admin
from aixplore.domain.audit.services import record as audit
from aixplore.domain.orders.lifecycle import ORDER_QUEUED, lock_order, transition
from aixplore.domain.orders.models import (
    EDITABLE,
    GithubConnection,
    Order,
    OrderEvent,
    OrderStatus,
    PaymentMethod,
    PromoCode,
)
from aixplore.domain.orders.spec import (
    TEMPLATES,
    Configuration,
    RepositoryChoice,
    Requirements,
    quote_for,
)
from aixplore.domain.wallet.models import SystemAccount, TransactionKind
from aixplore.domain.wallet.services import system_account, transfer, user_account

log = logging.getLogger(__name__)

QUOTE_VALID = timedelta(hours=1)
MAX_DRAFTS = 20
SECRET_MASK = "********"  # noqa: S105 - a mask shown instead of secrets


# ---- Reading ----


def get_order(session: Session, actor: Actor | None, order_id: Any) -> Order:
    """The order ``order_id`` if the actor owns it (or administers the platform)."""
    actor = require_actor(actor)
    if not isinstance(order_id, int) or isinstance(order_id, bool):
        raise NotFound("No such order.")
    order = session.get(Order, order_id)
    if order is None or (order.user_id != actor.user_id and not actor.is_platform_admin):
        raise NotFound("No such order.")
    return order


def _own_editable(session: Session, actor: Actor | None, order_id: Any) -> Order:
    actor = require_actor(actor)
    order = get_order(session, actor, order_id)
    if order.user_id != actor.user_id:
        raise NotFound("No such order.")
    order = lock_order(session, order.id or 0)
    if order.status not in EDITABLE:
        raise Conflict("This order is paid; its choices can no longer change.")
    return order


def list_my_orders(session: Session, actor: Actor | None) -> list[Order]:
    """The actor's orders, newest first."""
    actor = require_actor(actor)
    return list(
        session.exec(
            select(Order).where(Order.user_id == actor.user_id).order_by(col(Order.id).desc())
        ).all()
    )


def list_my_orders_before(
    session: Session, actor: Actor | None, before_id: int | None, limit: int
) -> tuple[list[Order], int | None]:
    """A page of the actor's orders, newest first, below ``before_id``; and the next bound."""
    actor = require_actor(actor)
    query = select(Order).where(Order.user_id == actor.user_id)
    if before_id is not None:
        query = query.where(col(Order.id) < before_id)
    rows = list(session.exec(query.order_by(col(Order.id).desc()).limit(limit + 1)).all())
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].id if more and rows else None)


def list_all_orders(
    session: Session, actor: Actor | None, status: str | None = None, limit: int = 100
) -> list[Order]:
    """Every order (platform admins), optionally filtered by status."""
    require_platform_admin(actor, "list_orders")
    query = select(Order).order_by(col(Order.id).desc()).limit(max(1, min(limit, 500)))
    if status:
        try:
            query = query.where(Order.status == OrderStatus(status))
        except ValueError as exc:
            raise ValidationFailed("Unknown order status.") from exc
    return list(session.exec(query).all())


def order_history(session: Session, actor: Actor | None, order_id: Any) -> list[OrderEvent]:
    """The recorded transitions of an order the actor may see, oldest first."""
    order = get_order(session, actor, order_id)
    return list(
        session.exec(
            select(OrderEvent).where(OrderEvent.order_id == order.id).order_by(col(OrderEvent.id))
        ).all()
    )


def order_view(order: Order) -> dict[str, Any]:
    """Plain values for pages and the API; secret values are never included."""
    config = dict(order.configuration or {})
    env = [
        {
            "name": v["name"],
            "secret": v["secret"],
            "value": SECRET_MASK if v["secret"] else v.get("value", ""),
        }
        for v in order.env_vars or []
    ]
    return {
        "id": order.id,
        "status": OrderStatus(order.status).value,
        "step": order.step,
        "solution_slug": order.solution_slug or "",
        "provider": order.provider or "github",
        "repo_full_name": order.repo_full_name or "",
        "base_branch": order.base_branch or "",
        "template": order.template or "",
        "requirements": order.requirements or {},
        "configuration": config,
        "env_vars": env,
        "scan": order.scan or {},
        "quote": order.quote or {},
        "promo_code": order.promo_code or "",
        "price_tokens": order.price_tokens or 0,
        "pr_url": order.pr_url or "",
        "pr_number": order.pr_number or 0,
        "commit_sha": order.commit_sha or "",
        "failure_reason": order.failure_reason or "",
        "stage_log": order.stage_log or [],
        "created_at": order.created_at.isoformat(timespec="seconds"),
    }


# ---- The wizard's steps ----


def do_create_draft(session: Session, actor: Actor | None, solution_slug: Any = None) -> Order:
    """Start a draft order (optionally "a custom version" of a solution, which prefills it)."""
    actor = require_actor(actor)
    drafts = session.exec(
        select(Order.id).where(Order.user_id == actor.user_id, Order.status == OrderStatus.DRAFT)
    ).all()
    if len(drafts) >= MAX_DRAFTS:
        raise Conflict(f"You have {MAX_DRAFTS} unfinished drafts; finish or delete one first.")
    order = Order(user_id=actor.user_id)
    if isinstance(solution_slug, str) and solution_slug.strip():
        order.solution_slug = solution_slug.strip()[:120]
        order.requirements = prefill_from_solution(session, order.solution_slug)
        order.template = order.requirements["template"]
    session.add(order)
    session.flush()
    return order


def prefill_from_solution(session: Session, slug: str) -> dict[str, Any]:
    """Requirements suggested by a marketplace solution (its name and summary in the notes)."""
    from aixplore.domain.solutions.models import Solution

    solution = session.exec(select(Solution).where(Solution.slug == slug)).first()
    if solution is None:
        raise NotFound("No such solution to customise.")
    return {
        "template": "crud_admin",
        "entities": [
            {
                "name": "Item",
                "fields": [
                    {"name": "title", "type": "text", "required": True},
                    {"name": "description", "type": "long_text", "required": False},
                ],
            }
        ],
        "pages": ["home"],
        "sign_in": False,
        "notes": f"A custom version of {solution.name}: {solution.tagline}"[:4000],
    }


def _back_to_draft(session: Session, order: Order, actor: Actor, step: int) -> None:
    if order.status == OrderStatus.QUOTED:
        transition(session, order, OrderStatus.DRAFT, actor_user_id=actor.user_id, note="Edited.")
    order.quote = None
    order.step = max(order.step, step)
    order.updated_at = utcnow()
    session.add(order)
    session.flush()


def do_save_repository(
    session: Session, actor: Actor | None, order_id: Any, data: Any, scan: dict[str, Any] | None
) -> Order:
    """Step 1: the provider, repository and base branch (``scan``: the read-only scan)."""
    order = _own_editable(session, actor, order_id)
    choice: RepositoryChoice = parse_input(RepositoryChoice, data)
    order.provider = choice.provider
    order.repo_full_name = choice.repo_full_name
    order.base_branch = choice.base_branch
    order.scan = scan
    _back_to_draft(session, order, require_actor(actor), 2)
    return order


def do_save_requirements(session: Session, actor: Actor | None, order_id: Any, data: Any) -> Order:
    """Step 2: what to generate."""
    order = _own_editable(session, actor, order_id)
    req: Requirements = parse_input(Requirements, data)
    order.requirements = req.model_dump()
    order.template = req.template
    _back_to_draft(session, order, require_actor(actor), 3)
    return order


def do_save_configuration(session: Session, actor: Actor | None, order_id: Any, data: Any) -> Order:
    """Step 3: framework, root directory, branch, env vars (secrets encrypted at rest).

    A secret sent back blank keeps its stored value (pages never receive it to echo back).
    """
    order = _own_editable(session, actor, order_id)
    config: Configuration = parse_input(Configuration, data)
    old = {v["name"]: v for v in order.env_vars or []}
    env: list[dict[str, Any]] = []
    for var in config.env_vars:
        if var.secret:
            if var.value and var.value != SECRET_MASK:
                stored = encrypt(var.value, context=env_context(order.id, var.name))
            elif var.name in old and old[var.name]["secret"]:
                stored = old[var.name]["value_encrypted"]
            else:
                raise ValidationFailed(f"Enter a value for the secret {var.name}.", field="env")
            env.append({"name": var.name, "secret": True, "value_encrypted": stored})
        else:
            env.append({"name": var.name, "secret": False, "value": var.value})
    order.configuration = config.model_dump(exclude={"env_vars"})
    order.env_vars = env
    _back_to_draft(session, order, require_actor(actor), 4)
    return order


def env_context(order_id: int | None, name: str) -> str:
    return f"order.env_vars:{order_id}:{name}"


def token_context(user_id: int) -> str:
    return f"github_connection.token:{user_id}"


def secret_value(order: Order, name: str) -> str:
    """Decrypt one secret env value (the pipeline's use only; pages never get it)."""
    for var in order.env_vars or []:
        if var["name"] == name and var["secret"]:
            return decrypt(var["value_encrypted"], context=env_context(order.id, name))
    raise NotFound("No such secret.")


# ---- Quote, promo codes, payment ----


def _promo(session: Session, code: str) -> PromoCode:
    promo = session.exec(select(PromoCode).where(PromoCode.code == code.strip().upper())).first()
    now = utcnow()
    if (
        promo is None
        or not promo.active
        or (promo.expires_at is not None and promo.expires_at < now)
        or (promo.max_uses is not None and promo.uses >= promo.max_uses)
    ):
        raise ValidationFailed("That promo code is not valid.", field="promo_code")
    return promo


def do_quote(session: Session, actor: Actor | None, order_id: Any, promo_code: Any = "") -> Order:
    """Step 4: price the complete draft (draft or quoted -> quoted)."""
    order = _own_editable(session, actor, order_id)
    if not order.repo_full_name:
        raise ValidationFailed("Pick a repository first (step 1).")
    if not order.requirements:
        raise ValidationFailed("Describe the app first (step 2).")
    if not order.configuration:
        raise ValidationFailed("Configure the branch first (step 3).")
    code = promo_code.strip().upper() if isinstance(promo_code, str) else ""
    percent = _promo(session, code).percent_off if code else 0
    order.promo_code = code or None
    order.quote = quote_for(order.requirements, order.scan, percent)
    order.price_tokens = order.quote["tokens"]
    order.quoted_at = utcnow()
    order.step = 5
    transition(session, order, OrderStatus.QUOTED, actor_user_id=require_actor(actor).user_id)
    return order


def do_pay_with_wallet(
    session: Session, actor: Actor | None, order_id: Any, approve_write: Any
) -> Order:
    """Step 5: pay the quote from the wallet and queue the order.

    A repeated submit finds the order already paid and charges nothing more (the payment's
    reference is unique per order, and the row is locked while paying).
    """
    actor = require_actor(actor)
    order = get_order(session, actor, order_id)
    if order.user_id != actor.user_id:
        raise NotFound("No such order.")
    order = lock_order(session, order.id or 0)
    if order.status not in EDITABLE:
        return order  # already paid: a double submit changes nothing
    if order.status != OrderStatus.QUOTED or not order.quote or not order.quoted_at:
        raise Conflict("Review the quote before paying.")
    if approve_write is not True:
        raise ValidationFailed(
            "Approve write access to the repository so the pull request can be opened.",
            field="approve_write",
        )
    if utcnow() - order.quoted_at > QUOTE_VALID:
        raise Conflict("The quote has expired; review it again.")
    if order.promo_code:
        _claim_promo(session, order.promo_code)
    price = int(order.quote["tokens"])
    payer = user_account(session, actor.user_id)
    orders = system_account(session, SystemAccount.ORDERS)
    assert payer.id is not None and orders.id is not None
    paid = transfer(
        session, payer.id, orders.id, price, TransactionKind.PAYMENT, f"order:{order.id}:payment"
    )
    order.price_tokens = price
    order.payment_method = PaymentMethod.WALLET.value
    order.payment_reference = paid.reference
    order.write_approved = True
    transition(session, order, OrderStatus.PAID, actor_user_id=actor.user_id, note="Wallet.")
    transition(session, order, OrderStatus.QUEUED)
    publish_after_commit(session, ORDER_QUEUED, order.id)
    return order


def _claim_promo(session: Session, code: str) -> None:
    promo = _promo(session, code)
    result = session.execute(
        update(PromoCode)
        .where(col(PromoCode.id) == promo.id)
        .where(
            (col(PromoCode.max_uses).is_(None)) | (col(PromoCode.uses) < col(PromoCode.max_uses))
        )
        .values(uses=col(PromoCode.uses) + 1)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("That promo code has just been used up; review the quote again.")


class PromoInput(BaseModel):
    """An admin's new promo code."""

    code: str
    percent_off: int
    max_uses: int | None = None
    expires_at: datetime | None = None


def do_create_promo(session: Session, actor: Actor | None, data: Any) -> PromoCode:
    """Create a promo code (platform admins)."""
    require_platform_admin(actor, "create_promo")
    promo: PromoInput = parse_input(PromoInput, data)
    code = promo.code.strip().upper()
    if not 3 <= len(code) <= 40 or not code.replace("-", "").isalnum():
        raise ValidationFailed("A promo code has 3 to 40 letters, digits or dashes.")
    if not 1 <= promo.percent_off <= 100:
        raise ValidationFailed("The discount must be 1 to 100 percent.")
    if session.exec(select(PromoCode).where(PromoCode.code == code)).first():
        raise Conflict("That promo code exists already.")
    row = PromoCode(
        code=code,
        percent_off=promo.percent_off,
        max_uses=promo.max_uses,
        expires_at=promo.expires_at,
    )
    session.add(row)
    session.flush()
    return row


# ---- GitHub connection ----


def do_save_github_connection(
    session: Session,
    actor: Actor | None,
    login: str,
    token: str,
    *,
    method: str = "token",
    ip: str = "",
) -> None:
    """Store the actor's GitHub token encrypted (``login`` verified by the caller via MCP).

    ``method`` says how it was obtained ("token": pasted; "oauth": the OAuth app sign-in).
    """
    actor = require_actor(actor)
    if not isinstance(token, str) or not 1 <= len(token) <= 500:
        raise ValidationFailed("Paste a GitHub token.", field="token")
    row = session.exec(
        select(GithubConnection).where(GithubConnection.user_id == actor.user_id)
    ).first()
    row = row or GithubConnection(user_id=actor.user_id, login=login, token_encrypted="")
    row.login = login[:100]
    row.token_encrypted = encrypt(token, context=token_context(actor.user_id))
    session.add(row)
    session.flush()
    audit(
        session,
        actor.user_id,
        "github.connected",
        f"github:{row.login}",
        ip=ip,
        detail={"method": method},
    )


def github_login(session: Session, actor: Actor | None) -> str:
    """The GitHub login the actor connected ("" when none)."""
    actor = require_actor(actor)
    row = session.exec(
        select(GithubConnection).where(GithubConnection.user_id == actor.user_id)
    ).first()
    return row.login if row else ""


def github_token_for(session: Session, user_id: int) -> str | None:
    """The decrypted token of ``user_id`` (server-side callers only)."""
    row = session.exec(select(GithubConnection).where(GithubConnection.user_id == user_id)).first()
    if row is None:
        return None
    try:
        return decrypt(row.token_encrypted, context=token_context(user_id))
    except DecryptionError:
        # Stored under a key this deployment no longer has: the user connects GitHub again.
        log.warning("github token of user %s cannot be decrypted; asking to reconnect", user_id)
        return None


def template_catalog() -> list[dict[str, Any]]:
    """The templates a user can order, for the wizard."""
    return [
        {"key": t.key, "title": t.title, "description": t.description, "base": t.base_tokens}
        for t in TEMPLATES.values()
    ]
