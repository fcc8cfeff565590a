"""Order wizard services: reading orders and drafts saved step by step (steps 1 to 3).

Every function takes the acting user and authorizes them: only an order's owner sees or
changes it (platform admins see every order). Another user's order reads as "not found".
"""

from __future__ import annotations

import logging
from typing import Any

from sqlmodel import Session, col, select

from aixplore.core.crypto import decrypt, encrypt
from aixplore.core.errors import Conflict, NotFound, ValidationFailed
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor
from aixplore.domain.accounts.services import parse_input, require_actor, require_platform_admin
from aixplore.domain.orders.lifecycle import lock_order, transition
from aixplore.domain.orders.models import (
    EDITABLE,
    Order,
    OrderEvent,
    OrderStatus,
)
from aixplore.domain.orders.spec import (
    TEMPLATES,
    Configuration,
    RepositoryChoice,
    Requirements,
)

log = logging.getLogger(__name__)

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


def own_editable(session: Session, actor: Actor | None, order_id: Any) -> Order:
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
    order = own_editable(session, actor, order_id)
    choice: RepositoryChoice = parse_input(RepositoryChoice, data)
    order.provider = choice.provider
    order.repo_full_name = choice.repo_full_name
    order.base_branch = choice.base_branch
    order.scan = scan
    _back_to_draft(session, order, require_actor(actor), 2)
    return order


def do_save_requirements(session: Session, actor: Actor | None, order_id: Any, data: Any) -> Order:
    """Step 2: what to generate."""
    order = own_editable(session, actor, order_id)
    req: Requirements = parse_input(Requirements, data)
    order.requirements = req.model_dump()
    order.template = req.template
    _back_to_draft(session, order, require_actor(actor), 3)
    return order


def do_save_configuration(session: Session, actor: Actor | None, order_id: Any, data: Any) -> Order:
    """Step 3: framework, root directory, branch, env vars (secrets encrypted at rest).

    A secret sent back blank keeps its stored value (pages never receive it to echo back).
    """
    order = own_editable(session, actor, order_id)
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


def secret_value(order: Order, name: str) -> str:
    """Decrypt one secret env value (the pipeline's use only; pages never get it)."""
    for var in order.env_vars or []:
        if var["name"] == name and var["secret"]:
            return decrypt(var["value_encrypted"], context=env_context(order.id, name))
    raise NotFound("No such secret.")


def template_catalog() -> list[dict[str, Any]]:
    """The templates a user can order, for the wizard."""
    return [
        {"key": t.key, "title": t.title, "description": t.description, "base": t.base_tokens}
        for t in TEMPLATES.values()
    ]
