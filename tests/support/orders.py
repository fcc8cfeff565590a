"""Orders built through the real wizard services (shared by unit, integration and e2e tests)."""

from __future__ import annotations

from typing import Any

from aixplore.core.db import session_scope
from aixplore.domain.accounts.models import Actor
from aixplore.domain.orders import github_account, payment
from aixplore.domain.orders import services as orders
from aixplore.domain.wallet.services import do_grant_demo_tokens

REQUIREMENTS: dict[str, Any] = {
    "template": "api_service",
    "entities": [
        {
            "name": "Book",
            "fields": [
                {"name": "title", "type": "text", "required": True},
                {"name": "pages", "type": "integer", "required": False},
                {"name": "price", "type": "decimal", "required": False},
                {"name": "published", "type": "date", "required": False},
                {"name": "in_stock", "type": "boolean", "required": False},
            ],
        },
        {
            "name": "Author",
            "fields": [
                {"name": "name", "type": "text", "required": True},
                {"name": "contact", "type": "email", "required": False},
                {"name": "bio", "type": "long_text", "required": False},
            ],
        },
    ],
    "pages": ["home", "about"],
    "sign_in": True,
    "notes": "A small library.",
}


def configuration(branch: str = "aixplore/library", **extra: Any) -> dict[str, Any]:
    """A valid step-3 configuration with one secret and one plain variable."""
    return {
        "framework": "python-wsgi",
        "root_dir": "",
        "branch_name": branch,
        "env_vars": [
            {"name": "API_KEY", "value": "s3cr3t-value", "secret": True},
            {"name": "APP_TITLE", "value": "Library", "secret": False},
        ],
        **extra,
    }


def paid_order(
    actor: Actor,
    *,
    token: str,
    repo: str = "octo/library",
    branch: str = "aixplore/library",
    grant: int = 5_000,
) -> int:
    """A wallet-paid order of ``actor`` (GitHub connected with ``token``); its id.

    Paying queues the order's job after commit when the job hooks are registered
    (``aixplore.jobs.registry`` imported).
    """
    with session_scope() as db:
        github_account.do_save_github_connection(db, actor, "octo", token)
    oid = quoted_order(actor, repo=repo, grant=grant, branch=branch)
    with session_scope() as db:
        payment.do_pay_with_wallet(db, actor, oid, True)
    return oid


def paid_local_order(
    actor: Actor, *, repo: str = "shop", branch: str = "aixplore/shop", grant: int = 5_000
) -> int:
    """A wallet-paid order of ``actor`` into the local repository ``repo``; its id."""
    oid = quoted_order(actor, repo=repo, grant=grant, branch=branch, provider="local")
    with session_scope() as db:
        payment.do_pay_with_wallet(db, actor, oid, True)
    return oid


def quoted_order(
    actor: Actor,
    *,
    provider: str = "github",
    repo: str = "octo/library",
    requirements: dict[str, Any] | None = None,
    grant: int = 5_000,
    branch: str = "aixplore/library",
    scan: dict[str, Any] | None = None,
) -> int:
    """A quoted order of ``actor`` (with ``grant`` demo tokens in the wallet); its id."""
    with session_scope() as db:
        if grant:
            do_grant_demo_tokens(db, actor.user_id, grant)
        order = orders.do_create_draft(db, actor)
        oid = order.id
        orders.do_save_repository(
            db,
            actor,
            oid,
            {"provider": provider, "repo_full_name": repo, "base_branch": "main"},
            scan,
        )
        orders.do_save_requirements(db, actor, oid, requirements or REQUIREMENTS)
        orders.do_save_configuration(db, actor, oid, configuration(branch))
        payment.do_quote(db, actor, oid)
    assert oid is not None
    return oid
