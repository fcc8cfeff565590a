"""What a post says: checked sizes, sanitized HTML, links and images, mentions and quotes.

Bodies are Markdown rendered by the app's one sanitizer (``solutions.markdown``: raw HTML
off, nh3 allow-list, no images). A quote is a blockquote that names the quoted post's
address (``/forums/t/<thread>#post-<number>``); :func:`quote_markdown` writes one.
"""

from __future__ import annotations

import re
from typing import Any

from aixplore.core.errors import ValidationFailed
from aixplore.domain.forums.models import BODY_MAX, BODY_MIN, TITLE_MAX, TITLE_MIN
from aixplore.domain.solutions.markdown import render_markdown

MENTIONS_MAX = 10
_MENTION = re.compile(r"(?<![\w@/])@([A-Za-z0-9_]{2,30})\b")
_LINK = re.compile(r"(https?://|www\.|mailto:|\]\(|<[a-z]+:)", re.IGNORECASE)
_IMAGE = re.compile(r"!\[[^\]]*\]\(")
_QUOTED = re.compile(r"^>.*?/forums/t/(\d+)#post-(\d+)", re.MULTILINE)
_QUOTE_LINK = re.compile(r"\[wrote\]\(/forums/t/\d+#post-\d+\)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_title(value: Any) -> str:
    """A thread title: plain text of the allowed length on one line."""
    if not isinstance(value, str):
        raise ValidationFailed("Enter a title.", field="title")
    title = " ".join(_CONTROL.sub("", value).split())
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        raise ValidationFailed(
            f"Use {TITLE_MIN} to {TITLE_MAX} characters for the title.", field="title"
        )
    return title


def clean_body(value: Any) -> str:
    """A post body: Markdown of the allowed length (oversized posts are refused whole)."""
    if not isinstance(value, str):
        raise ValidationFailed("Write something.", field="body")
    body = _CONTROL.sub("", value).strip()
    if len(body) > BODY_MAX:
        raise ValidationFailed(
            f"A post holds at most {BODY_MAX:,} characters; this one has {len(body):,}.",
            field="body",
        )
    if len(body) < BODY_MIN:
        raise ValidationFailed("Write a little more.", field="body")
    return body


def render(body: str) -> str:
    """Safe HTML of a checked body."""
    return render_markdown(body)


def has_link(body: str) -> bool:
    """Whether the body links anywhere (Markdown links, autolinks or bare addresses); a
    quote's link to the quoted post does not count."""
    own = _QUOTE_LINK.sub("", body)
    return bool(_LINK.search(own)) or "<a " in render(own)


def has_image(body: str) -> bool:
    """Whether the body embeds an image (the sanitizer drops images, but new users may not
    even try: their posts are where spam hides)."""
    return bool(_IMAGE.search(body))


def mentioned_handles(body: str) -> list[str]:
    """The handles a body mentions (lower case, first ``MENTIONS_MAX``), code left out."""
    # Code and quotes mention nobody (a quote already tells the quoted author).
    prose = re.sub(r"```.*?```|`[^`]*`", " ", body, flags=re.DOTALL)
    prose = re.sub(r"^>.*$", " ", prose, flags=re.MULTILINE)
    seen: dict[str, None] = {}
    for handle in _MENTION.findall(prose):
        seen.setdefault(handle.lower(), None)
    return list(seen)[:MENTIONS_MAX]


def quoted_posts(body: str) -> list[tuple[int, int]]:
    """The (thread id, post number) pairs a body quotes."""
    return sorted({(int(t), int(n)) for t, n in _QUOTED.findall(body)})


def quote_markdown(thread_id: int, number: int, handle: str, body: str) -> str:
    """A Markdown quote of a post, naming it so its author is told."""
    lines = body.strip().splitlines()[:20]
    head = f"> **@{handle}** [wrote](/forums/t/{thread_id}#post-{number}):"
    return "\n".join([head, ">", *(f"> {line}" for line in lines)]) + "\n\n"
