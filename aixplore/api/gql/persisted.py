"""Automatic persisted queries (Apollo's protocol): a client sends a query's SHA-256 instead
of its text once the server knows it.

A request with ``extensions.persistedQuery = {"version": 1, "sha256Hash": H}`` and no query
runs the query stored under ``H``, or answers the standard ``PersistedQueryNotFound`` error
(code ``PERSISTED_QUERY_NOT_FOUND``), after which the client sends the query with the hash:
the server checks that the hash is the query's and stores the query once it parsed and
validated. Stored queries run under every limit a sent one does (depth, tokens, cost, rate).
They are kept in Redis when configured (shared by every worker, a week after their last
registration) and otherwise in a bounded in-process table.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator
from typing import Any

from graphql import GraphQLError
from redis.exceptions import RedisError
from starlette.concurrency import run_in_threadpool
from strawberry.extensions import SchemaExtension

from aixplore.core.redis import get_redis

PREFIX = "gql:pq:"
KEEP_SECONDS = 7 * 24 * 3600
MEMORY_ENTRIES = 2000
MAX_QUERY_CHARS = 20_000
_HASH = re.compile(r"[0-9a-f]{64}")
_memory: OrderedDict[str, str] = OrderedDict()
_lock = threading.Lock()


def _error(message: str, code: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


def stored_query(digest: str) -> str | None:
    """The query stored under ``digest`` (None when unknown, or when Redis is unreachable)."""
    client = get_redis()
    if client is None:
        with _lock:
            found = _memory.get(digest)
            if found is not None:
                _memory.move_to_end(digest)
            return found
    try:
        raw: Any = client.get(PREFIX + digest)
    except RedisError:
        return None  # the client sends the query again: nothing is lost
    return raw.decode() if isinstance(raw, bytes) else raw


def store_query(digest: str, query: str) -> None:
    """Keep ``query`` under ``digest`` (the oldest entries go first in memory)."""
    client = get_redis()
    if client is None:
        with _lock:
            _memory[digest] = query
            _memory.move_to_end(digest)
            while len(_memory) > MEMORY_ENTRIES:
                _memory.popitem(last=False)
        return
    try:
        client.set(PREFIX + digest, query, ex=KEEP_SECONDS)
    except RedisError:
        return


def forget_all() -> None:
    """Empty the in-process table (tests; Redis entries are flushed with the database)."""
    with _lock:
        _memory.clear()


def _wanted_hash(extensions: dict[str, Any] | None) -> str | None:
    """The hash a request names, refused with a clear error when malformed."""
    wanted = (extensions or {}).get("persistedQuery")
    if wanted is None:
        return None
    if not isinstance(wanted, dict) or wanted.get("version") != 1:
        raise _error("Unsupported persisted query version: send version 1.", "BAD_REQUEST")
    digest = wanted.get("sha256Hash")
    if not isinstance(digest, str) or _HASH.fullmatch(digest) is None:
        raise _error("sha256Hash must be 64 lowercase hexadecimal digits.", "BAD_REQUEST")
    return digest


class PersistedQueries(SchemaExtension):
    """Fills in a stored query by its hash, and stores a sent one that validated."""

    async def on_operation(self) -> AsyncIterator[None]:
        """Resolve the hash before parsing; store the query after it validated."""
        context = self.execution_context
        digest = _wanted_hash(context.operation_extensions)
        register = False
        if digest is not None:
            if context.query is None:
                stored = await run_in_threadpool(stored_query, digest)
                if stored is None:
                    raise _error("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND")
                context.query = stored
            elif hashlib.sha256(context.query.encode()).hexdigest() != digest:
                raise _error("provided sha does not match query", "BAD_REQUEST")
            else:
                register = len(context.query) <= MAX_QUERY_CHARS
        yield
        if register and context.graphql_document is not None and not context.pre_execution_errors:
            await run_in_threadpool(store_query, digest or "", context.query or "")
