"""Re-encrypt every secret stored in the database under the current key, in batches.

Each encrypted column is listed in ``COLUMNS`` with the associated-data context its values were
written with. A value is rewritten only when it is under another key, and only if it has not
changed since it was read (a conditional ``UPDATE ... WHERE value = old``), so a rotation can
run while the app writes new secrets. Run it again until it reports nothing left; values under
a key that is in neither the current nor the previous keys are counted as unreadable and left
as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, SQLModel, col, select

from aixplore.core.crypto import DecryptionError, current_key_id, decrypt, encrypt, key_id_of
from aixplore.domain.idempotency.models import IdempotencyRecord
from aixplore.domain.orders.github_account import token_context
from aixplore.domain.orders.github_oauth import VERIFIER_CONTEXT
from aixplore.domain.orders.models import GithubConnection, GithubLoginState, Order
from aixplore.domain.orders.services import env_context
from aixplore.domain.orgs.sso import secret_context
from aixplore.domain.orgs.sso_models import SsoConnection, SsoLoginState
from aixplore.domain.webhooks.models import WebhookEndpoint

Context = Callable[[Any], str]


@dataclass(frozen=True)
class Column:
    """One encrypted text column and the context its values are bound to."""

    model: type[SQLModel]
    name: str
    context: Context = lambda _row: ""


COLUMNS: tuple[Column, ...] = (
    Column(WebhookEndpoint, "secret_enc"),
    Column(WebhookEndpoint, "previous_secret_enc"),
    Column(IdempotencyRecord, "response_body"),
    Column(SsoConnection, "client_secret_enc", secret_context),
    Column(SsoLoginState, "code_verifier_enc", lambda _row: "sso_login_state"),
    Column(GithubConnection, "token_encrypted", lambda row: token_context(row.user_id)),
    Column(GithubLoginState, "verifier_enc", lambda _row: VERIFIER_CONTEXT),
)


@dataclass
class RotationReport:
    """What a pass did: values rewritten, already current, and unreadable (per column)."""

    rotated: int = 0
    current: int = 0
    unreadable: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for people."""
        line = f"{self.rotated} secret(s) re-encrypted, {self.current} already under the key."
        if self.unreadable:
            line += f" {len(self.unreadable)} unreadable (key unknown): " + ", ".join(
                self.unreadable[:10]
            )
        return line


def _batches(session: Session, model: type[SQLModel], batch: int) -> Iterator[list[Any]]:
    pk = col(model.id)  # type: ignore[attr-defined]
    after = 0
    while True:
        rows = list(session.exec(select(model).where(pk > after).order_by(pk).limit(batch)).all())
        if not rows:
            return
        yield rows
        after = rows[-1].id  # type: ignore[attr-defined]


def _rotate_value(value: str, context: str, report: RotationReport, where: str) -> str | None:
    """The value re-encrypted under the current key, or None when it stays as it is."""
    if not value:
        return None
    if key_id_of(value) == current_key_id():
        report.current += 1
        return None
    try:
        plain = decrypt(value, context=context)
    except DecryptionError:
        report.unreadable.append(where)
        return None
    return encrypt(plain, context=context)


def rotate_all(session_factory: Callable[[], Any], *, batch: int = 200) -> RotationReport:
    """Re-encrypt every stored secret under the current key; one unit of work per batch."""
    report = RotationReport()
    for column in COLUMNS:
        _rotate_column(session_factory, column, batch, report)
    _rotate_order_env(session_factory, batch, report)
    return report


def _rotate_column(
    session_factory: Callable[[], Any], column: Column, batch: int, report: RotationReport
) -> None:
    table = column.model.__tablename__  # type: ignore[attr-defined]
    with session_factory() as reader:
        pages = [
            [(r.id, getattr(r, column.name), column.context(r)) for r in rows]
            for rows in _batches(reader, column.model, batch)
        ]
    for page in pages:
        with session_factory() as db:
            for row_id, value, context in page:
                new = _rotate_value(value or "", context, report, f"{table}.{column.name}:{row_id}")
                if new is None:
                    continue
                attr = getattr(column.model, column.name)
                result = db.execute(
                    update(column.model)
                    .where(col(column.model.id) == row_id, attr == value)  # type: ignore[attr-defined]
                    .values({column.name: new})
                )
                report.rotated += result.rowcount  # type: ignore[attr-defined]


def _rotate_order_env(
    session_factory: Callable[[], Any], batch: int, report: RotationReport
) -> None:
    with session_factory() as reader:
        pages = [
            [(o.id, o.env_vars) for o in rows if any(v.get("secret") for v in o.env_vars or [])]
            for rows in _batches(reader, Order, batch)
        ]
    for page in pages:
        with session_factory() as db:
            for order_id, env in page:
                changed, rotated = [], 0
                for var in env:
                    new = None
                    if var.get("secret"):
                        new = _rotate_value(
                            var.get("value_encrypted", ""),
                            env_context(order_id, var["name"]),
                            report,
                            f"app_order.env_vars:{order_id}:{var['name']}",
                        )
                    changed.append({**var, "value_encrypted": new} if new else var)
                    rotated += new is not None
                if rotated:
                    order = db.get(Order, order_id, with_for_update=True)
                    if order is not None and order.env_vars == env:
                        order.env_vars = changed
                        db.add(order)
                        report.rotated += rotated
