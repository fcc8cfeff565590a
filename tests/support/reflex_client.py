"""Talk to a running Reflex 0.10.1 app over its event socket, the way its browser frontend does.

What the compiled frontend (``.web/utils/state.js`` and ``utils/context.jsx``) does, and so
what this client does:

- it opens a socket.io connection (websocket transport) at path ``/_event`` in namespace
  ``/_event``, with the tab's session token in the query string (``?token=<uuid>``); the
  browser's cookies also go along with the websocket handshake;
- its first event, ``reflex___state____state.hydrate_and_load``, rides in the CONNECT packet's
  auth payload (``{"event": {...}}``). Its ``payload.vars`` carries the browser's values of
  the app's ``rx.Cookie`` / ``rx.LocalStorage`` vars, keyed by state key
  (``<state full name>.<var>_rx_state_``): that is how a session cookie such as
  ``aixplore_session`` reaches the backend. The page's ``on_load`` handlers run after it;
- every later event is ``emit("event", {"name": "<state full name>.<handler>", "payload":
  {...}, "router_data": {"pathname", "asPath", "query"}})``;
- the backend answers with ``"event"`` messages ``{"delta": {state: {var_rx_state_: value}},
  "events": [frontend events such as _redirect or a toast's _call_function]}``. An event that
  changes no var and returns no event gets no answer at all, so :meth:`ReflexClient.call`
  collects answers until they go quiet (``settle``) or ``timeout`` passes.

Example::

    async with ReflexClient(base_url, cookies={"aixplore_session": token}) as c:
        await c.hydrate("/admin")
        result = await c.call(AdminUsersState.set_role, user_id=2, role="platform_admin")
        result.toasts, result.redirects, c.state(AdminUsersState)["users"]
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import socketio
from reflex.state import OnLoadInternalState, State, UpdateVarsInternalState

FIELD_MARKER = "_rx_state_"
EVENT_PATH = "/_event"


def handler_name(handler: Any) -> str:
    """The full event name of a handler: a string as is, or ``State.handler`` resolved.

    ``SessionState.refresh`` becomes
    ``reflex___state____state.aixplore___web___session____session_state.refresh``.
    """
    if isinstance(handler, str):
        return handler
    state, fn = getattr(handler, "state", None), getattr(handler, "fn", None)
    if state is None or fn is None:
        msg = f"not a state event handler: {handler!r}"
        raise TypeError(msg)
    return f"{state.get_full_name()}.{fn.__qualname__.rpartition('.')[2]}"


ROOT_STATE = State.get_full_name()
HYDRATE_EVENT = handler_name(State.hydrate_and_load)
ON_LOAD_EVENT = handler_name(OnLoadInternalState.on_load_internal)
UPDATE_VARS_EVENT = handler_name(UpdateVarsInternalState.update_vars_internal)


def state_name(state: Any) -> str:
    """The full name of a state: a string as is, or ``State.get_full_name()``."""
    return state if isinstance(state, str) else state.get_full_name()


def client_storage_keys() -> dict[str, str]:
    """Map each ``rx.Cookie`` / ``rx.LocalStorage`` name to its state key.

    Read from the state classes imported in this process, as Reflex's compiler does for
    the frontend's ``clientStorage``.
    """
    from reflex.compiler.utils import compile_client_storage

    keys: dict[str, str] = {}
    for options_by_key in compile_client_storage(State).values():
        for key, options in options_by_key.items():
            keys[options.get("name") or key] = key
    return keys


class Toast(NamedTuple):
    """A toast the backend asked the page to show."""

    level: str
    message: str


# How rx.toast.<level>(message, ...) reaches the page: refs['__toast']?.["error"]("...", {...})
_STR = r'"(?:[^"\\]|\\.)*"'
_TOAST = re.compile(rf"refs\['__toast'\]\?\.\[({_STR})\]\(({_STR})")


def _plain(delta: dict[str, Any]) -> dict[str, Any]:
    return {k.removesuffix(FIELD_MARKER): v for k, v in delta.items()}


@dataclass
class CallResult:
    """What the backend sent back for one event: its state deltas and frontend events."""

    name: str
    updates: list[dict[str, Any]] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def replied(self) -> bool:
        """Whether anything came back."""
        return bool(self.updates)

    @property
    def delta(self) -> dict[str, dict[str, Any]]:
        """All deltas merged, by state full name, var names without Reflex's marker."""
        merged: dict[str, dict[str, Any]] = {}
        for update in self.updates:
            for state, changes in (update.get("delta") or {}).items():
                merged.setdefault(state, {}).update(_plain(changes))
        return merged

    def changed(self, state: Any) -> dict[str, Any]:
        """The vars of one state (class or full name) that this event changed."""
        return self.delta.get(state_name(state), {})

    @property
    def events(self) -> list[dict[str, Any]]:
        """The frontend events, in order (``_redirect``, ``_call_function``, ...)."""
        return [e for update in self.updates for e in update.get("events") or []]

    @property
    def redirects(self) -> list[str]:
        """The paths of ``rx.redirect`` events."""
        return [e["payload"]["path"] for e in self.events if e.get("name") == "_redirect"]

    @property
    def toasts(self) -> list[Toast]:
        """The ``rx.toast.*`` messages sent, as (level, message) pairs."""
        found = []
        for e in self.events:
            code = (e.get("payload") or {}).get("function")
            if e.get("name") == "_call_function" and isinstance(code, str):
                found += [
                    Toast(json.loads(lvl), json.loads(msg)) for lvl, msg in _TOAST.findall(code)
                ]
        return found


