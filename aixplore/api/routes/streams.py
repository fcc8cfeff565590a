"""POST /api/streams/rtmp/{secret}/{call}: nginx's RTMP callbacks (``integrations/rtmp``).

nginx posts a form (``name``, the stream key's ``key`` argument, ``path`` of a recording); a
2xx answer lets a publish in, anything else drops the encoder. The secret path segment keeps
everyone but the rendered nginx out: a wrong one is a 404 like any unknown path.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qs

from fastapi import APIRouter, HTTPException, Request, Response
from starlette.concurrency import run_in_threadpool

from aixplore.core.db import session_scope
from aixplore.core.errors import PermissionDenied
from aixplore.domain.streams import ingest

log = logging.getLogger(__name__)
router = APIRouter()
FORM_MAX = 8192  # bytes: nginx's callbacks are a few hundred


def _handle(call: str, form: dict[str, str]) -> Response:
    name, key = form.get("name", ""), form.get("key", "")
    with session_scope() as db:
        if call == "publish":
            try:
                stream = ingest.on_publish(db, name, key)
            except PermissionDenied as exc:
                log.info("stream publish of %r refused: %s", name, exc)
                return Response(str(exc), status_code=403, media_type="text/plain")
            log.info("stream %s is live (%s)", stream.id, name)
        elif call == "publish_done":
            ingest.on_publish_done(db, name)
        else:
            ingest.on_record_done(db, name, form.get("path", ""))
    return Response(status_code=204)


@router.post("/api/streams/rtmp/{secret}/{call}", include_in_schema=False)
async def rtmp_callback(secret: str, call: str, request: Request) -> Response:
    """Answer one of nginx's callbacks (publish, publish_done, record_done)."""
    if not ingest.check_callback_secret(secret) or call not in (
        "publish",
        "publish_done",
        "record_done",
    ):
        raise HTTPException(status_code=404, detail="Not Found")
    body = await request.body()
    if len(body) > FORM_MAX:
        raise HTTPException(status_code=413, detail="Too large")
    form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items() if v}
    return await run_in_threadpool(_handle, call, form)
