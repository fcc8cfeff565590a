"""Shared machinery of API writes: bounded JSON bodies, idempotency keys, cursors, answers."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Callable
from typing import Any

from fastapi import Request, Response
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from aixplore.api.schemas import Problem
from aixplore.core.db import session_scope
from aixplore.core.errors import DomainError
from aixplore.domain.apikeys.models import KeyPrincipal
from aixplore.domain.idempotency import services as idempotency

MAX_BODY_BYTES = 256 * 1024


class MalformedRequest(DomainError):
    """The request could not be read (bad JSON, bad cursor): 400."""

    code = "malformed"


class PayloadTooLarge(DomainError):
    """The body is over the limit: 413."""

    code = "too_large"


async def json_object(request: Request) -> tuple[bytes, dict[str, Any]]:
    """The raw body (at most 256 KiB) and its JSON object; 400/413 otherwise."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"The body may be at most {MAX_BODY_BYTES // 1024} KiB.")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise PayloadTooLarge(f"The body may be at most {MAX_BODY_BYTES // 1024} KiB.")
        chunks.append(chunk)
    raw = b"".join(chunks)
    try:
        data = json.loads(raw or b"null")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MalformedRequest("The body is not valid JSON.") from exc
    if not isinstance(data, dict):
        raise MalformedRequest("The body must be a JSON object.")
    return raw, data


def encode_cursor(values: dict[str, Any]) -> str:
    """An opaque cursor for the next page."""
    text = json.dumps(values, separators=(",", ":"), default=str)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, fields: dict[str, type]) -> dict[str, Any] | None:
    """The values of a cursor made by ``encode_cursor``; 400 when it was not."""
    if not cursor:
        return None
    try:
        if len(cursor) > 500:
            raise ValueError
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(values, dict) or set(values) != set(fields):
            raise ValueError
        for name, kind in fields.items():
            if not isinstance(values[name], kind) or isinstance(values[name], bool):
                raise ValueError
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise MalformedRequest(
            "The cursor is invalid; use the one from the previous page."
        ) from None
    return values


def _etag(body: str) -> str:
    return f'W/"{hashlib.blake2b(body.encode(), digest_size=16).hexdigest()}"'


def _execute(
    user_id: int,
    key: str | None,
    print_: str,
    action: Callable[[Session], BaseModel | None],
    status: int,
) -> tuple[int, str, bool]:
    for attempt in range(2):
        try:
            with session_scope() as db:
                if key is not None:
                    stored = idempotency.claim(db, user_id, key, print_)
                    if stored is not None:
                        return stored.status_code, stored.body, True
                result = action(db)
                body = "" if result is None else result.model_dump_json()
                if key is not None:
                    idempotency.complete(db, user_id, key, status, body)
            return status, body, False
        except IntegrityError as exc:
            # An identical request committed first: replay its answer (once).
            if key is None or attempt or "idempotency" not in str(exc).lower():
                raise
    raise AssertionError("unreachable")


async def run_write(
    request: Request,
    principal: KeyPrincipal,
    body: bytes,
    action: Callable[[Session], BaseModel | None],
    *,
    status: int = 200,
    location: Callable[[dict[str, Any]], str] | None = None,
) -> Response:
    """Run ``action`` in one unit of work, honouring ``Idempotency-Key``; answer in JSON."""
    key = request.headers.get("idempotency-key")
    if key is not None:
        key = idempotency.check_key(key)
    print_ = idempotency.fingerprint(request.method, request.url.path, body)
    code, text, replayed = await run_in_threadpool(
        _execute, principal.actor.user_id, key, print_, action, status
    )
    headers: dict[str, str] = {}
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    if not text:
        return Response(status_code=code, headers=headers)
    headers["ETag"] = _etag(text)
    if location is not None and code == 201:
        headers["Location"] = location(json.loads(text))
    return Response(text, status_code=code, media_type="application/json", headers=headers)


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _inline(defs[ref.removeprefix("#/$defs/")], defs)
        return {k: _inline(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    return node


def json_body_doc(model: type[BaseModel], description: str = "") -> dict[str, Any]:
    """``openapi_extra`` documenting a JSON body read by hand (``$defs`` inlined)."""
    schema = model.model_json_schema()
    return {
        "requestBody": {
            "required": True,
            "description": description or (model.__doc__ or "").strip(),
            "content": {"application/json": {"schema": _inline(schema, schema.get("$defs", {}))}},
        },
        "parameters": [
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "description": (
                    "Any unique string (up to 255 characters). Within 24 hours, a request "
                    "repeated with the same key gets the first answer again "
                    "(`Idempotent-Replayed: true`); the same key with a different body is "
                    "refused with 422."
                ),
                "schema": {"type": "string", "maxLength": 255},
            }
        ],
    }


def problem_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """Problem-details responses for the OpenAPI document."""
    schema = Problem.model_json_schema()
    reasons = {
        400: "Malformed JSON or cursor.",
        401: "No API key, or the key is malformed, unknown, revoked or expired.",
        403: "The key lacks the scope, or its owner may not do this.",
        404: "No such resource.",
        409: "The action conflicts with the current state.",
        413: "The body is over 256 KiB.",
        422: "The input is invalid (the detail says which field and why).",
        429: "Rate limit exceeded; see Retry-After.",
    }
    return {
        code: {
            "description": reasons[code],
            "content": {"application/problem+json": {"schema": schema}},
        }
        for code in codes
    }
