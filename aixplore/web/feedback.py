"""How handlers answer: toasts for outcomes, one place that turns errors into messages."""

from __future__ import annotations

import logging

import redis
import reflex as rx
from reflex.event import EventSpec

from aixplore.core.errors import DomainError, NotAuthenticated

log = logging.getLogger("aixplore.web")


def toast_ok(message: str) -> EventSpec:
    """A success toast."""
    return rx.toast.success(message, close_button=True)


def toast_error(exc: DomainError | str) -> EventSpec:
    """An error toast with a message that is safe to show."""
    message = exc.message if isinstance(exc, DomainError) else exc
    return rx.toast.error(message, close_button=True)


def answer_error(exc: DomainError, *, next_path: str = "/") -> list[EventSpec]:
    """The events to send back for a refused action (sign-in page when signed out)."""
    if isinstance(exc, NotAuthenticated):
        return [toast_error(exc), rx.redirect(f"/login?next={next_path}")]
    return [toast_error(exc)]


RECONNECTING = "We are reconnecting to our servers. Please try again in a few seconds."


def _redis_unreachable(exception: BaseException) -> bool:
    """Whether ``exception`` (or what caused it) is Redis being unreachable or restarting."""
    seen: BaseException | None = exception
    for _ in range(5):
        if seen is None:
            return False
        if isinstance(seen, (redis.ConnectionError, redis.TimeoutError)):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def backend_exception_handler(exception: Exception) -> EventSpec:
    """Log an unexpected error in full; show the user a calm message, never a trace.

    With Redis down (the tabs' states live there) every event fails the same way until it is
    back: one log line each, and the person is told to try again shortly. Such an event
    fails before its handler runs (its state lock and state are read from Redis first) unless
    Redis went away in the middle of it; the next event after Redis returns works (a tab
    whose state Redis lost loads its page again, ``web/lost_state.py``).
    """
    if _redis_unreachable(exception):
        log.warning("an event failed while Redis was unreachable: %s", exception)
        return rx.toast.warning(RECONNECTING, id="backend_reconnecting", close_button=True)
    log.error("unhandled error in an event handler", exc_info=exception)
    return rx.toast.error(
        "Something went wrong on our side. Please try again; nothing was lost.",
        id="backend_error",
        close_button=True,
    )


def pick(form_data: object, *keys: str) -> object:
    """Keep the named fields of a submitted form (browsers also send the inputs' ids).

    Anything that is not a dict is passed on as it is, for the service to refuse clearly.
    """
    if not isinstance(form_data, dict):
        return form_data
    return {key: form_data[key] for key in keys if key in form_data}
