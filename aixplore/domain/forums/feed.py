"""Forum threads in home feeds: the loader ``social.items`` calls for started threads.

A thread shows while its opening post is neither hidden nor deleted. Who may see a group's
thread is settled when it is fanned out (members-only items reach only the group's members).
"""

from __future__ import annotations

import re

from sqlalchemy import select as select_columns
from sqlmodel import Session, col

from aixplore.domain.activity.models import FeedKind
from aixplore.domain.forums.models import ForumCategory, ForumPost, ForumThread
from aixplore.domain.social.items import Shown, register_loader

_TAGS = re.compile(r"<[^>]+>")


def _threads(session: Session, ids: list[int]) -> Shown:
    rows = session.execute(
        select_columns(
            col(ForumThread.id),
            col(ForumThread.title),
            col(ForumCategory.name),
            col(ForumPost.body_html),
        )
        .join(ForumCategory, col(ForumCategory.id) == col(ForumThread.category_id))
        .join(
            ForumPost,
            (col(ForumPost.thread_id) == col(ForumThread.id)) & (col(ForumPost.number) == 1),
        )
        .where(
            col(ForumThread.id).in_(ids),
            col(ForumPost.hidden_at).is_(None),
            col(ForumPost.deleted_at).is_(None),
        )
    ).all()
    shown: Shown = {}
    for tid, title, category, html in rows:
        plain = " ".join(_TAGS.sub(" ", html).split())
        detail = f"in {category}: " + (plain if len(plain) <= 140 else plain[:139] + "…")
        shown[tid] = ("started a thread", title, detail, f"/forums/t/{tid}")
    return shown


register_loader(FeedKind.THREAD_STARTED, _threads)