class ReflexClient:
    """One browser tab of a Reflex app: a session token, its cookies and a socket."""

    def __init__(
        self,
        base_url: str,
        *,
        cookies: dict[str, str] | None = None,
        token: str | None = None,
        headers: dict[str, str] | None = None,
        storage_keys: dict[str, str] | None = None,
        timeout: float = 10.0,
    ) -> None:
        """Prepare a tab; nothing connects before :meth:`hydrate` (or the first call).

        Args:
            base_url: The app's backend URL, e.g. ``http://localhost:3101``.
            cookies: Browser cookies by name, e.g. ``{"aixplore_session": token}``.
            token: The tab's session token; a fresh UUID by default, as in a new tab.
            headers: Extra handshake headers (a ``User-Agent``, say).
            storage_keys: Client storage name to state key; read from the imported state
                classes by default (see :func:`client_storage_keys`).
            timeout: Default seconds to wait for a connection or an answer.
        """
        self.base_url = base_url.rstrip("/")
        self.cookies = dict(cookies or {})
        self.token = token or str(uuid.uuid4())
        self.headers = dict(headers or {})
        self.timeout = timeout
        self.path = "/"
        self.params: dict[str, str] = {}
        self.data: dict[str, dict[str, Any]] = {}
        self.unsolicited: list[dict[str, Any]] = []
        self._storage_keys = storage_keys
        self._inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._sio = socketio.AsyncClient(reconnection=False)
        self._sio.on("event", self._on_update, namespace=EVENT_PATH)
        self._sio.on("new_token", self._on_new_token, namespace=EVENT_PATH)

    async def __aenter__(self) -> ReflexClient:
        """Open the tab (the socket connects on hydrate)."""
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        """Close the tab."""
        await self.close()

    async def close(self) -> None:
        """Disconnect, as closing the tab does."""
        if self._sio.connected:
            await self._sio.disconnect()

    @property
    def connected(self) -> bool:
        """Whether the socket is open."""
        return self._sio.connected

    def state(self, state: Any) -> dict[str, Any]:
        """This tab's view of one state (class or full name), merged from every delta."""
        return self.data.get(state_name(state), {})

    async def hydrate(
        self,
        path: str = "/",
        *,
        timeout: float | None = None,
        settle: float = 0.2,
        params: dict[str, str] | None = None,
    ) -> CallResult:
        """Load a page: send ``hydrate_and_load`` with the cookies, run its on_load handlers.

        Connects first if needed, with the hydrate event in the CONNECT packet as the
        browser does. Returns everything received until the root state reports
        ``is_hydrated`` and the answers go quiet for ``settle`` seconds.
        """
        self.path = path
        self.params = dict(params or {})
        self._mark_loading()
        event = self._event(HYDRATE_EVENT, self._hydrate_payload())
        limit = self.timeout if timeout is None else timeout
        started = time.perf_counter()
        self._drain()
        if self.connected:
            await self._sio.emit("event", event, namespace=EVENT_PATH)
        else:
            await self._connect({"event": event}, limit)
        result = CallResult(HYDRATE_EVENT)
        await self._collect(result, started + limit, settle, until_hydrated=True)
        result.elapsed = time.perf_counter() - started
        return result

    async def navigate(
        self,
        path: str,
        *,
        timeout: float | None = None,
        settle: float = 0.2,
        params: dict[str, str] | None = None,
    ) -> CallResult:
        """Follow a client-side link: the frontend's ``onLoadInternalEvent`` for ``path``.

        ``params`` are the dynamic route's arguments (``{"org_id": "7"}`` for
        ``/orgs/[org_id]``): the frontend sends them with the query, and handlers read them
        from ``router.page.params``.
        """
        self.path = path
        self.params = dict(params or {})
        if not self.connected:
            return await self.hydrate(path, timeout=timeout, settle=settle, params=params)
        result = CallResult(ON_LOAD_EVENT)
        started = time.perf_counter()
        self._drain()
        self._mark_loading()
        storage = self._hydrate_payload().get("vars")
        if storage:
            await self.emit(UPDATE_VARS_EVENT, {"vars": storage})
        await self.emit(ON_LOAD_EVENT)
        limit = self.timeout if timeout is None else timeout
        await self._collect(result, started + limit, settle, until_hydrated=True)
        result.elapsed = time.perf_counter() - started
        return result

    async def emit(self, handler: Any, payload: dict[str, Any] | None = None) -> None:
        """Send one event without waiting for its answer (hydrates first if needed)."""
        if not self.connected:
            await self.hydrate(self.path, params=self.params)
        event = self._event(handler_name(handler), payload or {})
        await self._sio.emit("event", event, namespace=EVENT_PATH)

    async def call(
        self,
        handler: Any,
        *,
        timeout: float | None = None,
        settle: float = 0.3,
        **payload: Any,
    ) -> CallResult:
        """Fire a handler with keyword arguments and return what came back for it.

        Waits up to ``timeout`` seconds for a first answer, then until none has arrived for
        ``settle`` seconds (``settle=0``: return on the first answer). A handler that
        changes nothing and returns no event gets no answer: the result is then empty.
        """
        if not self.connected:
            await self.hydrate(self.path, params=self.params)
        name = handler_name(handler)
        result = CallResult(name)
        limit = self.timeout if timeout is None else timeout
        self._drain()
        started = time.perf_counter()
        await self._sio.emit("event", self._event(name, payload), namespace=EVENT_PATH)
        await self._collect(result, started + limit, settle)
        result.elapsed = time.perf_counter() - started
        return result

    def _mark_loading(self) -> None:
        """Forget ``is_hydrated`` while a page loads, as the frontend does on navigation."""
        self.data.setdefault(ROOT_STATE, {})["is_hydrated"] = False

    def _event(self, name: str, payload: dict[str, Any]) -> dict[str, Any]:
        parsed = urllib.parse.urlsplit(self.path)
        router_data: dict[str, Any] = {"pathname": parsed.path or "/", "asPath": self.path}
        query = {**dict(urllib.parse.parse_qsl(parsed.query)), **self.params}
        if query:
            router_data["query"] = query
        event: dict[str, Any] = {"name": name, "router_data": router_data}
        if payload:
            event["payload"] = payload
        return event

    def _hydrate_payload(self) -> dict[str, Any]:
        if self._storage_keys is None:
            self._storage_keys = client_storage_keys()
        values = {
            self._storage_keys[name]: value
            for name, value in self.cookies.items()
            if name in self._storage_keys
        }
        return {"vars": values} if values else {}

    async def _connect(self, auth: dict[str, Any], timeout: float) -> None:
        headers = dict(self.headers)
        if self.cookies:
            headers["Cookie"] = "; ".join(
                f"{k}={urllib.parse.quote(v, safe='')}" for k, v in self.cookies.items()
            )
        url = f"{self.base_url}?{urllib.parse.urlencode({'token': self.token})}"
        await self._sio.connect(
            url,
            headers=headers,
            auth=auth,
            transports=["websocket"],
            namespaces=[EVENT_PATH],
            socketio_path=EVENT_PATH,
            wait_timeout=timeout,
        )

    async def _on_update(self, update: dict[str, Any]) -> None:
        delta = update.get("delta") or {}
        # The browser writes no storage from the hydration snapshot (is_hydrated false).
        snapshot = delta.get(ROOT_STATE, {}).get(f"is_hydrated{FIELD_MARKER}") is False
        for state, changes in delta.items():
            self.data.setdefault(state, {}).update(_plain(changes))
            if not snapshot:
                self._store_client_values(state, changes)
        self._inbox.put_nowait(update)

    def _store_client_values(self, state: str, changes: dict[str, Any]) -> None:
        """Write cookies back when a delta changes them, as the browser does."""
        by_key = {key: name for name, key in (self._storage_keys or {}).items()}
        for var, value in changes.items():
            if (name := by_key.get(f"{state}.{var}")) is not None:
                self.cookies[name] = "" if value is None else str(value)

    async def _on_new_token(self, new_token: str) -> None:
        self.token = new_token

    def _drain(self) -> None:
        while not self._inbox.empty():
            self.unsolicited.append(self._inbox.get_nowait())

    async def _collect(
        self, result: CallResult, deadline: float, settle: float, *, until_hydrated: bool = False
    ) -> None:
        def done() -> bool:
            hydrated = self.data.get(ROOT_STATE, {}).get("is_hydrated") is True
            return bool(result.updates) and (hydrated or not until_hydrated)

        while True:
            now = time.perf_counter()
            if now >= deadline:
                return
            wait = min(settle, deadline - now) if done() else deadline - now
            try:
                update = await asyncio.wait_for(self._inbox.get(), wait)
            except TimeoutError:
                if done() or time.perf_counter() >= deadline:
                    return
                continue
            result.updates.append(update)
            if settle <= 0 and done():
                return
