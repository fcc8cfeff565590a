"""State of /orders (my orders) and /orders/[order_id] (one order, refreshed live)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import DomainError, NotFound
from aixplore.domain.orders import admin as order_admin
from aixplore.domain.orders import services as orders
from aixplore.domain.orders.lifecycle import STATUS_LABELS, status_label
from aixplore.domain.orders.models import HAPPY_PATH, OrderStatus
from aixplore.web.feedback import answer_error, toast_ok
from aixplore.web.session import current_actor

LIVE = {s.value for s in (OrderStatus.PAID, *HAPPY_PATH[3:8])}
POLL_SECONDS = 1.0

LABELS = {status.value: label for status, label in STATUS_LABELS.items()}


REVIEWABLE = {OrderStatus.PR_OPENED.value, OrderStatus.DELIVERED.value}


def review_href(view: dict[str, Any]) -> str:
    """The review request's page of an order delivered to a local repository ("" if none)."""
    if view.get("provider") == "local" and view.get("status") in REVIEWABLE:
        return f"/orders/{view['id']}/review"
    return ""


def _row(view: dict[str, Any]) -> dict[str, Any]:
    local = view["provider"] == "local"
    return {
        "id": view["id"],
        "href": f"/order?id={view['id']}"
        if view["status"] in {"draft", "quoted"}
        else f"/orders/{view['id']}",
        "status": status_label(view["status"], view["provider"]),
        "repo": (f"{view['repo_full_name']} (local)" if local else view["repo_full_name"])
        or "(no repository yet)",
        "price": f"{view['price_tokens']:,} ECE" if view["price_tokens"] else "-",
        "pr_url": view["pr_url"],
        "review_href": review_href(view),
        "created": view["created_at"][:10],
    }


class MyOrdersState(rx.State):
    """The signed-in user's orders."""

    rows: list[dict[str, Any]] = []

    @rx.event
    async def load(self):
        actor = await current_actor(self)
        try:
            with read_scope() as db:
                self.rows = [_row(orders.order_view(o)) for o in orders.list_my_orders(db, actor)]
        except DomainError as exc:
            return answer_error(exc, next_path="/orders")
        return None


class OrderPageState(rx.State):
    """One order; while it moves, the page re-reads it every second."""

    view: dict[str, Any] = {}
    history: list[dict[str, str]] = []
    log: list[dict[str, str]] = []
    missing: bool = False
    current_id: int = 0

    @rx.var
    def status_label(self) -> str:
        status = str(self.view.get("status", ""))
        if status not in LABELS:
            return ""
        return status_label(status, str(self.view.get("provider", "github")))

    @rx.var
    def review_href(self) -> str:
        return review_href(self.view) if self.view else ""

    @rx.var
    def progress(self) -> list[dict[str, Any]]:
        status = str(self.view.get("status", ""))
        provider = str(self.view.get("provider", "github"))
        order = [s.value for s in HAPPY_PATH]
        reached = order.index(status) if status in order else -1
        return [
            {"name": status_label(s, provider), "done": i <= reached, "current": s == status}
            for i, s in enumerate(order[2:], start=2)
        ]

    def _read(self, actor: Any) -> None:
        if not self.current_id:
            raise NotFound("No such order.")
        with read_scope() as db:
            order = orders.get_order(db, actor, self.current_id)
            events = orders.order_history(db, actor, self.current_id)
            self.view = orders.order_view(order)
            # Built inside the unit of work: its rollback expires the rows.
            self.history = [
                {
                    "to": LABELS.get(e.to_status, e.to_status),
                    "at": e.created_at.strftime("%H:%M:%S"),
                }
                for e in events
            ]
        self.log = [
            {"at": line["at"][11:19], "stage": line["stage"], "msg": line["msg"]}
            for line in self.view["stage_log"]
        ]

    @rx.event
    async def load(self):
        actor = await current_actor(self)
        raw = str(
            self.router.page.params.get("order_id", "") or self.router.url.path.rsplit("/", 1)[-1]
        )
        self.current_id = int(raw) if raw.isdigit() and len(raw) < 12 else 0
        try:
            self._read(actor)
        except DomainError as exc:
            self.missing = True
            return answer_error(exc, next_path="/orders")
        self.missing = False
        return self._next_poll()

    def _next_poll(self) -> Any:
        """While the order moves, the browser asks again after a pause (a client-side loop)."""
        if self.view.get("status") not in LIVE:
            return None
        wait = f"new Promise((resolve) => setTimeout(resolve, {int(POLL_SECONDS * 1000)}))"
        return rx.call_script(wait, callback=OrderPageState.refresh)

    @rx.event
    async def refresh(self, _done: Any = None):
        """Re-read the order (the poll's callback); stops once it no longer moves."""
        actor = await current_actor(self)
        try:
            self._read(actor)
        except DomainError:
            return None
        return self._next_poll()


class AdminOrdersState(rx.State):
    """Every order for platform admins; the services refuse anyone else."""

    allowed: bool = False  # the page shows its controls only once the service let us in
    rows: list[dict[str, Any]] = []
    status: str = ""
    statuses: list[str] = [s.value for s in OrderStatus]

    def _load(self, actor: Any) -> None:
        with read_scope() as db:
            found = order_admin_list(db, actor, self.status or None)
        self.allowed = True
        self.rows = [
            {
                **_row(view),
                "failure": view["failure_reason"],
                "stuck": view["status"] in LIVE,
                "log": "\n".join(
                    f"{x['at'][11:19]} {x['stage']}: {x['msg']}" for x in view["stage_log"][-8:]
                ),
            }
            for view in found
        ]

    @rx.event
    async def load(self):
        try:
            self._load(await current_actor(self))
        except DomainError as exc:
            self.allowed, self.rows = False, []
            return answer_error(exc, next_path="/admin/orders")
        return None

    @rx.event
    async def filter(self, form: dict):
        wanted = form.get("status", "") if isinstance(form, dict) else ""
        self.status = wanted if wanted in self.statuses else ""
        try:
            self._load(await current_actor(self))
        except DomainError as exc:
            return answer_error(exc, next_path="/admin/orders")
        return None

    @rx.event
    async def requeue(self, order_id: int):
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                order_admin.do_admin_requeue(db, actor, order_id)
            self._load(actor)
        except DomainError as exc:
            return answer_error(exc, next_path="/admin/orders")
        return toast_ok("The order runs again.")

    @rx.event
    async def refund(self, order_id: int):
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                order_admin.do_admin_refund(db, actor, order_id, "stopped from the admin page")
            self._load(actor)
        except DomainError as exc:
            return answer_error(exc, next_path="/admin/orders")
        return toast_ok("Refunded.")


def order_admin_list(db: Any, actor: Any, status: str | None) -> list[dict[str, Any]]:
    """Plain views of every order (platform admins only)."""
    return [orders.order_view(o) for o in orders.list_all_orders(db, actor, status)]
