"""Logo and screenshot uploads: real images only, within limits, re-encoded, owner only."""

from __future__ import annotations

import io
import threading

import pytest
from PIL import Image

from aixplore.core.db import session_scope
from aixplore.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from aixplore.core.settings import get_settings
from aixplore.domain.solutions import screenshots, services
from aixplore.domain.solutions.media import store_logo, store_screenshot
from tests.factories import actor_for, make_member, make_solution, sign_in


def _image(fmt: str = "PNG", size: tuple[int, int] = (800, 500), **save: object) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (120, 80, 200)).save(out, format=fmt, **save)
    return out.getvalue()


def test_a_logo_is_reencoded_to_a_small_png_without_metadata() -> None:
    exif = Image.Exif()
    exif[0x010E] = "secret description"  # ImageDescription
    path = store_logo(_image("JPEG", (1200, 900), exif=exif.tobytes()))
    stored = get_settings().media_root / path
    with Image.open(stored) as image:
        assert image.format == "PNG"
        assert max(image.size) == 256
        assert not image.getexif()
    assert b"secret description" not in stored.read_bytes()


def test_a_screenshot_keeps_its_shape_and_gets_a_thumbnail() -> None:
    stored = store_screenshot(_image("PNG", (2400, 1500)))
    assert (stored.width, stored.height) == (1600, 1000)
    with Image.open(get_settings().media_root / stored.thumb_path) as thumb:
        assert thumb.format == "WEBP"
        assert thumb.size == (480, 300)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Choose an image file"),
        ("not bytes", "Choose an image file"),
        (b"<svg onload=alert(1)></svg>", "not a readable image"),
        (b"GIF89a" + b"\x00" * 100, "not a readable image"),
        (_image("GIF", (10, 10)), "PNG, JPEG or WebP"),
        (_image("PNG", (5000, 10)), "at most 4096 px"),
        (_image("PNG")[:200], "not a readable image"),
        (b"\x89PNG" + b"\x00" * 6_000_000, "5 MB or smaller"),
    ],
)
def test_bad_screenshot_files_are_refused_clearly(data: object, message: str) -> None:
    with pytest.raises(ValidationFailed, match=message):
        store_screenshot(data)  # type: ignore[arg-type]


def test_the_gallery_is_the_publishers_to_change_and_has_a_limit() -> None:
    owner = make_member()
    slug = make_solution(owner.email).slug
    me = actor_for(sign_in(owner.email))
    stranger = actor_for(sign_in(make_member().email))
    stored = store_screenshot(_image())
    with session_scope() as db, pytest.raises(PermissionDenied):
        screenshots.do_add_screenshot(db, stranger, slug, stored)
    with session_scope() as db:
        first = screenshots.do_add_screenshot(db, me, slug, stored, "  The  dashboard ")
        second = screenshots.do_add_screenshot(
            db, me, slug, store_screenshot(_image(size=(640, 480)))
        )
    assert first.caption == "The dashboard"
    with session_scope() as db:
        screenshots.do_move_screenshot(db, me, slug, second.id, -1)
        shown = services.get_solution(db, None, slug).screenshots
    assert [s.id for s in shown] == [second.id, first.id]
    for bad in (0, 2, True, "1"):
        with session_scope() as db, pytest.raises(ValidationFailed):
            screenshots.do_move_screenshot(db, me, slug, first.id, bad)
    with session_scope() as db, pytest.raises(ValidationFailed, match="140 characters"):
        screenshots.do_set_caption(db, me, slug, first.id, "x" * 141)
    with session_scope() as db, pytest.raises(PermissionDenied):
        screenshots.do_remove_screenshot(db, stranger, slug, first.id)
    other_slug = make_solution(owner.email, name="Another One").slug
    with session_scope() as db, pytest.raises(NotFound):
        screenshots.do_remove_screenshot(db, me, other_slug, first.id)  # not that listing's
    with session_scope() as db:
        for _ in range(screenshots.MAX_SCREENSHOTS - 2):
            screenshots.do_add_screenshot(db, me, slug, stored)
    with session_scope() as db, pytest.raises(Conflict, match="at most 8"):
        screenshots.do_add_screenshot(db, me, slug, stored)
    with session_scope() as db:
        screenshots.do_remove_screenshot(db, me, slug, first.id)
        assert len(services.get_solution(db, None, slug).screenshots) == 7


def test_two_uploads_at_once_cannot_pass_the_limit() -> None:
    owner = make_member()
    slug = make_solution(owner.email).slug
    me = actor_for(sign_in(owner.email))
    stored = store_screenshot(_image())
    with session_scope() as db:
        for _ in range(screenshots.MAX_SCREENSHOTS - 1):
            screenshots.do_add_screenshot(db, me, slug, stored)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def add() -> None:
        barrier.wait()
        try:
            with session_scope() as db:
                screenshots.do_add_screenshot(db, me, slug, stored)
            outcomes.append("added")
        except Conflict:
            outcomes.append("refused")

    threads = [threading.Thread(target=add) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["added", "refused"]
    with session_scope() as db:
        assert len(services.get_solution(db, None, slug).screenshots) == screenshots.MAX_SCREENSHOTS
