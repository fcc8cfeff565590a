"""The /admin/audit page: filter the audit log, export it, and verify its hash chain."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import DomainError, ValidationFailed
from aixplore.domain.audit import reading
from aixplore.web.feedback import answer_error, toast_ok
from aixplore.web.layout import page
from aixplore.web.session import current_actor


class AuditState(rx.State):
    """/admin/audit (platform admins) and /orgs/[org_id]/audit (that organization's admins).

    Every handler re-checks in the domain that the caller may read what the filter selects.
    """

    entries: list[dict[str, Any]] = []
    action: str = ""
    actor_id: str = ""
    cursor: int = 0
    allowed: bool = False
    verdict: str = ""
    verdict_ok: bool = True
    org_id: int = 0  # 0: the whole log

    def _filters(self) -> dict[str, Any]:
        filters: dict[str, Any] = {"action": self.action}
        if self.org_id:
            filters["org_id"] = self.org_id
        if self.actor_id:
            if not self.actor_id.isdigit() or len(self.actor_id) > 10:
                raise ValidationFailed("The actor is a user number.", field="actor_id")
            filters["actor_id"] = int(self.actor_id)
        return filters

    async def _reload(self, *, more: bool = False) -> None:
        actor = await current_actor(self)
        filters = self._filters()
        if more and self.cursor:
            filters["before_seq"] = self.cursor
        with read_scope() as db:
            rows, cursor = reading.list_entries(db, actor, filters)
            items = [
                {
                    **reading.entry_dict(r),
                    "when": r.created_at.strftime("%Y-%m-%d %H:%M:%S"),
                    "actor": str(r.actor_id or "-"),
                }
                for r in rows
            ]
        self.entries = [*self.entries, *items] if more else items
        self.cursor = cursor or 0
        self.allowed = True

    def _refuse(self, exc: DomainError) -> list:
        if not isinstance(exc, ValidationFailed):
            self.allowed = False
            self.entries = []
        return answer_error(exc, next_path=self.router.url.path or "/admin/audit")

    @rx.event
    async def load(self):
        """Open the page: the whole log, or one organization's on /orgs/[org_id]/audit."""
        self.action, self.actor_id, self.verdict = "", "", ""
        raw = self.router.page.params.get("org_id", "")
        self.org_id = int(raw) if isinstance(raw, str) and raw.isdigit() and len(raw) < 10 else 0
        if raw and not self.org_id:
            return self._refuse(ValidationFailed("No such organization."))
        try:
            await self._reload()
        except DomainError as exc:
            return self._refuse(exc)
        return None

    @rx.event
    async def search(self, form_data: dict):
        """Filter by action prefix and actor."""
        if not isinstance(form_data, dict):
            return self._refuse(ValidationFailed("Invalid filter."))
        action, actor_id = form_data.get("action", ""), form_data.get("actor_id", "")
        if not isinstance(action, str) or not isinstance(actor_id, str):
            return self._refuse(ValidationFailed("Invalid filter."))
        self.action, self.actor_id = action.strip()[:64], actor_id.strip()[:10]
        try:
            await self._reload()
        except DomainError as exc:
            return self._refuse(exc)
        return None

    @rx.event
    async def load_more(self):
        """The next (older) page."""
        try:
            await self._reload(more=True)
        except DomainError as exc:
            return self._refuse(exc)
        return None

    @rx.event
    async def export(self, fmt: str):
        """Download the filtered entries as CSV or JSON (the export is itself audited)."""
        actor = await current_actor(self)
        ip = self.router.session.client_ip or ""
        try:
            with session_scope() as db:
                body, media = reading.export_entries(db, actor, self._filters(), fmt, ip=ip)
        except DomainError as exc:
            return self._refuse(exc)
        return rx.download(data=body, filename=f"audit-log.{fmt}", mime_type=media)

    @rx.event
    async def verify(self):
        """Walk the whole chain and show the first broken link, if any."""
        actor = await current_actor(self)
        ip = self.router.session.client_ip or ""
        try:
            with read_scope() as db:
                report = reading.verify_for(db, actor)
            with session_scope() as db:
                reading.do_record_verification(db, actor, report, ip=ip)
            await self._reload()
        except DomainError as exc:
            return self._refuse(exc)
        self.verdict, self.verdict_ok = report.summary(), report.ok
        return toast_ok("Chain verified.") if report.ok else None


def _row(entry: ObjectVar[dict[str, Any]]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(entry["seq"], class_name="hide-narrow"),
        rx.table.cell(entry["when"], white_space="nowrap"),
        rx.table.cell(rx.code(entry["action"])),
        rx.table.cell(entry["actor"]),
        rx.table.cell(entry["target"]),
        rx.table.cell(entry["ip"], class_name="hide-narrow"),
        rx.table.cell(
            rx.text(entry["detail"], size="1", class_name="break-all"), class_name="hide-narrow"
        ),
    )


def audit_page() -> rx.Component:
    """The audit log for platform admins."""
    return page(
        "Audit log",
        rx.cond(
            AuditState.allowed,
            rx.vstack(
                rx.heading(
                    rx.cond(AuditState.org_id > 0, "Organization audit log", "Audit log"),
                    size="7",
                    as_="h1",
                ),
                rx.text(
                    "Security-relevant actions, newest first. Each entry carries the hash of "
                    "the previous one, so editing, deleting or inserting entries is detected.",
                    size="2",
                    color_scheme="gray",
                ),
                rx.form(
                    rx.flex(
                        rx.el.label(
                            "Action starts with", html_for="audit-action", class_name="sr-only"
                        ),
                        rx.input(
                            id="audit-action",
                            name="action",
                            placeholder="Action, e.g. auth.",
                            max_length=64,
                        ),
                        rx.el.label(
                            "Actor (user number)", html_for="audit-actor", class_name="sr-only"
                        ),
                        rx.input(
                            id="audit-actor",
                            name="actor_id",
                            placeholder="User number",
                            max_length=10,
                        ),
                        rx.button("Filter", type="submit"),
                        spacing="2",
                        wrap="wrap",
                    ),
                    on_submit=AuditState.search,
                    reset_on_submit=False,
                ),
                rx.flex(
                    rx.button("Export CSV", variant="soft", on_click=AuditState.export("csv")),
                    rx.button("Export JSON", variant="soft", on_click=AuditState.export("json")),
                    rx.cond(
                        AuditState.org_id == 0,
                        rx.button(
                            "Verify chain", color_scheme="violet", on_click=AuditState.verify
                        ),
                    ),
                    spacing="2",
                    wrap="wrap",
                ),
                rx.cond(
                    AuditState.verdict != "",
                    rx.box(
                        rx.text(AuditState.verdict, weight="medium"),
                        role="status",
                        padding="12px",
                        border_radius="8px",
                        border=rx.cond(
                            AuditState.verdict_ok,
                            "2px solid var(--green-9)",
                            "2px solid var(--red-9)",
                        ),
                        width="100%",
                    ),
                ),
                rx.box(
                    rx.table.root(
                        rx.table.header(
                            rx.table.row(
                                *[
                                    # On phones: time, action, actor and target (the export
                                    # has every field).
                                    rx.table.column_header_cell(h, class_name=narrow)
                                    for h, narrow in (
                                        ("#", "hide-narrow"),
                                        ("Time (UTC)", ""),
                                        ("Action", ""),
                                        ("Actor", ""),
                                        ("Target", ""),
                                        ("IP", "hide-narrow"),
                                        ("Detail", "hide-narrow"),
                                    )
                                ]
                            )
                        ),
                        rx.table.body(rx.foreach(AuditState.entries, _row)),
                        width="100%",
                    ),
                    overflow_x="auto",
                    width="100%",
                ),
                rx.cond(
                    AuditState.cursor > 0,
                    rx.button("Older entries", variant="soft", on_click=AuditState.load_more),
                ),
                spacing="4",
                width="100%",
            ),
            rx.vstack(
                rx.heading("Audit log", size="7", as_="h1"),
                rx.text(
                    rx.cond(
                        AuditState.org_id > 0,
                        "This area is for the organization's admins.",
                        "This area is for platform admins.",
                    )
                ),
                spacing="3",
            ),
        ),
    )
