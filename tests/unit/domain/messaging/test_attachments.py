"""Images attached to messages: type read from the bytes, size capped, re-encoded, stripped."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from aixplore.core.db import read_scope
from aixplore.core.errors import NotFound, ValidationFailed
from aixplore.core.settings import get_settings
from aixplore.domain.gdpr import services as gdpr
from aixplore.domain.messaging import messages
from aixplore.domain.messaging import services as conversations
from aixplore.domain.social import graph
from tests.unit.domain.messaging.support import handle, run
from tests.unit.domain.social.support import person


def _pair() -> tuple:
    ada, bob = person("Ada"), person("Bob")
    run(graph.do_follow, bob, handle(ada))
    return ada, bob, run(conversations.do_start_direct, ada, handle(bob))


def _photo(fmt: str = "JPEG", size: tuple[int, int] = (2400, 1200)) -> bytes:
    """A photo with EXIF metadata (a camera and a place) in it."""
    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x8825] = {2: (51.0, 30.0, 0.0)}  # GPS latitude
    out = io.BytesIO()
    image.save(out, format=fmt, exif=exif)
    return out.getvalue()


def test_an_attached_photo_is_re_encoded_without_its_metadata() -> None:
    ada, bob, talk = _pair()
    sent = run(messages.do_send, ada, talk, "", image=_photo())
    assert sent.body == "" and sent.image_url.startswith("/media/messages/")
    assert (sent.image_width, sent.image_height) == (1600, 800)
    stored = get_settings().media_root / sent.image_url.removeprefix("/media/")
    with Image.open(stored) as image:
        assert image.format == "WEBP" and not image.getexif()
        assert b"SpyCam" not in stored.read_bytes()
    [seen] = run(messages.read_history, bob, talk).items
    assert seen.image_url == sent.image_url
    # It is the sender's data: the export lists it with their messages.
    with read_scope() as db:
        rows = gdpr.collect(db, ada.user_id)["message"]
    assert [r["image_path"] for r in rows] == [sent.image_url.removeprefix("/media/")]
    # Deleted for everyone: the image goes with the text.
    run(messages.do_delete, ada, talk, sent.seq)
    [gone] = run(messages.read_history, bob, talk).items
    assert (gone.deleted, gone.image_url) == (True, "")


def test_a_caption_goes_with_the_image() -> None:
    ada, _bob, talk = _pair()
    sent = run(messages.do_send, ada, talk, "  The view  ", image=_photo("PNG", (40, 30)))
    assert (sent.body, sent.image_width) == ("The view", 40)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"GIF89a not really", "not a readable image"),
        (b"%PDF-1.7 pretending to be photo.png", "not a readable image"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "not a readable image"),  # a PNG's start only
        (b"", "Choose an image file"),
        ("a string", "Choose an image file"),
        (b"\xff\xd8" + b"\x00" * 5_000_001, "5 MB or smaller"),
    ],
)
def test_what_is_not_an_allowed_image_is_refused(data: object, message: str) -> None:
    ada, bob, talk = _pair()
    with pytest.raises(ValidationFailed, match=message):
        run(messages.do_send, ada, talk, "", image=data)
    assert run(messages.read_history, bob, talk).items == []


def test_a_gif_is_refused_whatever_it_is_called() -> None:
    ada, _bob, talk = _pair()
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, format="GIF")
    with pytest.raises(ValidationFailed, match="PNG, JPEG or WebP"):
        run(messages.do_send, ada, talk, "photo.png", image=out.getvalue())


def test_only_members_attach_images() -> None:
    _ada, _bob, talk = _pair()
    with pytest.raises(NotFound):
        run(messages.do_send, person("Eve"), talk, "", image=_photo())
