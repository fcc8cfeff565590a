"""A tab whose state vanished gets its page back before the event it sent runs.

A tab's state can vanish while its page stays open: Redis restarted (the states lived only
there), or the memory state manager dropped an idle tab's state (``web/state_expiry.py``).
The page keeps sending events over its socket; the next one meets a fresh state.

Reflex 0.10.1 notices (the state has no router data yet) and "rehydrates": it sends the
browser a snapshot of the fresh state, runs the event, and queues the page's ``on_load``
handlers *after* it. So the event ran against an empty page: a handler that needs what the
page loaded (the solution's id, the page of a list, the organization) did the wrong thing or
failed, and only then did the page load its data again.

:func:`apply` makes the page's ``on_load`` handlers run *before* the event, in the same turn
and under the same state lock: the snapshot, then the page's loads (the session guard first,
which re-establishes who is signed in from the socket's handshake cookie, see
``web/session.py``), then the event. What the person typed into the page but never sent is
gone with the state; everything the page reads from the server comes back. A background
``on_load`` handler is queued as Reflex would; a load that fails is logged and the event
still runs, as after a normal page load whose loader failed.
"""

from __future__ import annotations

import logging
from typing import Any

from reflex.state import BaseState, State
from reflex_base.event import Event
from reflex_base.event.context import EventContext
from reflex_base.event.processor.base_state_processor import (
    BaseStateEventProcessor,
    process_event,
)
from reflex_base.registry import RegistrationContext

logger = logging.getLogger(__name__)

_original_rehydrate = BaseStateEventProcessor._rehydrate


async def _rehydrate(processor: BaseStateEventProcessor, root_state: BaseState) -> None:
    """Reflex's snapshot, then the page's loads inline (before the event that found the
    state gone) instead of queued after it."""
    if type(root_state) is not State or not root_state.router_data:
        await _original_rehydrate(processor, root_state)  # backend-initiated: no page
        return
    await processor._rehydrate_snapshot(root_state)
    registration = RegistrationContext.get()
    loads = registration.app.get_load_events(root_state.rx_router_url.path)
    logger.info("tab state was gone: page %s loads again", root_state.rx_router_url.path)
    for event in Event.from_event_type(loads or []):
        registered = registration.event_handlers.get(event.name)
        if registered is None or registered.handler.is_background:
            await EventContext.get().enqueue(event)
            continue
        try:
            await process_event(
                handler=registered.handler,
                payload=event.payload,
                state=await root_state.get_state(registered.states[0]),
                root_state=root_state,
            )
        except Exception:
            logger.exception("page load %s failed while restoring a lost tab state", event.name)
    await process_event(
        handler=State.event_handlers["set_is_hydrated"],
        payload={"value": True},
        state=root_state,
        root_state=root_state,
    )


def apply() -> None:
    """Run a page's loads before the event that found its tab's state gone (idempotent)."""
    patched: Any = _rehydrate
    BaseStateEventProcessor._rehydrate = patched  # type: ignore[method-assign]
