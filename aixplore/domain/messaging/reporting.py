"""Messages in the moderation inbox: a member reports a message; moderators hide or delete it.

Only a member of the conversation can report one of its messages (anyone else is told there
is no such message), and a report never lets the reporter read more than they already could.
Moderators see the reported text and who sent it; hiding blanks it for the members ("hidden
by the moderators") until restored; deleting removes the text for good.
"""

from __future__ import annotations

from sqlmodel import Session

from aixplore.domain.accounts.models import Actor
from aixplore.domain.messaging.messages import do_moderate
from aixplore.domain.messaging.models import ConversationMember, Message
from aixplore.domain.moderation.registry import Target, TargetKind, register

SNIPPET_MAX = 600


def _message(session: Session, message_id: int) -> Target | None:
    message = session.get(Message, message_id)
    if message is None:
        return None
    body = message.body if len(message.body) <= SNIPPET_MAX else message.body[:599] + "…"
    return Target(
        owner_id=message.sender_id,
        title=f"A message (#{message.seq} in conversation {message.conversation_id})",
        snippet=body,
        link=f"/messages/{message.conversation_id}",
        public_subject="A private message",
    )


def _may_see(session: Session, actor: Actor, message_id: int) -> bool:
    message = session.get(Message, message_id)
    return (
        message is not None
        and session.get(ConversationMember, (message.conversation_id, actor.user_id)) is not None
    )


MESSAGE = TargetKind(
    name="message",
    label="message",
    resolve=_message,
    hide=lambda s, i: do_moderate(s, i, hide=True, delete=False),
    restore=lambda s, i, prev: do_moderate(s, i, hide=prev == "hidden", delete=False),
    delete=lambda s, i: do_moderate(s, i, hide=None, delete=True),
    may_see=_may_see,
)
register(MESSAGE)
