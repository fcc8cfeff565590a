"""A local webhook receiver that records every request and can keep the next ones waiting."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class BlockingReceiver:
    """Answers 200 to every POST, after holding the next ``hold_next(n)`` requests until released.

    A held request stands in for a receiver that is slow to answer: the sender's worker waits
    on it as long as the test wants (to be killed meanwhile). ``requests`` lists what arrived
    as (path, headers, body), held or not, including requests whose sender is gone.
    """

    def __init__(self, timeout: float = 300.0) -> None:
        self.requests: list[tuple[str, dict[str, str], bytes]] = []
        self.arrived: list[float] = []  # time.monotonic() of each request
        self.reached = threading.Event()
        self.released = threading.Event()
        self._to_hold = 0
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver._lock:
                    receiver.requests.append((self.path, dict(self.headers), body))
                    receiver.arrived.append(time.monotonic())
                    held = receiver._to_hold > 0
                    receiver._to_hold -= int(held)
                if held:
                    receiver.reached.set()
                    receiver.released.wait(timeout)
                try:
                    self.send_response(200)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:  # the sender died while we held its request
                    self.close_connection = True

            def log_message(self, *_args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def hold_next(self, count: int = 1) -> None:
        """Hold the next ``count`` requests until :meth:`release`; ``reached`` is set on the first."""
        with self._lock:
            self._to_hold = count
        self.reached.clear()
        self.released.clear()

    def release(self) -> None:
        """Answer the held requests (and hold no more)."""
        with self._lock:
            self._to_hold = 0
        self.released.set()

    def delivery_ids(self) -> list[str]:
        """The ``X-AiXplore-Delivery`` header of every request, in arrival order."""
        return [headers.get("X-AiXplore-Delivery", "") for _path, headers, _body in self.requests]

    def close(self) -> None:
        self.release()
        self.server.shutdown()
        self.server.server_close()
