"""Forum search on the database's own full-text engine, over posts the searcher may read.

SQLite: the FTS5 table ``forum_post_fts`` (porter stemming, bm25 with the title weighted
five times the body); PostgreSQL: the generated ``search_vector`` (``english``, title A and
body B): where the ``rum`` extension made the RUM index ``RUM_INDEX``, the index ranks and
orders the matches itself (its ``<=>`` distance: ``ts_rank_cd``'s cover-density order);
elsewhere the GIN index finds them and ``ts_rank`` ranks them. Both weigh title words over
body words and words near each other over words far apart; for several words the two orders
may differ among close matches. SQLite ranks only the newest ``CANDIDATES`` matching posts: a
word common enough to match more finds the best of the recent ones. Words are parsed as the
solution search parses them (``solutions.search_text``: stop words dropped, the words always
bound parameters); on SQLite the last word matches as a prefix (PostgreSQL matches whole
words). Hidden and deleted posts, and the threads of groups the searcher may not read, never
match. Results are threads, best first, each with the excerpt of its best post.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import bindparam, text
from sqlmodel import Session, col, select

from aixplore.core.errors import ValidationFailed
from aixplore.domain.accounts.models import Actor
from aixplore.domain.forums.models import ForumThread, ThreadSummary
from aixplore.domain.forums.reading import summaries
from aixplore.domain.groups.models import CommunityGroup
from aixplore.domain.groups.services import member_group_ids
from aixplore.domain.solutions.search_text import fts5_term, terms

QUERY_MAX = 200
RESULTS = 20
POOL = 500
CANDIDATES = 2_000  # SQLite: the newest matching posts ranked (see below)
_TAGS = re.compile(r"<[^>]+>")

# The readable-thread condition both engines share (``:mine``: the searcher's groups).
_READABLE = (
    "p.hidden_at IS NULL AND p.deleted_at IS NULL AND "
    "(c.group_id IS NULL OR g.visibility = 'public' OR c.group_id IN :mine)"
)
_JOINS = (
    "JOIN forum_thread t ON t.id = p.thread_id "
    "JOIN forum_category c ON c.id = t.category_id "
    "LEFT JOIN community_group g ON g.id = c.group_id "
)
# The engine ranks its matches and keeps the best ``:pool`` before any join: a common word
# matches a large share of all posts, and joining each of them to its thread, category and
# group cost more than the ranking itself. Readability filters the pool afterwards, so a
# searcher shut out of many top posts may see fewer than ``RESULTS`` threads.
# SQLite ranks a bounded candidate set: the newest ``:candidates`` matching posts, which FTS5
# reads newest first from its doclists (ORDER BY rowid DESC) and stops at the limit, so one
# common word no longer costs a bm25 score for each of 100,000 matches. PostgreSQL ranks every
# match: its GIN index yields matches in table order, and taking the newest of them (an index
# scan backward over the primary key, or a bitmap of a recent id range) cost more than
# ranking them all (``bench/forums.py``; README, forum search); ranking them on the GIN path
# reads each matching post's vector from the table, which the RUM path below avoids (there
# ``ts_rank_cd``, RUM's own order, cost 16% more at p50 than ``ts_rank``, which it keeps).
# Both statements splice only constants; the words are always bound parameters.
_SQLITE = (
    "WITH hits AS MATERIALIZED (SELECT id, score FROM (SELECT rowid AS id, "  # noqa: S608
    "bm25(forum_post_fts, 5.0, 1.0) AS score "
    "FROM forum_post_fts WHERE forum_post_fts MATCH :fts ORDER BY rowid DESC "
    "LIMIT :candidates) ORDER BY score LIMIT :pool) "
    "SELECT p.id, p.thread_id, p.body_html FROM hits h "
    "JOIN forum_post p ON p.id = h.id " + _JOINS + "WHERE " + _READABLE + " ORDER BY h.score"
)
_PG = (
    "WITH hits AS MATERIALIZED (SELECT p.id, "  # noqa: S608
    "ts_rank(p.search_vector, q.tsq) AS score "
    "FROM forum_post p, websearch_to_tsquery('english', :q) AS q(tsq) "
    "WHERE p.search_vector @@ q.tsq ORDER BY score DESC LIMIT :pool) "
    "SELECT p.id, p.thread_id, p.body_html FROM hits h "
    "JOIN forum_post p ON p.id = h.id " + _JOINS + "WHERE " + _READABLE + " "
    "ORDER BY h.score DESC, p.id DESC"
)
# Where the RUM index exists (migration c2658a3d17f0, PostgreSQL with the ``rum`` extension)
# it keeps each word's positions, so it ranks the matches itself and returns them best first
# (``<=>``: a distance, the inverse of the rank) without reading a matching post from the
# table; only the ``:pool`` best are then read. The tsquery is spelled in the ORDER BY (not
# joined in) so that the index scan, not a sort above it, gives the order.
_PG_RUM = (
    "WITH hits AS MATERIALIZED (SELECT p.id, "  # noqa: S608
    "p.search_vector <=> websearch_to_tsquery('english', :q) AS distance "
    "FROM forum_post p WHERE p.search_vector @@ websearch_to_tsquery('english', :q) "
    "ORDER BY p.search_vector <=> websearch_to_tsquery('english', :q) LIMIT :pool) "
    "SELECT p.id, p.thread_id, p.body_html FROM hits h "
    "JOIN forum_post p ON p.id = h.id " + _JOINS + "WHERE " + _READABLE + " "
    "ORDER BY h.distance, p.id DESC"
)
RUM_INDEX = "ix_forum_post_search_rum"
_RUM_BY_ENGINE: dict[str, bool] = {}  # engine URL -> whether its database has the RUM index


def _has_rum(session: Session) -> bool:
    """Whether this PostgreSQL database has the RUM index: looked up once per engine URL and
    process (an index made or dropped later is seen after a restart, or ``_RUM_BY_ENGINE``
    cleared)."""
    key = str(session.get_bind().engine.url)
    if key not in _RUM_BY_ENGINE:
        found = session.execute(
            text("SELECT 1 FROM pg_indexes WHERE indexname = :name"), {"name": RUM_INDEX}
        ).first()
        _RUM_BY_ENGINE[key] = found is not None
    return _RUM_BY_ENGINE[key]


def _fts5_expression(words: list[str]) -> str:
    """Every word, the last as a prefix (it may be half typed); the others whole, as porter
    stems them (a prefix on each word merged the doclists of every longer word, the larger
    part of a search's cost)."""
    exact = [fts5_term(w).removesuffix("*") for w in words[:-1]]
    return " AND ".join([*exact, fts5_term(words[-1])])


def _excerpt(html: str) -> str:
    plain = " ".join(_TAGS.sub(" ", html).split())
    return plain if len(plain) <= 200 else plain[:199] + "…"


def search_forums(session: Session, viewer: Actor | None, q: Any) -> list[ThreadSummary]:
    """Threads whose posts match ``q``, best first (at most ``RESULTS``)."""
    if not isinstance(q, str) or len(q) > QUERY_MAX:
        raise ValidationFailed(f"Search with at most {QUERY_MAX} characters.")
    words = terms(q)
    if not words:
        return []
    mine = member_group_ids(session, viewer.user_id) if viewer is not None else []
    if viewer is not None and viewer.is_platform_admin:
        mine = [g for g in session.exec(select(CommunityGroup.id)) if g is not None]
    params: dict[str, Any] = {"mine": mine or [-1], "pool": POOL}
    if session.get_bind().dialect.name == "postgresql":
        statement, params["q"] = _PG_RUM if _has_rum(session) else _PG, " ".join(words)
    else:
        statement, params["fts"] = _SQLITE, _fts5_expression(words)
        params["candidates"] = CANDIDATES
    query = text(statement).bindparams(bindparam("mine", expanding=True))
    rows = session.execute(query, params).all()
    best: dict[int, str] = {}
    for _post_id, thread_id, html in rows:
        if thread_id not in best and len(best) < RESULTS:
            best[thread_id] = _excerpt(html)
    threads = {
        t.id: t for t in session.exec(select(ForumThread).where(col(ForumThread.id).in_(best)))
    }
    found = summaries(session, viewer, [threads[i] for i in best if i in threads])
    return [s.model_copy(update={"excerpt": best[s.id]}) for s in found]
