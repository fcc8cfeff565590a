"""How handlers answer: toasts for outcomes, one place that turns errors into messages."""

from __future__ import annotations

import logging

import reflex as rx
from reflex.event import EventSpec

from aixplore.core.errors import DomainError, NotAuthenticated
from aixplore.core.outage import outage_of

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


def backend_exception_handler(exception: Exception) -> EventSpec:
    """Log an unexpected error in full; show the user a calm message, never a trace.

    With Redis or the database out of reach (core/outage.py) every event fails the same way
    until it is back: one log line each, and the person is told to try again shortly. With
    Redis down such an event fails before its handler runs (its state lock and state are read
    from Redis first) unless Redis went away in the middle of it; the next event after Redis
    returns works (a tab whose state Redis lost loads its page again, ``web/lost_state.py``).
    A database that went away rolls the handler's unit of work back: nothing was written.
    """
    if (lost := outage_of(exception)) is not None:
        what = "Redis" if lost == "redis" else "the database"
        log.warning("an event failed while %s was unreachable: %s", what, exception)
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
