"""Jinja2 sources of the generated project's WSGI app, entry point, tests and README."""

WEB = '''"""The WSGI app: {{ template_title }}{% if pages %} and pages {{ pages | join(", ") }}{% endif %}."""

from __future__ import annotations

import html
import json
import os
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs

from app import auth
from app.models import MODELS, ValidationError
from app.store import Store

KIND = "{{ template }}"
SIGN_IN = {{ sign_in }}
PAGES = {{ pages }}
TITLE = os.environ.get("APP_TITLE", "{{ title }}")
JSON_API = KIND in ("api_service", "catalog_site")


def _page(title: str, body: str) -> bytes:
    nav = " ".join(f'<a href="/{k}">{k}</a>' for k in MODELS)
    return (
        f"<!doctype html><html lang=en><head><meta charset=utf-8>"
        f'<meta name=viewport content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title></head><body><nav>{nav}</nav>"
        f"<main><h1>{html.escape(title)}</h1>{body}</main></body></html>"
    ).encode()


def create_app(store: Store | None = None) -> Any:
    """Build the WSGI application around ``store``."""
    store = store or Store(os.environ.get("DATABASE_PATH", "app.db"))

    def respond(start: Any, status: str, body: bytes, kind: str, extra: list | None = None) -> list:
        start(status, [("Content-Type", kind), ("Content-Length", str(len(body)))] + (extra or []))
        return [body]

    def as_json(start: Any, status: str, data: Any) -> list:
        return respond(start, status, json.dumps(data).encode(), "application/json")

    def as_html(start: Any, status: str, title: str, body: str) -> list:
        return respond(start, status, _page(title, body), "text/html; charset=utf-8")

    def redirect(start: Any, to: str, extra: list | None = None) -> list:
        return respond(start, "303 See Other", b"", "text/plain", [("Location", to)] + (extra or []))

    def user(environ: dict) -> str | None:
        header = environ.get("HTTP_AUTHORIZATION", "")
        if header.startswith("Bearer "):
            return auth.who(header[7:])
        cookie = SimpleCookie(environ.get("HTTP_COOKIE", ""))
        return auth.who(cookie["session"].value) if "session" in cookie else None

    def read_body(environ: dict) -> dict[str, Any]:
        size = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(size) if size else b""
        if environ.get("CONTENT_TYPE", "").startswith("application/json"):
            data = json.loads(raw or b"{}")
            if not isinstance(data, dict):
                raise ValidationError("send a JSON object")
            return data
        return {k: v[0] for k, v in parse_qs(raw.decode()).items() if k != "id"}

    def api(environ: dict, start: Any, parts: list[str], method: str) -> list:
        if parts == ["sign-in"] and method == "POST":
            data = read_body(environ)
            token = auth.sign_in(store, str(data.get("email", "")), str(data.get("password", "")))
            if token is None:
                return as_json(start, "401 Unauthorized", {"error": "wrong email or password"})
            return as_json(start, "200 OK", {"token": token})
        if parts == ["sign-up"] and method == "POST":
            data = read_body(environ)
            try:
                auth.sign_up(store, str(data.get("email", "")), str(data.get("password", "")))
            except ValueError as exc:
                return as_json(start, "400 Bad Request", {"error": str(exc)})
            return as_json(start, "201 Created", {"ok": True})
        if not parts or parts[0] not in MODELS or len(parts) > 2:
            return as_json(start, "404 Not Found", {"error": "not found"})
        key, model = parts[0], MODELS[parts[0]]
        if method != "GET" and SIGN_IN and user(environ) is None:
            return as_json(start, "401 Unauthorized", {"error": "sign in first"})
        if len(parts) == 1:
            if method == "GET":
                return as_json(start, "200 OK", store.list(key))
            if method == "POST":
                obj = model.from_dict(read_body(environ))
                return as_json(start, "201 Created", store.get(key, store.create(key, obj)))
            return as_json(start, "405 Method Not Allowed", {"error": "method not allowed"})
        if not parts[1].isdigit():
            return as_json(start, "404 Not Found", {"error": "not found"})
        row_id = int(parts[1])
        if method == "GET":
            row = store.get(key, row_id)
        elif method == "PUT":
            row = store.get(key, row_id) if store.update(key, row_id, model.from_dict(read_body(environ))) else None
        elif method == "DELETE":
            return as_json(start, "204 No Content" if store.delete(key, row_id) else "404 Not Found", {})
        else:
            return as_json(start, "405 Method Not Allowed", {"error": "method not allowed"})
        return as_json(start, "200 OK", row) if row else as_json(start, "404 Not Found", {"error": "not found"})

    def table(key: str, rows: list[dict[str, Any]], admin: bool) -> str:
        names = [n for n, _, _ in MODELS[key].FIELDS]
        head = "".join(f"<th>{n}</th>" for n in names)
        body = ""
        for row in rows:
            cells = "".join(f"<td>{html.escape(str(row[n] if row[n] is not None else ''))}</td>" for n in names)
            if admin:
                cells += (
                    f'<td><form method=post action="/{key}/{row["id"]}/delete">'
                    f"<button>Delete</button></form></td>"
                )
            else:
                cells += f'<td><a href="/{key}/{row["id"]}">Open</a></td>'
            body += f"<tr>{cells}</tr>"
        return f"<table><tr>{head}<th></th></tr>{body}</table>"

    def form(key: str) -> str:
        inputs = "".join(
            f'<label>{n} <input name="{n}"{" required" if r else ""}></label><br>'
            for n, _, r in MODELS[key].FIELDS
        )
        return f'<form method=post action="/{key}">{inputs}<button>Create</button></form>'

    def site(environ: dict, start: Any, parts: list[str], method: str) -> list:
        admin = KIND == "crud_admin"
        if parts == ["sign-in"]:
            if method == "POST":
                data = read_body(environ)
                token = auth.sign_in(store, data.get("email", ""), data.get("password", ""))
                if token:
                    return redirect(start, "/", [("Set-Cookie", f"session={token}; HttpOnly; Path=/")])
            return as_html(start, "200 OK", "Sign in", '<form method=post><input name=email> <input name=password type=password><button>Sign in</button></form>')
        if admin and SIGN_IN and user(environ) is None:
            return redirect(start, "/sign-in")
        if not parts:
            links = "".join(f'<li><a href="/{k}">{k}</a></li>' for k in MODELS)
            return as_html(start, "200 OK", TITLE, f"<ul>{links}</ul>")
        if len(parts) == 1 and parts[0] in PAGES:
            return as_html(start, "200 OK", parts[0].replace("-", " ").title(), "<p>Write this page.</p>")
        if parts[0] not in MODELS:
            return as_html(start, "404 Not Found", "Not found", "")
        key, model = parts[0], MODELS[parts[0]]
        if len(parts) == 1 and method == "POST" and admin:
            try:
                store.create(key, model.from_dict(read_body(environ)))
            except ValidationError as exc:
                return as_html(start, "400 Bad Request", key, f"<p role=alert>{html.escape(str(exc))}</p>" + form(key))
            return redirect(start, f"/{key}")
        if len(parts) == 1:
            return as_html(start, "200 OK", key, table(key, store.list(key), admin) + (form(key) if admin else ""))
        if len(parts) == 3 and parts[2] == "delete" and admin and method == "POST" and parts[1].isdigit():
            store.delete(key, int(parts[1]))
            return redirect(start, f"/{key}")
        row = store.get(key, int(parts[1])) if len(parts) == 2 and parts[1].isdigit() else None
        if row is None:
            return as_html(start, "404 Not Found", "Not found", "")
        items = "".join(f"<dt>{n}</dt><dd>{html.escape(str(v))}</dd>" for n, v in row.items())
        return as_html(start, "200 OK", f"{key} {row['id']}", f"<dl>{items}</dl>")

    def app(environ: dict, start: Any) -> list:
        parts = [p for p in environ.get("PATH_INFO", "/").split("/") if p]
        method = environ.get("REQUEST_METHOD", "GET")
        try:
            if parts[:1] == ["api"] and (JSON_API or parts[1:] in (["sign-in"], ["sign-up"])):
                return api(environ, start, parts[1:], method)
            return site(environ, start, parts, method)
        except (ValidationError, ValueError) as exc:
            return as_json(start, "400 Bad Request", {"error": str(exc)})

    return app
'''

