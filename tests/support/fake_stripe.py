"""A small Stripe-compatible API for tests: Checkout sessions and refunds (form-encoded in,
JSON out, as the stripe SDK expects). Records every request it answers.

Refunds behave as Stripe's do: a request repeated with its ``Idempotency-Key`` gets the first
answer again, and a second refund of the same payment under another key is refused with
``charge_already_refunded``."""

from __future__ import annotations

import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

_ids = itertools.count(1)


class FakeStripe:
    """Serves /v1/checkout/sessions and /v1/refunds on a free local port."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str], dict[str, str]]] = []
        self.sessions: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}  # by payment intent
        self._answered: dict[str, tuple[int, dict[str, Any]]] = {}  # by idempotency key
        self._lock = threading.Lock()
        state = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                size = int(self.headers.get("Content-Length") or 0)
                form = dict(parse_qsl(self.rfile.read(size).decode()))
                state.requests.append((self.path, form, dict(self.headers)))
                status, body = state.answer(self.path, form, self.headers)
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def answer(self, path: str, form: dict[str, str], headers: Any) -> tuple[int, dict[str, Any]]:
        if not str(headers.get("Authorization", "")).startswith("Bearer sk_test_"):
            return 401, {"error": {"type": "invalid_request_error", "message": "bad key"}}
        if path == "/v1/checkout/sessions":
            sid = f"cs_test_{next(_ids)}"
            amount = int(form["line_items[0][price_data][unit_amount]"])
            session = {
                "id": sid,
                "object": "checkout.session",
                "url": f"{self.url}/pay/{sid}",
                "amount_total": amount,
                "currency": form["line_items[0][price_data][currency]"],
                "metadata": {
                    key[len("metadata[") : -1]: value
                    for key, value in form.items()
                    if key.startswith("metadata[")
                },
                "payment_status": "unpaid",
            }
            self.sessions[sid] = session
            return 200, session
        if path == "/v1/refunds":
            return self._refund(form, headers)
        return 404, {"error": {"type": "invalid_request_error", "message": "no such route"}}

    def _refund(self, form: dict[str, str], headers: Any) -> tuple[int, dict[str, Any]]:
        key, intent = str(headers.get("Idempotency-Key") or ""), form.get("payment_intent", "")
        with self._lock:
            if key and key in self._answered:
                return self._answered[key]
            if intent in self.refunds:
                answer: tuple[int, dict[str, Any]] = (
                    400,
                    {
                        "error": {
                            "type": "invalid_request_error",
                            "code": "charge_already_refunded",
                            "message": f"Charge for {intent} has already been refunded.",
                        }
                    },
                )
            else:
                refund = {
                    "id": f"re_test_{next(_ids)}",
                    "object": "refund",
                    "payment_intent": intent,
                    "status": "succeeded",
                }
                self.refunds[intent] = refund
                answer = (200, refund)
            if key:
                self._answered[key] = answer
            return answer

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
