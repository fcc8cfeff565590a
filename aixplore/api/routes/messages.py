"""Read API of messaging: the key owner's conversations and their messages.

``GET /api/v1/conversations`` lists them; ``GET /api/v1/conversations/{id}/messages`` pages
history upward (``before``) or catches up on what changed after a sequence (``after``), as the
page does after a reconnect. A conversation the key's owner is not in answers 404, as it does
on the page. Needs the ``messages:read`` scope; answers are never kept by shared caches.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response

from aixplore.api.auth import require_scope
from aixplore.api.writes import problem_responses
from aixplore.core.db import read_scope
from aixplore.domain.apikeys.models import KeyPrincipal
from aixplore.domain.messaging import messages
from aixplore.domain.messaging import services as conversations
from aixplore.domain.messaging.models import ConversationSummary, MessageBatch

router = APIRouter(prefix="/api/v1", tags=["messages"])
NO_STORE = "private, no-store"
REFUSED = problem_responses(401, 403, 404, 422, 429)
Reader = Annotated[KeyPrincipal, Depends(require_scope("messages", "read"))]
Sequence = Annotated[int | None, Query(ge=0, le=2**31 - 1, description="A sequence number.")]


@router.get(
    "/conversations",
    summary="My conversations",
    response_model=list[ConversationSummary],
    responses=REFUSED,
)
def list_conversations(
    caller: Reader, response: Response, requests: bool = False
) -> list[ConversationSummary]:
    """The key owner's conversations (or message requests), the latest active first."""
    response.headers["Cache-Control"] = NO_STORE
    with read_scope() as db:
        return conversations.list_conversations(db, caller.actor, requests=requests)


@router.get(
    "/conversations/{conversation_id}/messages",
    summary="Messages of a conversation",
    response_model=MessageBatch,
    responses=REFUSED,
)
def list_messages(
    conversation_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    caller: Reader,
    response: Response,
    before: Sequence = None,
    after: Sequence = None,
    limit: Annotated[int, Query(ge=1, le=messages.PAGE_MAX)] = 50,
) -> MessageBatch:
    """History before ``before`` (the newest without it), or every change after ``after``."""
    response.headers["Cache-Control"] = NO_STORE
    with read_scope() as db:
        if after is not None:
            return messages.read_changes(db, caller.actor, conversation_id, after=after)
        return messages.read_history(db, caller.actor, conversation_id, before=before, limit=limit)
