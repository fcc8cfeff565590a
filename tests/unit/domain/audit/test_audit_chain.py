"""Audit log: entries recorded with their action, a hash chain that exposes tampering."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlmodel import col, select

from aixplore.cli import main as cli_main
from aixplore.core.db import get_engine, read_scope, session_scope
from aixplore.core.errors import PermissionDenied, ValidationFailed
from aixplore.core.settings import get_settings
from aixplore.core.time import utcnow
from aixplore.domain.accounts import admin as account_admin
from aixplore.domain.accounts import services as accounts
from aixplore.domain.audit import reading
from aixplore.domain.audit.models import AuditEntry
from aixplore.domain.audit.services import prune, record, verify_chain
from tests.factories import PASSWORD, actor_for, make_admin, make_member, sign_in


def _append(n: int, action: str = "test.action") -> None:
    with session_scope() as db:
        for i in range(n):
            record(db, None, action, target=f"thing:{i}", ip="203.0.113.1", detail={"i": i})


def _actions() -> list[str]:
    with read_scope() as db:
        return [e.action for e in db.exec(select(AuditEntry).order_by(col(AuditEntry.seq))).all()]


def test_an_intact_chain_verifies() -> None:
    _append(5)
    with read_scope() as db:
        report = verify_chain(db)
    assert report.ok and report.checked == 5, report


def test_an_edited_entry_is_the_first_broken_link() -> None:
    _append(5)
    with get_engine().begin() as conn:
        conn.execute(text("UPDATE audit_entry SET target = 'forged' WHERE seq = 3"))
    with read_scope() as db:
        report = verify_chain(db)
    assert not report.ok and report.broken_seq == 3 and "changed" in report.reason


def test_a_deleted_entry_is_detected() -> None:
    _append(5)
    with get_engine().begin() as conn:
        conn.execute(text("DELETE FROM audit_entry WHERE seq = 2"))
    with read_scope() as db:
        report = verify_chain(db)
    assert not report.ok and report.broken_seq == 2 and "deleted" in report.reason


def test_removing_the_newest_entries_is_detected() -> None:
    _append(4)
    with get_engine().begin() as conn:
        conn.execute(text("DELETE FROM audit_entry WHERE seq >= 3"))
    with read_scope() as db:
        report = verify_chain(db)
    assert not report.ok and report.broken_seq == 3


def test_an_inserted_entry_is_detected_even_with_a_plausible_link() -> None:
    _append(3)
    with read_scope() as db:
        last = db.exec(select(AuditEntry).where(AuditEntry.seq == 2)).one()
        at, prev = last.created_at.replace(tzinfo=None), last.entry_hash
    # Renumber the tail and slip a row in at seq 3 that links to entry 2: the forger lacks
    # the HMAC key, so the row's own hash cannot be right.
    with get_engine().begin() as conn:
        conn.execute(text("UPDATE audit_entry SET seq = seq + 100 WHERE seq = 3"))
        conn.execute(
            text(
                "INSERT INTO audit_entry (seq, created_at, actor_id, org_id, action, target, ip,"
                " user_agent, detail, prev_hash, entry_hash) VALUES (3, :at, NULL, NULL,"
                " 'auth.sign_in', '', '', '', '{}', :prev, :fake)"
            ),
            {"at": at, "prev": prev, "fake": "f" * 64},
        )
    with read_scope() as db:
        report = verify_chain(db)
    assert not report.ok and report.broken_seq == 3


def test_the_cli_reports_the_first_broken_link(capsys: pytest.CaptureFixture[str]) -> None:
    _append(3)
    assert cli_main(["verify-audit"]) == 0
    assert "3 entries verified" in capsys.readouterr().out
    with get_engine().begin() as conn:
        conn.execute(text("UPDATE audit_entry SET ip = '10.0.0.1' WHERE seq = 2"))
    assert cli_main(["verify-audit"]) == 1
    assert "broken at entry 2" in capsys.readouterr().err


def test_concurrent_writers_never_fork_the_chain() -> None:
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(10):
                with session_scope() as db:
                    record(db, None, f"test.writer{n}", target=str(i))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with read_scope() as db:
        report = verify_chain(db)
    assert report.ok and report.checked == 60, report


def test_an_entry_rolls_back_with_its_action() -> None:
    with pytest.raises(RuntimeError), session_scope() as db:
        record(db, None, "test.rolled_back")
        raise RuntimeError("the action failed")
    _append(1)
    assert _actions() == ["test.action"]
    with read_scope() as db:
        assert verify_chain(db).ok


def test_security_actions_are_recorded() -> None:
    admin = make_admin()
    member = make_member()
    with pytest.raises(ValidationFailed), session_scope() as db:
        accounts.do_sign_in(
            db, {"email": member.email, "password": "wrong password!"}, ip="1.2.3.4"
        )
    token = sign_in(member.email)
    actor = actor_for(token)
    with session_scope() as db:
        accounts.do_change_password(
            db, actor, {"current_password": PASSWORD, "new_password": "another long password"}
        )
    admin_actor = actor_for(sign_in(admin.email))
    with session_scope() as db:
        account_admin.do_change_role(db, admin_actor, member.id, "platform_admin")
    with session_scope() as db:
        account_admin.do_set_suspended(db, admin_actor, member.id, True)
    with session_scope() as db:
        accounts.do_sign_out(db, token, ip="1.2.3.4")
    assert _actions() == [
        "auth.sign_in_failed",
        "auth.sign_in",
        "auth.password_changed",
        "auth.sign_in",
        "admin.role_changed",
        "admin.user_suspended",
    ]  # the member's session had already ended with the suspension: no sign-out entry
    with read_scope() as db:
        failed = db.exec(select(AuditEntry).where(AuditEntry.seq == 1)).one()
        assert failed.actor_id == member.id and failed.ip == "1.2.3.4"
        assert verify_chain(db).ok


def test_sign_out_is_recorded() -> None:
    member = make_member()
    token = sign_in(member.email)
    with session_scope() as db:
        accounts.do_sign_out(db, token, ip="5.6.7.8", user_agent="pytest")
    assert _actions()[-1] == "auth.sign_out"


def test_only_platform_admins_read_and_export() -> None:
    _append(3)
    member = actor_for(sign_in(make_member().email))
    with read_scope() as db, pytest.raises(PermissionDenied):
        reading.list_entries(db, member, {})
    with session_scope() as db, pytest.raises(PermissionDenied):
        reading.export_entries(db, member, {}, "csv")


def test_filters_pages_and_exports() -> None:
    _append(3, "test.one")
    _append(2, "test.two")
    admin = actor_for(sign_in(make_admin().email))
    with read_scope() as db:
        rows, cursor = reading.list_entries(db, admin, {"action": "test.one"}, limit=2)
        assert [r.seq for r in rows] == [3, 2] and cursor == 2
        rows, cursor = reading.list_entries(db, admin, {"action": "test.one", "before_seq": 2})
        assert [r.seq for r in rows] == [1] and cursor is None
        with pytest.raises(ValidationFailed):
            reading.list_entries(db, admin, {"actor_id": "not a number"})
    with session_scope() as db:
        body, media = reading.export_entries(db, admin, {"action": "test.two"}, "csv")
    assert media == "text/csv"
    lines = body.strip().splitlines()
    assert lines[0].startswith("seq,created_at") and len(lines) == 3
    with session_scope() as db:
        body, media = reading.export_entries(db, admin, {}, "json")
    assert media == "application/json" and '"test.one"' in body
    assert _actions()[-2:] == ["audit.exported", "audit.exported"]
    with session_scope() as db, pytest.raises(ValidationFailed):
        reading.export_entries(db, admin, {}, "xml")


def test_retention_prunes_old_entries_and_the_rest_still_verifies(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _append(3)
    with get_engine().begin() as conn:
        old = (utcnow() - timedelta(days=40)).replace(tzinfo=None)
        conn.execute(text("UPDATE audit_entry SET created_at = :old WHERE seq <= 2"), {"old": old})
    # created_at is hashed: re-sign the aged rows as if they had been written back then.
    from aixplore.domain.audit.services import compute_hash

    with session_scope() as db:
        prev = "0" * 64
        for entry in db.exec(select(AuditEntry).order_by(col(AuditEntry.seq))).all():
            entry.prev_hash = prev
            entry.entry_hash = compute_hash(entry)
            prev = entry.entry_hash
            db.add(entry)
        from aixplore.domain.audit.models import AuditHead

        head = db.get(AuditHead, 1)
        assert head is not None
        head.last_hash = prev
        db.add(head)
    monkeypatch.setattr(get_settings(), "audit_retention_days", 30)
    with session_scope() as db:
        assert prune(db) == 2
    with read_scope() as db:
        report = verify_chain(db)
    assert report.ok and report.checked == 1, report
    _append(1)
    with read_scope() as db:
        assert verify_chain(db).ok
