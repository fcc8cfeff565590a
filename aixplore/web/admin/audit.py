"""The /admin/audit page: filter the audit log, export it, and verify its hash chain."""

from __future__ import annotations

import json
from typing import Any

import reflex as rx

from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import DomainError, ValidationFailed
from aixplore.domain.audit import reading
from aixplore.web import kit
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
            rows, cursor = reading.list_named_entries(db, actor, filters)
            items = [
                {
                    **reading.entry_dict(r),
                    "when": r.created_at.strftime("%Y-%m-%d %H:%M:%S"),
                    "actor": name,
                    "actor_number": "" if r.actor_id is None else f"#{r.actor_id}",
                    "detail": readable_detail(r.detail),
                }
                for r, name in rows
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


def readable_detail(detail: str) -> str:
    """An entry's JSON detail as "key: value" pairs, one a line ("" when there is none)."""
    try:
        data = json.loads(detail or "{}")
    except ValueError:
        return detail
    if not isinstance(data, dict):
        return detail
    return "\n".join(
        f"{key}: {value if isinstance(value, str) else json.dumps(value)}"
        for key, value in data.items()
    )


def _with_number(main: Any, number: Any) -> rx.Component:
    return rx.vstack(
        rx.text(main),
        rx.cond(number != "", rx.text(number, size="1", color=rx.color("gray", 11))),
        spacing="0",
    )


COLUMNS = [
    kit.column(
        "Time (UTC)",
        lambda e: _with_number(e["when"], "#" + e["seq"].to(str)),
        label_on_phone=False,
        nowrap=True,
    ),
    kit.column("Action", lambda e: rx.code(e["action"])),
    kit.column("Actor", lambda e: _with_number(e["actor"], e["actor_number"])),
    kit.column("Target", lambda e: rx.text(e["target"], overflow_wrap="anywhere")),
    kit.column("IP", "ip", nowrap=True),
    kit.column(
        "Detail",
        lambda e: rx.text(e["detail"], size="1", white_space="pre-wrap", overflow_wrap="anywhere"),
        min_width="16em",
    ),
]


def _verdict() -> rx.Component:
    return rx.cond(
        AuditState.verdict != "",
        rx.box(
            rx.text(AuditState.verdict, weight="medium"),
            role="status",
            padding="12px",
            border_radius="8px",
            border=rx.cond(
                AuditState.verdict_ok, "2px solid var(--green-9)", "2px solid var(--red-9)"
            ),
            width="100%",
        ),
    )


def audit_page() -> rx.Component:
    """The audit log: the whole log for platform admins, one organization's for its admins."""
    in_org = AuditState.org_id > 0
    log = rx.vstack(
        kit.page_header(rx.cond(in_org, "Organization audit log", "Audit log")),
        kit.note(
            "Security-relevant actions, newest first. Each entry carries the hash of the "
            "previous one, so editing, deleting or inserting entries is detected."
        ),
        kit.inline_form(
            kit.search_box(
                "Action starts with", "action", placeholder="Action, e.g. auth.", max_length=64
            ),
            kit.search_box(
                "Actor (user number)", "actor_id", placeholder="User number", max_length=10
            ),
            kit.submit_button("Filter"),
            on_submit=AuditState.search,
            max_width="560px",
        ),
        kit.actions(
            kit.action("Export CSV", AuditState.export("csv"), size="2"),
            kit.action("Export JSON", AuditState.export("json"), size="2"),
            rx.cond(
                ~in_org,
                kit.action(
                    "Verify chain",
                    AuditState.verify,
                    size="2",
                    variant="solid",
                    color_scheme="violet",
                ),
            ),
        ),
        _verdict(),
        kit.data_table(AuditState.entries, COLUMNS),
        rx.cond(
            AuditState.cursor > 0,
            kit.action("Older entries", AuditState.load_more, size="2"),
        ),
        spacing="4",
        width="100%",
    )
    refused = kit.refused(
        "Audit log",
        rx.cond(
            in_org,
            "This area is for the organization's admins.",
            "This area is for platform admins.",
        ),
    )
    return page(
        "Audit log",
        kit.admin_layout(
            "/admin/audit",
            rx.cond(AuditState.allowed, log, refused),
            org_id=AuditState.org_id,
            show=AuditState.allowed,
        ),
    )
