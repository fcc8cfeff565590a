"""Download all my data: a ZIP covering every table that refers to the user, by the job queue."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from sqlalchemy import update
from sqlmodel import SQLModel

from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import Throttled
from aixplore.core.time import utcnow
from aixplore.domain.gdpr import services as gdpr
from aixplore.domain.gdpr.models import DataExport
from aixplore.jobs.gdpr import build_data_export
from tests.api_support import client, make_key
from tests.factories import actor_for, make_member, make_solution, outbox_link, sign_in


def test_every_table_that_refers_to_users_is_covered() -> None:
    covered = gdpr.user_columns()
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            named_like_a_user = column.name in {
                "user_id",
                "owner_id",
                "author_id",
                "organizer_id",
                "actor_id",
                "reporter_id",
                "moderator_id",
                "voter_id",
            } or any(fk.target_fullname == "user.id" for fk in column.foreign_keys)
            if named_like_a_user:
                assert column.name in covered.get(table.name, []), (
                    f"{table.name}.{column.name} refers to a user but is not exported: give it a "
                    "foreign key to user.id or add it to gdpr.PLAIN_USER_COLUMNS"
                )


def test_the_export_is_built_mailed_and_downloadable_for_24_hours() -> None:
    member = make_member(name="Data Subject")
    make_solution(member.email, name="My Own Tool", tagline="Something I published")
    make_key(member.email, ["solutions:read"])
    other = make_member(name="Somebody Else")
    make_solution(other.email, name="Not Mine", tagline="Someone else's listing")
    actor = actor_for(sign_in(member.email))
    with session_scope() as db:
        export_id = gdpr.do_request_export(db, actor)
    with session_scope() as db, pytest.raises(Throttled):
        gdpr.do_request_export(db, actor)
    build_data_export.call_local(export_id)
    with read_scope() as db:
        token = outbox_link(db, member.email, "/api/v1/me/export")
    response = client().get("/api/v1/me/export", params={"token": token})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert {"user.json", "solution.json", "api_key.json", "user_session.json"} <= names
    users = json.loads(archive.read("user.json"))
    assert [u["email"] for u in users] == [member.email]
    assert "password_hash" not in users[0]
    listed = [s["name"] for s in json.loads(archive.read("solution.json"))]
    assert listed == ["My Own Tool"]
    keys = json.loads(archive.read("api_key.json"))
    assert keys and "key_hash" not in keys[0]
    sessions = json.loads(archive.read("user_session.json"))
    assert sessions and all("token_hash" not in s for s in sessions)
    # The link ends after 24 hours, and a wrong token never works.
    assert client().get("/api/v1/me/export", params={"token": "x" * 40}).status_code == 404
    with session_scope() as db:
        db.execute(update(DataExport).values(expires_at=utcnow()))
    assert client().get("/api/v1/me/export", params={"token": token}).status_code == 404
    with session_scope() as db:
        assert gdpr.purge_expired(db) == 1