MAIN = '''"""Run the app: ``python -m app`` (PORT, DATABASE_PATH, SECRET_KEY from the environment)."""

import os
from wsgiref.simple_server import make_server

from app.web import create_app

if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8000"))
    print(f"Serving on http://127.0.0.1:{port}")
    make_server("127.0.0.1", port, create_app()).serve_forever()
'''

TESTS = '''"""Tests of the generated models, storage and HTTP interface."""

from __future__ import annotations

import io
import json
import unittest
from urllib.parse import urlencode
from wsgiref.util import setup_testing_defaults

from app import auth
from app.models import MODELS, ValidationError
from app.store import Store
from app.web import JSON_API, SIGN_IN, create_app

SAMPLES = {{ samples }}
WRONG = {"integer": "many", "decimal": "lots", "date": "yesterday", "email": "nobody", "boolean": "maybe", "text": 5, "long_text": 5}


def call(app, method, path, body=None, form=False, headers=None):
    environ = {}
    setup_testing_defaults(environ)
    data = b""
    if body is not None:
        data = (urlencode(body) if form else json.dumps(body)).encode()
    environ.update(
        REQUEST_METHOD=method,
        PATH_INFO=path,
        CONTENT_LENGTH=str(len(data)),
        CONTENT_TYPE="application/x-www-form-urlencoded" if form else "application/json",
    )
    environ["wsgi.input"] = io.BytesIO(data)
    for name, value in (headers or {}).items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    seen = {}

    def start(status, hdrs):
        seen["status"] = int(status.split()[0])
        seen["headers"] = dict(hdrs)

    out = b"".join(app(environ, start)).decode()
    return seen["status"], seen["headers"], out


class ModelTests(unittest.TestCase):
    def test_every_entity_accepts_its_samples(self):
        for key, model in MODELS.items():
            obj = model.from_dict(SAMPLES[key])
            self.assertEqual(obj.to_dict(), {**SAMPLES[key]})

    def test_required_and_typed_fields_are_checked(self):
        for key, model in MODELS.items():
            for name, kind, required in model.FIELDS:
                if required:
                    with self.assertRaises(ValidationError):
                        model.from_dict({**SAMPLES[key], name: ""})
                with self.assertRaises(ValidationError):
                    model.from_dict({**SAMPLES[key], name: WRONG[kind]})

    def test_unknown_fields_are_refused(self):
        for key, model in MODELS.items():
            with self.assertRaises(ValidationError):
                model.from_dict({**SAMPLES[key], "surprise": 1})


class StoreTests(unittest.TestCase):
    def test_create_read_update_delete(self):
        store = Store()
        for key, model in MODELS.items():
            row_id = store.create(key, model.from_dict(SAMPLES[key]))
            self.assertEqual(store.get(key, row_id), {"id": row_id, **SAMPLES[key]})
            self.assertTrue(store.update(key, row_id, model.from_dict(SAMPLES[key])))
            self.assertEqual(len(store.list(key)), 1)
            self.assertTrue(store.delete(key, row_id))
            self.assertIsNone(store.get(key, row_id))


class WebTests(unittest.TestCase):
    def setUp(self):
        self.store = Store()
        self.app = create_app(self.store)
        self.headers = {}
        self.cookie = {}
        if SIGN_IN:
            auth.sign_up(self.store, "owner@example.com", "a long password")
            token = auth.sign_in(self.store, "owner@example.com", "a long password")
            self.headers = {"Authorization": f"Bearer {token}"}
            self.cookie = {"Cookie": f"session={token}"}

    def test_create_and_list_every_entity(self):
        for key in MODELS:
            if JSON_API:
                status, _, body = call(self.app, "POST", f"/api/{key}", SAMPLES[key], headers=self.headers)
                self.assertEqual(status, 201, body)
                created = json.loads(body)
                status, _, body = call(self.app, "GET", f"/api/{key}/{created['id']}")
                self.assertEqual(json.loads(body), created)
                status, _, body = call(self.app, "POST", f"/api/{key}", {"nope": 1}, headers=self.headers)
                self.assertEqual(status, 400)
            else:
                form = {k: ("on" if v is True else v) for k, v in SAMPLES[key].items() if v not in (None, False)}
                status, headers, _ = call(self.app, "POST", f"/{key}", form, form=True, headers=self.cookie)
                self.assertEqual(status, 303)
                status, _, body = call(self.app, "GET", f"/{key}", headers=self.cookie)
                self.assertEqual(status, 200)
                self.assertIn("<table>", body)

    def test_unknown_paths_are_not_found(self):
        status, _, _ = call(self.app, "GET", "/no-such-thing", headers=self.cookie)
        self.assertEqual(status, 404)

    @unittest.skipUnless(SIGN_IN, "this app has no sign-in")
    def test_writes_need_sign_in(self):
        key = next(iter(MODELS))
        if JSON_API:
            status, _, _ = call(self.app, "POST", f"/api/{key}", SAMPLES[key])
            self.assertEqual(status, 401)
        else:
            status, headers, _ = call(self.app, "GET", f"/{key}")
            self.assertEqual((status, headers["Location"]), (303, "/sign-in"))
        self.assertIsNone(auth.who("owner@example.com:forged"))


if __name__ == "__main__":
    unittest.main()
'''

README = """# {{ title }}

Generated by AiXplore for order #{{ order_id }} (template: **{{ template_title }}**).
{{ template_description }}

- Entities: {% for e in entities %}`{{ e.name }}` ({{ e.fields | map(attribute="name") | join(", ") }}){% if not loop.last %}; {% endif %}{% endfor %}

- Pages: {{ pages | join(", ") if pages else "none" }}
- Sign-in: {{ "yes" if sign_in else "no" }}

It needs only Python 3.11 or newer (no packages).

```
{% if root_dir %}cd {{ root_dir }}
{% endif %}python -m unittest discover -s tests -t .   # run the tests
python -m app                                  # serve on http://127.0.0.1:8000
```

Environment variables (see `.env.example`; secret values are not in the repository):
{% for v in env %}- `{{ v.name }}`{% if v.secret %} (secret){% endif %}
{% endfor %}{% if not env %}none
{% endif %}

{% if notes %}
## Notes from the order

{{ notes }}
{% endif %}"""
