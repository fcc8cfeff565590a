"""No event handler takes who is acting as an argument.

Reflex makes every public method of a state class an event handler, and any browser can call
any handler by name with any JSON arguments. A handler that receives an ``Actor`` (or a user
id meant as the caller, or a role) lets the browser say who it is: an anonymous socket read
any user's unread count through ``NotificationBellState.recount(actor)``. Identity comes only
from the server-side session (``aixplore.web.session``). This test walks every handler the app
registers and refuses such parameters, so that class of hole cannot come back.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from typing import Any

import reflex as rx

import aixplore.web.app  # noqa: F401 - registers every page and state
from aixplore.domain.accounts.models import Actor, PlatformRole, User, UserSession

# Types that only ever describe the caller's identity.
IDENTITY_TYPES = (Actor, User, UserSession, PlatformRole)
IDENTITY_TYPE_NAMES = {t.__name__ for t in IDENTITY_TYPES}
# Parameter names that say "this is who I am".
CALLER_NAMES = {
    "actor",
    "caller",
    "viewer",
    "viewer_id",
    "viewer_role",
    "current_user",
    "me",
    "acting_user",
    "acting_as",
    "as_user",
    "on_behalf_of",
    "impersonate",
    "auth_token",
    "session_token",
    "is_admin",
    "as_admin",
    "admin",
}
# Names that may be the caller or the subject of an action: each use must be reviewed and
# listed here with the reason it names the subject (the services authorize the caller).
SUBJECT_NAMES = {
    "user_id",
    "owner_id",
    "author_id",
    "publisher_id",
    "member_id",
    "role",
    "session_id",
}
REVIEWED = {
    "SecurityState.revoke": "session_id names one of the caller's own sessions to end",
    "OrgState.set_role": "user_id and role name the member being changed; org admin required",
    "OrgState.remove": "user_id names the member removed; org admin required",
    "OrgState.transfer": "user_id names the new owner; only the owner may transfer",
    "OrgState.end_sessions": "user_id names the member signed out; org admin required",
    "OrgState.suspend": "user_id names the member suspended; org admin required",
    "AdminUsersState.set_role": "user_id and role name the user changed; platform admin required",
    "AdminUsersState.set_suspended": "user_id names the user suspended; platform admin required",
    "AdminUsersState.set_publisher_verified": "user_id names the publisher; platform admin",
    "GroupPageState.answer": "user_id names whose join request is answered; group moderator",
    "StreamState.time_out": "user_id names the chatter timed out; the stream's moderator required",
}


def _states(cls: type[rx.State]) -> Iterator[type[rx.State]]:
    yield cls
    for sub in cls.get_substates():
        yield from _states(sub)


def identity_problems(state_name: str, handlers: dict[str, Callable[..., Any]]) -> list[str]:
    """What is wrong with one state's handlers, given by name (empty when nothing is)."""
    problems = []
    for name, fn in handlers.items():
        qualified = f"{state_name}.{name}"
        signature = inspect.signature(fn)
        for param in list(signature.parameters.values())[1:]:  # after self
            annotation = param.annotation
            text = annotation if isinstance(annotation, str) else repr(annotation)
            if any(type_name in text for type_name in IDENTITY_TYPE_NAMES):
                problems.append(f"{qualified}({param.name}: {text}) takes an identity type")
            elif param.name.lower() in CALLER_NAMES:
                problems.append(f"{qualified}({param.name}) takes the caller's identity")
            elif param.name.lower() in SUBJECT_NAMES and qualified not in REVIEWED:
                problems.append(
                    f"{qualified}({param.name}) may take the caller's identity: "
                    "review it and list it in REVIEWED with the reason"
                )
    return problems


def _app_states() -> list[type[rx.State]]:
    return [s for s in _states(rx.State) if s.__module__.startswith("aixplore.")]


def test_no_handler_of_the_app_takes_an_identity() -> None:
    states = _app_states()
    handlers = {f"{s.__name__}.{n}" for s in states for n in s.event_handlers}
    # The walk sees the whole app (a broken import would make this pass on nothing).
    assert len(states) > 40 and len(handlers) > 150, (len(states), len(handlers))
    assert {"LiveState.listen", "SessionState.sign_out", "OrgState.set_role"} <= handlers
    problems = [
        p
        for s in states
        for p in identity_problems(s.__name__, {n: h.fn for n, h in s.event_handlers.items()})
    ]
    assert problems == []


def test_every_reviewed_exception_still_exists() -> None:
    handlers = {f"{s.__name__}.{n}" for s in _app_states() for n in s.event_handlers}
    assert set(REVIEWED) <= handlers, set(REVIEWED) - handlers


# The shapes of hole the check must catch, as plain functions (a state class defined here
# would join the app's state tree for every later test).


def _recount(self, actor: Actor) -> None:
    """As NotificationBellState.recount was."""


def _take_newest(self, actor) -> None:
    """An untyped caller argument."""


def _promote(self, role: PlatformRole) -> None:
    """A role as a type."""


def _for_user(self, user_id: int) -> None:
    """A user id nobody reviewed."""


def _fine(self, solution_id: int, form_data: dict) -> None:
    """Subject ids and forms are fine."""


def test_the_check_catches_each_shape_of_hole() -> None:
    leaky = {
        "recount": _recount,
        "take_newest": _take_newest,
        "promote": _promote,
        "for_user": _for_user,
        "fine": _fine,
    }
    problems = identity_problems("LeakyState", leaky)
    assert len(problems) == 4, problems
    for name in ("recount", "take_newest", "promote", "for_user"):
        assert any(f"LeakyState.{name}(" in p for p in problems), (name, problems)
