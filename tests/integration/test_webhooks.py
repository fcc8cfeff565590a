"""Outbound webhooks against a real local HTTP receiver that verifies signatures on its own."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from aixplore.core import crypto
from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import NotFound, ValidationFailed
from aixplore.core.settings import get_settings
from aixplore.core.time import utcnow
from aixplore.domain.audit.models import AuditEntry
from aixplore.domain.mail.services import list_outbox_for
from aixplore.domain.webhooks import delivery as deliveries
from aixplore.domain.webhooks import services as webhooks
from aixplore.domain.webhooks.models import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from aixplore.jobs.recovery import recover_webhooks
from aixplore.jobs.webhooks import attempt
from tests.factories import actor_for, make_member, make_solution, sign_in


def verify(secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """The verification snippet from the API docs, verbatim."""
    parts = [p.split("=", 1) for p in header.split(",") if "=" in p]
    stamps = [v for k, v in parts if k == "t"]
    if len(stamps) != 1 or not stamps[0].isdigit() or abs(time.time() - int(stamps[0])) > tolerance:
        return False
    expected = hmac.new(
        secret.encode(), stamps[0].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    return any(hmac.compare_digest(expected, v) for k, v in parts if k == "v1")


class Receiver:
    """A local HTTP server recording requests; its answer is set per test."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str], bytes]] = []
        self.status = 200
        self.delay = 0.0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append((self.path, dict(self.headers), body))
                time.sleep(receiver.delay)
                self.send_response(receiver.status)
                if 300 <= receiver.status < 400:
                    self.send_header("Location", "/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    monkeypatch.setattr(get_settings(), "webhook_allow_private_targets", True)
    server = Receiver()
    yield server
    server.close()


def _owner_with_endpoint(url: str, events: list[str]) -> tuple[str, int, str]:
    member = make_member()
    actor = actor_for(sign_in(member.email))
    with session_scope() as db:
        endpoint, secret = webhooks.do_create_endpoint(
            db, actor, {"url": url, "event_types": events, "description": "test"}
        )
    return member.email, endpoint.id, secret


def _deliveries() -> list[WebhookDelivery]:
    with read_scope() as db:
        rows = db.exec(select(WebhookDelivery).order_by(col(WebhookDelivery.id))).all()
        for row in rows:
            db.expunge(row)
        return list(rows)


def _publish(email: str) -> str:
    slug = make_solution(email, name="Hooked Solution", tagline="Something with webhooks")
    return slug


def test_a_published_solution_is_delivered_signed(receiver: Receiver) -> None:
    email, _endpoint_id, secret = _owner_with_endpoint(receiver.url, ["solution.published"])
    _publish(email)
    (delivery,) = _deliveries()
    assert attempt(delivery.id or 0) == "delivered"
    path, headers, body = receiver.requests[0]
    assert path == "/hook"
    assert headers["X-AiXplore-Event"] == "solution.published"
    assert headers["X-AiXplore-Delivery"] == str(delivery.id)
    assert verify(secret, headers["X-AiXplore-Signature"], body)
    assert not verify("whsec_wrong", headers["X-AiXplore-Signature"], body)
    assert not verify(secret, headers["X-AiXplore-Signature"], body + b" ")
    payload = json.loads(body)
    assert payload["type"] == "solution.published" and payload["data"]["name"] == "Hooked Solution"
    (done,) = _deliveries()
    assert done.status == DeliveryStatus.SUCCEEDED and done.last_status_code == 200
    with read_scope() as db:
        logged = db.exec(select(WebhookAttempt)).one()
        assert logged.status_code == 200 and logged.duration_ms >= 0
    assert attempt(delivery.id or 0) == "skipped"  # a finished delivery is not sent twice
    assert len(receiver.requests) == 1


def test_only_subscribed_events_of_the_owner_are_queued(receiver: Receiver) -> None:
    email, _id, _secret = _owner_with_endpoint(receiver.url, ["review.created"])
    _publish(email)
    other, _id2, _s2 = _owner_with_endpoint(receiver.url, ["solution.published"])
    assert _deliveries() == []
    _publish(other)
    assert len(_deliveries()) == 1


def test_failures_back_off_then_disable_the_endpoint_with_a_notice(
    receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "webhook_disable_after_failures", 3)
    receiver.status = 500
    email, endpoint_id, _secret = _owner_with_endpoint(receiver.url, ["solution.published"])
    _publish(email)
    (delivery,) = _deliveries()
    for n in range(3):
        assert attempt(delivery.id or 0).startswith("failed: answered 500")
        (current,) = _deliveries()
        assert current.attempts == n + 1 and current.last_status_code == 500
        if n < 2:
            wait = current.next_attempt_at - utcnow()
            assert timedelta(seconds=50) < wait <= timedelta(seconds=(60, 300)[n] + 1)
            with session_scope() as db:  # time passes
                db.execute(update(WebhookDelivery).values(next_attempt_at=utcnow()))
    with read_scope() as db:
        endpoint = db.get(WebhookEndpoint, endpoint_id)
        assert endpoint is not None and not endpoint.enabled
        assert "3 failed attempts" in endpoint.disabled_reason
        assert any(m.kind == "webhook_disabled" for m in list_outbox_for(db, email))
        actions = [e.action for e in db.exec(select(AuditEntry)).all()]
    assert "webhook.auto_disabled" in actions
    # Turned back on, a replay goes through.
    receiver.status = 204
    actor = actor_for(sign_in(email))
    with session_scope() as db, pytest.raises(ValidationFailed):
        webhooks.do_replay(db, actor, delivery.id)
    with session_scope() as db:
        webhooks.do_set_enabled(db, actor, endpoint_id, True)
    with session_scope() as db:
        webhooks.do_replay(db, actor, delivery.id)
    assert attempt(delivery.id or 0) == "delivered"
    (done,) = _deliveries()
    assert done.status == DeliveryStatus.SUCCEEDED and done.attempts == 1


def test_every_attempt_failing_ends_the_delivery(receiver: Receiver) -> None:
    receiver.status = 503
    email, _endpoint_id, _secret = _owner_with_endpoint(receiver.url, ["solution.published"])
    _publish(email)
    (delivery,) = _deliveries()
    for _ in range(7):
        with session_scope() as db:
            db.execute(update(WebhookDelivery).values(next_attempt_at=utcnow()))
        attempt(delivery.id or 0)
    (done,) = _deliveries()
    assert done.status == DeliveryStatus.FAILED and done.attempts == 7
    assert attempt(delivery.id or 0) == "skipped"


def test_redirects_are_not_followed(receiver: Receiver) -> None:
    receiver.status = 302
    email, _id, _secret = _owner_with_endpoint(receiver.url, ["solution.published"])
    _publish(email)
    (delivery,) = _deliveries()
    assert "redirect" in attempt(delivery.id or 0)
    assert [p for p, _h, _b in receiver.requests] == ["/hook"]


def test_a_hanging_endpoint_times_out(receiver: Receiver, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "webhook_timeout_seconds", 0.3)
    receiver.delay = 1.5
    email, _id, _secret = _owner_with_endpoint(receiver.url, ["solution.published"])
    _publish(email)
    (delivery,) = _deliveries()
    started = time.monotonic()
    assert attempt(delivery.id or 0) == "failed: timed out"
    assert time.monotonic() - started < 1.4


def test_private_targets_are_refused_outside_development(
    receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    email, _id, _secret = _owner_with_endpoint(receiver.url, ["solution.published"])
    monkeypatch.setattr(get_settings(), "webhook_allow_private_targets", False)
    actor = actor_for(sign_in(email))
    for url in (
        "http://127.0.0.1/x",
        "http://10.1.2.3/x",
        "http://169.254.169.254/latest",
        "http://[::1]/x",
        "http://localhost:8080/x",
        "ftp://example.com/x",
        "http://user:pw@example.com/x",
    ):
        with session_scope() as db, pytest.raises(ValidationFailed):
            webhooks.do_create_endpoint(db, actor, {"url": url, "event_types": ["ping"]})
    # An endpoint saved earlier is checked again at delivery time, after DNS resolution.
    _publish(email)
    (delivery,) = _deliveries()
    assert "blocked address" in attempt(delivery.id or 0)
    assert receiver.requests == []


def test_secret_rotation_signs_with_both_secrets_during_the_overlap(receiver: Receiver) -> None:
    email, endpoint_id, old_secret = _owner_with_endpoint(receiver.url, ["ping"])
    actor = actor_for(sign_in(email))
    with session_scope() as db:
        public, new_secret = webhooks.do_rotate_secret(db, actor, endpoint_id)
    assert public.rotating and new_secret != old_secret
    with session_scope() as db:
        ping = webhooks.do_send_ping(db, actor, endpoint_id)
    attempt(ping.id)
    _path, headers, body = receiver.requests[-1]
    assert headers["X-AiXplore-Signature"].count("v1=") == 2
    assert verify(new_secret, headers["X-AiXplore-Signature"], body)
    assert verify(old_secret, headers["X-AiXplore-Signature"], body)
    with session_scope() as db:  # the overlap ends
        db.execute(update(WebhookEndpoint).values(previous_secret_until=utcnow()))
    with session_scope() as db:
        ping = webhooks.do_send_ping(db, actor, endpoint_id)
    attempt(ping.id)
    _path, headers, body = receiver.requests[-1]
    assert verify(new_secret, headers["X-AiXplore-Signature"], body)
    assert not verify(old_secret, headers["X-AiXplore-Signature"], body)


def test_secrets_are_encrypted_at_rest(receiver: Receiver) -> None:
    _email, endpoint_id, secret = _owner_with_endpoint(receiver.url, ["ping"])
    with read_scope() as db:
        stored = db.get(WebhookEndpoint, endpoint_id)
        assert stored is not None
        token = stored.secret_enc
    assert secret not in token and token.startswith("v1.")
    assert crypto.decrypt(token) == secret
    assert crypto.encrypt(secret) != crypto.encrypt(secret)  # a fresh nonce each time
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(tampered)
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt("not a token")


def test_a_worker_killed_mid_delivery_is_retried(receiver: Receiver) -> None:
    email, _id, _secret = _owner_with_endpoint(receiver.url, ["solution.published"])
    _publish(email)
    (delivery,) = _deliveries()
    with session_scope() as db:  # a worker claims the attempt, then dies before recording it
        dead = deliveries.claim(db, delivery.id or 0)
    assert dead is not None
    with read_scope() as db:  # its lease still holds
        assert deliveries.due_deliveries(db) == [] and deliveries.expired_leases(db) == []
    assert attempt(delivery.id or 0) == "skipped"
    with session_scope() as db:  # nobody renews the lease: it runs out
        db.execute(update(WebhookDelivery).values(lease_until=utcnow() - timedelta(seconds=1)))
    assert recover_webhooks() == [delivery.id]
    assert recover_webhooks() == []  # queued again once
    assert attempt(delivery.id or 0) == "delivered"
    assert receiver.requests[-1][1]["X-AiXplore-Delivery"] == str(delivery.id)
    with read_scope() as db:
        log = db.exec(
            select(
                WebhookAttempt.number, WebhookAttempt.status_code, WebhookAttempt.error
            ).order_by(col(WebhookAttempt.number))
        ).all()
    assert [(n, code) for n, code, _error in log] == [(1, None), (2, 200)]
    assert log[0][2].startswith("interrupted")


def test_owners_only_see_and_change_their_endpoints(receiver: Receiver) -> None:
    _email, endpoint_id, _secret = _owner_with_endpoint(receiver.url, ["ping"])
    stranger = actor_for(sign_in(make_member().email))
    for call in (
        lambda db: webhooks.do_rotate_secret(db, stranger, endpoint_id),
        lambda db: webhooks.do_delete_endpoint(db, stranger, endpoint_id),
        lambda db: webhooks.list_deliveries(db, stranger, endpoint_id),
        lambda db: webhooks.do_send_ping(db, stranger, endpoint_id),
        lambda db: webhooks.do_set_enabled(db, stranger, endpoint_id, False),
    ):
        with session_scope() as db, pytest.raises(NotFound):
            call(db)
    with read_scope() as db:
        assert webhooks.list_endpoints(db, stranger) == []


def test_the_job_queue_delivers_after_commit(receiver: Receiver) -> None:
    from aixplore.jobs import registry  # noqa: F401 - subscribes the after-commit hook
    from aixplore.jobs.queue import huey, start_embedded_consumer, stop_embedded_consumer

    huey.flush()
    email, _id, secret = _owner_with_endpoint(receiver.url, ["solution.published"])
    start_embedded_consumer(workers=1)
    try:
        _publish(email)
        deadline = time.monotonic() + 15
        while not receiver.requests and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        stop_embedded_consumer()
    _path, headers, body = receiver.requests[0]
    assert verify(secret, headers["X-AiXplore-Signature"], body)


# ---- Over the API ----


def test_endpoints_are_managed_over_the_api(receiver: Receiver) -> None:
    from aixplore.domain.idempotency.models import IdempotencyRecord
    from tests.api_support import bearer, client, member_with_key

    _email, key = member_with_key(["webhooks:write"])
    api = client()
    headers = {**bearer(key), "Idempotency-Key": "hook-1"}
    body = {"url": receiver.url, "event_types": ["ping", "review.created"]}
    made = api.post("/api/v1/webhooks", json=body, headers=headers)
    assert made.status_code == 201, made.text
    secret = made.json()["secret"]
    again = api.post("/api/v1/webhooks", json=body, headers=headers)
    assert again.json()["secret"] == secret and again.headers["idempotent-replayed"] == "true"
    with read_scope() as db:
        stored = db.exec(select(IdempotencyRecord)).one()
        assert secret not in stored.response_body  # replayable answers are encrypted too
    endpoint_id = made.json()["endpoint"]["id"]
    listed = api.get("/api/v1/webhooks", headers=bearer(key)).json()["items"]
    assert [e["id"] for e in listed] == [endpoint_id]
    ping = api.post(f"/api/v1/webhooks/{endpoint_id}/ping", headers=bearer(key))
    assert ping.status_code == 200 and ping.json()["status"] == "pending"
    attempt(ping.json()["id"])
    assert verify(
        secret, receiver.requests[-1][1]["X-AiXplore-Signature"], receiver.requests[-1][2]
    )
    log = api.get(f"/api/v1/webhooks/{endpoint_id}/deliveries", headers=bearer(key)).json()
    assert log["items"][0]["status"] == "succeeded" and log["items"][0]["last_status_code"] == 200
    replayed = api.post(
        f"/api/v1/webhook-deliveries/{ping.json()['id']}/replay", headers=bearer(key)
    )
    assert replayed.status_code == 200 and replayed.json()["status"] == "pending"
    rotated = api.post(f"/api/v1/webhooks/{endpoint_id}/rotate-secret", headers=bearer(key))
    assert rotated.status_code == 200 and rotated.json()["secret"] != secret
    _other, other_key = member_with_key(["webhooks:write"])
    assert (
        api.delete(f"/api/v1/webhooks/{endpoint_id}", headers=bearer(other_key)).status_code == 404
    )
    assert api.delete(f"/api/v1/webhooks/{endpoint_id}", headers=bearer(key)).status_code == 204


def test_a_read_only_key_cannot_register_endpoints(receiver: Receiver) -> None:
    from tests.api_support import bearer, client, member_with_key

    _email, key = member_with_key(["webhooks:read"])
    response = client().post(
        "/api/v1/webhooks", json={"url": receiver.url, "event_types": ["ping"]}, headers=bearer(key)
    )
    assert response.status_code == 403
    bad = client().post(
        "/api/v1/webhooks",
        json={"url": receiver.url, "event_types": ["nope"]},
        headers=bearer(member_with_key(["webhooks:write"])[1]),
    )
    assert bad.status_code == 422 and "Unknown event type" in bad.json()["detail"]
