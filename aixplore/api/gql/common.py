"""What the GraphQL types share: the request's context, global ids, cursors and page info."""

from __future__ import annotations

import base64
import binascii
import functools
import re
from typing import Any

import strawberry
from strawberry.fastapi import BaseContext

from aixplore.api.auth import check_scope
from aixplore.core.errors import NotAuthenticated, ValidationFailed
from aixplore.domain.apikeys.models import KeyPrincipal

MAX_ID = 2**31 - 1  # ids are 32-bit integer columns on PostgreSQL
_NODE_ID = re.compile(r"(?P<kind>[A-Za-z]+):(?P<id>[1-9][0-9]{0,9})")
_BEFORE = re.compile(r"before:(?P<id>[1-9][0-9]{0,9})")


class Context(BaseContext):
    """One request's caller and its batch loaders (strawberry's ``info.context``)."""

    def __init__(self, caller: KeyPrincipal | None, token: str | None = None, ip: str = "") -> None:
        """The caller as ``aixplore.api.auth.principal`` resolved it (None: anonymous).

        Over WebSocket, the raw key or token and the client's address too: a subscription
        checks them again while it runs.
        """
        super().__init__()
        self.caller = caller
        self.token = token
        self.ip = ip
        self.connection_params: dict[str, Any] | None = None  # graphql-transport-ws's init
        self.loaders: dict[str, Any] = {}


def encode(text: str) -> str:
    """Base64 of ``text`` (ids and cursors are opaque to clients)."""
    return base64.b64encode(text.encode()).decode()


def decode(value: str, what: str) -> str:
    """Base64 text, refused with a clear message when it is not (before any query)."""
    if len(value) > 64:
        raise ValidationFailed(f"Not a valid {what}.", field=what)
    try:
        return base64.b64decode(value.encode("ascii"), validate=True).decode("ascii")
    except (binascii.Error, UnicodeError, ValueError) as exc:
        raise ValidationFailed(f"Not a valid {what}.", field=what) from exc


@functools.lru_cache(maxsize=65_536)  # a page of 50 solutions asks for 50; each is the same
def node_id(kind: str, row_id: int) -> strawberry.ID:
    """The global id of row ``row_id`` of type ``kind``."""
    return strawberry.ID(encode(f"{kind}:{row_id}"))


def kind_of(value: str, expected: str = "") -> tuple[str, int]:
    """The type and row id a global id names; anything else is refused before any query.

    With ``expected``, an id of another type is refused too.
    """
    match = _NODE_ID.fullmatch(decode(value, "id"))
    if match is None or (expected and match["kind"] != expected):
        what = f": expected a {expected}'s id" if expected else ""
        raise ValidationFailed(f"Not a valid node id{what}.", field="id")
    found = int(match["id"])
    if found > MAX_ID:
        raise ValidationFailed("Not a valid node id: out of range.", field="id")
    return match["kind"], found


def row_id_of(value: str, kind: str) -> int:
    """The row id behind a global id of ``kind``; anything else is refused before any query."""
    return kind_of(value, kind)[1]


def before_cursor(row_id: int | None) -> str | None:
    """The cursor after which a newest-first page continues (rows with smaller ids)."""
    return None if row_id is None else encode(f"before:{row_id}")


def before_of(after: str | None) -> int | None:
    """The id bound a keyset cursor from :func:`before_cursor` names (None: first page)."""
    if after is None:
        return None
    match = _BEFORE.fullmatch(decode(after, "cursor"))
    if match is None or int(match["id"]) > MAX_ID:
        raise ValidationFailed("Not a valid cursor.", field="after")
    return int(match["id"])


def check_first(first: int, most: int) -> int:
    """``first`` when it is 1 to ``most``; refused with a clear message otherwise."""
    if not 1 <= first <= most:
        raise ValidationFailed(f"first must be between 1 and {most}.", field="first")
    return first


def require_caller(context: Context, resource: str, level: str = "read") -> KeyPrincipal:
    """The caller holding ``resource:level``, refused as REST refuses (same messages)."""
    if context.caller is None:
        raise NotAuthenticated("This needs an API key or access token: 'Authorization: Bearer'.")
    return check_scope(context.caller, resource, level)


@strawberry.interface
class Node:
    """An object with a global id (Relay)."""

    id: strawberry.ID


@strawberry.type
class PageInfo:
    """Where a page sits (Relay)."""

    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


def keyset_page_info(cursors: list[str], more: bool, after: int | None) -> PageInfo:
    """A newest-first keyset page's info (``more``: older rows remain after it)."""
    return PageInfo(
        has_next_page=more,
        has_previous_page=after is not None,
        start_cursor=cursors[0] if cursors else None,
        end_cursor=cursors[-1] if cursors else None,
    )
