"""Solution models: only the publisher or an admin attaches one; the job compresses and poses it."""

from __future__ import annotations

import pytest
from PIL import Image
from sqlmodel import select

from aixplore.core.db import session_scope
from aixplore.core.errors import NotAuthenticated, NotFound, PermissionDenied, ValidationFailed
from aixplore.core.settings import get_settings
from aixplore.domain.gdpr.services import collect
from aixplore.domain.models3d import services as models3d
from aixplore.domain.models3d.models import ModelStatus, SolutionModel
from tests.factories import actor_for, make_admin, make_member, make_solution, sign_in
from tests.support.glb import make_glb, png

DESCRIPTION = "A blue wavy panel, one metre square, seen from the front."


def _setup() -> tuple[str, int]:
    owner = make_member(email="owner@example.com")
    make_member(email="stranger@example.com")
    return make_solution(owner.email).slug, owner.id


def test_the_publisher_attaches_a_model_and_the_job_makes_lods_and_a_poster() -> None:
    slug, owner_id = _setup()
    actor = actor_for(sign_in("owner@example.com"))
    stored = models3d.store_model(make_glb(cells=12, images=[png((64, 64))]), "panel.glb")
    with session_scope() as db:
        models3d.check_upload_model(db, actor, slug, DESCRIPTION)
        shown = models3d.do_attach_model(db, actor, slug, stored, DESCRIPTION)
        assert shown.status == "processing"
        assert models3d.get_model(db, actor, slug) is None  # nothing on the page until it is ready
        row_id = db.exec(select(SolutionModel)).one().id
    with session_scope() as db:
        assert models3d.do_process_model(db, row_id) is True
    with session_scope() as db:
        ready = models3d.get_model(db, actor, slug)
        row = db.get(SolutionModel, row_id)
        assert ready is not None and row is not None
        assert (ready.status, ready.triangles, ready.description) == ("ready", 288, DESCRIPTION)
        assert ready.src.startswith("/media/models/") and ready.poster_url.endswith(".webp")
        root = get_settings().media_root
        for path in (row.lod0_path, row.lod1_path, row.lod2_path):
            assert (root / path).read_bytes()[:4] == b"glTF"
        assert b"KHR_draco_mesh_compression" in (root / row.lod0_path).read_bytes()[:2000]
        with Image.open(root / row.poster_path) as poster:
            assert poster.size == (800, 600)
            assert poster.getbbox() is not None  # something was drawn
        # The uploader's GDPR export holds the model's row.
        assert [r["description"] for r in collect(db, owner_id)["solution_model"]] == [DESCRIPTION]
        # Running the job again changes nothing.
        assert models3d.do_process_model(db, row_id) is True


def test_a_stranger_cannot_attach_describe_or_remove_a_model() -> None:
    slug, _ = _setup()
    stored = models3d.store_model(make_glb(), "x.glb")
    stranger = actor_for(sign_in("stranger@example.com"))
    owner = actor_for(sign_in("owner@example.com"))
    with session_scope() as db:
        with pytest.raises(PermissionDenied, match="Only the publisher"):
            models3d.check_upload_model(db, stranger, slug, DESCRIPTION)
        with pytest.raises(PermissionDenied):
            models3d.do_attach_model(db, stranger, slug, stored, DESCRIPTION)
        with pytest.raises(NotAuthenticated):
            models3d.do_attach_model(db, None, slug, stored, DESCRIPTION)
        models3d.do_attach_model(db, owner, slug, stored, DESCRIPTION)
    with session_scope() as db:
        with pytest.raises(PermissionDenied):
            models3d.do_set_model_description(db, stranger, slug, "A different description here.")
        with pytest.raises(PermissionDenied):
            models3d.do_remove_model(db, stranger, slug)
        assert db.exec(select(SolutionModel)).one().description == DESCRIPTION


def test_an_admin_may_attach_a_model_to_any_solution() -> None:
    slug, _ = _setup()
    admin = make_admin()
    actor = actor_for(sign_in(admin.email))
    with session_scope() as db:
        shown = models3d.do_attach_model(
            db, actor, slug, models3d.store_model(make_glb(), "x.glb"), DESCRIPTION
        )
    assert shown.file_name == "x.glb"


@pytest.mark.parametrize(
    ("slug", "description", "error", "message"),
    [
        ("no-such-solution", DESCRIPTION, NotFound, "No such solution"),
        (["a", "list"], DESCRIPTION, NotFound, "No such solution"),
        (None, DESCRIPTION, NotFound, "No such solution"),
        ("", DESCRIPTION, NotFound, "No such solution"),
        ("OWN", "", ValidationFailed, "Describe what the model shows"),
        ("OWN", {"text": 1}, ValidationFailed, "Describe the model in words"),
        ("OWN", "x" * 501, ValidationFailed, "500 characters or fewer"),
    ],
)
def test_bad_arguments_get_clear_refusals(slug, description, error, message) -> None:
    own, _ = _setup()
    owner = actor_for(sign_in("owner@example.com"))
    with session_scope() as db, pytest.raises(error, match=message):
        models3d.check_upload_model(db, owner, own if slug == "OWN" else slug, description)


def test_a_model_the_tools_cannot_process_is_marked_failed_with_a_reason() -> None:
    slug, _ = _setup()
    owner = actor_for(sign_in("owner@example.com"))
    stored = models3d.store_model(make_glb(), "x.glb")
    with session_scope() as db:
        models3d.do_attach_model(db, owner, slug, stored, DESCRIPTION)
        row = db.exec(select(SolutionModel)).one()
    # The stored source was damaged after the checks (a disk fault, a bad restore).
    (get_settings().media_root / row.source_path).write_bytes(b"glTF broken")
    with session_scope() as db:
        assert models3d.do_process_model(db, row.id or 0) is False
        failed = models3d.get_model_for_publisher(db, owner, slug)
    assert failed is not None and failed.status == ModelStatus.FAILED.value
    assert "corrupt" in failed.error
    with session_scope() as db:
        models3d.do_remove_model(db, owner, slug)
        assert models3d.get_model_for_publisher(db, owner, slug) is None


def test_a_drafts_model_stays_hidden_from_strangers() -> None:
    owner = make_member(email="owner@example.com")
    make_member(email="stranger@example.com")
    slug = make_solution(owner.email, publish=False).slug
    stranger = actor_for(sign_in("stranger@example.com"))
    with session_scope() as db:
        with pytest.raises(NotFound):
            models3d.get_model(db, stranger, slug)
        with pytest.raises(NotFound):
            models3d.get_model(db, None, slug)
        with pytest.raises(NotFound):
            models3d.check_upload_model(db, stranger, slug, DESCRIPTION)
