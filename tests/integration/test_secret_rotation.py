"""Key rotation: every stored secret stays readable and ends up under the new key."""

from __future__ import annotations

import pytest
from sqlmodel import select

from aixplore.core import crypto
from aixplore.core.db import read_scope, session_scope
from aixplore.core.settings import get_settings
from aixplore.domain import secrets
from aixplore.domain.orders import github_account
from aixplore.domain.orders import services as orders
from aixplore.domain.orders.models import GithubConnection, Order
from aixplore.domain.webhooks import services as webhooks
from aixplore.domain.webhooks.models import WebhookEndpoint
from tests.factories import actor_for, make_member, sign_in
from tests.support.orders import quoted_order


def _stored_key_ids() -> set[str]:
    with read_scope() as db:
        ids = {crypto.key_id_of(e.secret_enc) for e in db.exec(select(WebhookEndpoint)).all()}
        ids |= {crypto.key_id_of(g.token_encrypted) for g in db.exec(select(GithubConnection))}
        for order in db.exec(select(Order)).all():
            ids |= {
                crypto.key_id_of(v["value_encrypted"]) for v in order.env_vars or [] if v["secret"]
            }
    return ids


def test_rotation_keeps_every_secret_readable_and_moves_it_to_the_new_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = get_settings()
    monkeypatch.setattr(settings, "webhook_allow_private_targets", True)
    actor = actor_for(sign_in(make_member().email))
    assert actor is not None
    with session_scope() as db:
        endpoint, secret = webhooks.do_create_endpoint(
            db, actor, {"url": "http://127.0.0.1:9/hook", "event_types": ["ping"]}
        )
        github_account.do_save_github_connection(db, actor, "octo", "ghp_rotation_token_0001")
    oid = quoted_order(actor)
    old_id = crypto.current_key_id()
    assert _stored_key_ids() == {old_id}

    # The operator moves to a new key and keeps the old one readable.
    old_key = crypto.current_key()
    monkeypatch.setattr(settings, "encryption_key", crypto.new_key())
    monkeypatch.setattr(settings, "previous_encryption_keys", f"  ,{old_key}")
    new_id = crypto.current_key_id()
    assert new_id != old_id

    def readable() -> None:
        with read_scope() as db:
            row = db.get(WebhookEndpoint, endpoint.id)
            assert row is not None and crypto.decrypt(row.secret_enc) == secret
            assert github_account.github_token_for(db, actor.user_id) == "ghp_rotation_token_0001"
            order = db.get(Order, oid)
            assert order is not None and orders.secret_value(order, "API_KEY") == "s3cr3t-value"

    readable()  # before rotation: through the previous key
    report = secrets.rotate_all(session_scope, batch=1)
    assert report.rotated == 3 and report.unreadable == [], report.summary()
    assert _stored_key_ids() == {new_id}
    assert secrets.rotate_all(session_scope).rotated == 0  # nothing left to do

    monkeypatch.setattr(settings, "previous_encryption_keys", None)
    readable()  # the old key is no longer needed


def test_values_under_an_unknown_key_are_reported_and_left_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = get_settings()
    actor = actor_for(sign_in(make_member().email))
    assert actor is not None
    with session_scope() as db:
        github_account.do_save_github_connection(db, actor, "octo", "ghp_lost_key_token_0001")
    monkeypatch.setattr(settings, "encryption_key", crypto.new_key())  # the old key is lost
    report = secrets.rotate_all(session_scope)
    assert report.rotated == 0 and len(report.unreadable) == 1
    assert "github_connection.token_encrypted" in report.unreadable[0]
    with read_scope() as db:
        assert (
            github_account.github_token_for(db, actor.user_id) is None
        )  # asks to reconnect, no 500
