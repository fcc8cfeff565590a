"""Jinja2 sources of the generated project: a stdlib-only Python WSGI app with its own tests.

Kept as strings so the package needs no data files. ``generate.py`` renders them.
"""

MODELS = '''"""Data models of {{ title }}: {{ entities | map(attribute="name") | join(", ") }}."""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass
from typing import Any, ClassVar


class ValidationError(ValueError):
    """A value that does not fit its field."""


LIMITS = {"text": 200, "long_text": 10000, "email": 254}


def coerce(name: str, kind: str, value: Any, required: bool) -> Any:
    """Check and convert one submitted value (form strings or JSON values)."""
    if value is None or value == "":
        if required:
            raise ValidationError(f"{name} is required")
        return None
    if kind in ("text", "long_text", "email"):
        if not isinstance(value, str):
            raise ValidationError(f"{name} must be text")
        if len(value) > LIMITS[kind]:
            raise ValidationError(f"{name} is too long")
        if kind == "email" and ("@" not in value or "." not in value.rsplit("@", 1)[-1]):
            raise ValidationError(f"{name} must be an email address")
        return value
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if str(value).lower() in ("true", "on", "1", "yes"):
            return True
        if str(value).lower() in ("false", "off", "0", "no"):
            return False
        raise ValidationError(f"{name} must be true or false")
    if isinstance(value, bool):
        raise ValidationError(f"{name} must be a number")
    try:
        if kind == "integer":
            return int(value)
        if kind == "decimal":
            return float(value)
        return datetime.date.fromisoformat(str(value)).isoformat()
    except (TypeError, ValueError):
        raise ValidationError(f"{name} has the wrong type ({kind})") from None

{% for e in entities %}


@dataclass
class {{ e.name }}:
    """One {{ e.name }} ({{ e.fields | length }} fields)."""

    KEY: ClassVar[str] = "{{ e.key }}"
    FIELDS: ClassVar[tuple[tuple[str, str, bool], ...]] = (
{% for f in e.fields %}        ("{{ f.name }}", "{{ f.type }}", {{ f.required }}),
{% endfor %}    )
{% for f in e.fields %}    {{ f.name }}: {{ f.python }} | None = None
{% endfor %}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> {{ e.name }}:
        """Build a checked instance from submitted data."""
        unknown = set(data) - {name for name, _, _ in cls.FIELDS} - {"id"}
        if unknown:
            raise ValidationError(f"unknown fields: {', '.join(sorted(unknown))}")
        return cls(**{n: coerce(n, k, data.get(n), r) for n, k, r in cls.FIELDS})

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

{% endfor %}

MODELS = {
{% for e in entities %}    "{{ e.key }}": {{ e.name }},
{% endfor %}}
'''

STORE = '''"""SQLite storage: one table per entity{% if sign_in %}, plus the accounts{% endif %}."""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

from app.models import MODELS

TYPES = {
    "text": "TEXT",
    "long_text": "TEXT",
    "email": "TEXT",
    "date": "TEXT",
    "integer": "INTEGER",
    "decimal": "REAL",
    "boolean": "INTEGER",
}


class Store:
    """Create, list, read, update and delete rows of every entity."""

    def __init__(self, path: str = ":memory:") -> None:
        self.db = sqlite3.connect(path, check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self.lock = threading.Lock()
        with self.lock, self.db:
            for key, model in MODELS.items():
                cols = ", ".join(f'"{n}" {TYPES[k]}' for n, k, _ in model.FIELDS)
                self.db.execute(
                    f'CREATE TABLE IF NOT EXISTS "{key}" (id INTEGER PRIMARY KEY, {cols})'
                )
            self.db.execute(
                "CREATE TABLE IF NOT EXISTS app_account "
                "(email TEXT PRIMARY KEY, salt BLOB NOT NULL, hash BLOB NOT NULL)"
            )

    def _row(self, key: str, row: sqlite3.Row | None) -> dict[str, Any] | None:
        if row is None:
            return None
        data = dict(row)
        for name, kind, _ in MODELS[key].FIELDS:
            if kind == "boolean" and data[name] is not None:
                data[name] = bool(data[name])
        return data

    def create(self, key: str, obj: Any) -> int:
        values = obj.to_dict()
        names = [n for n, _, _ in MODELS[key].FIELDS]
        cols = ", ".join(f'"{n}"' for n in names)
        marks = ", ".join("?" for _ in names)
        with self.lock, self.db:
            cur = self.db.execute(
                f'INSERT INTO "{key}" ({cols}) VALUES ({marks})', [values[n] for n in names]
            )
            return int(cur.lastrowid or 0)

    def list(self, key: str, limit: int = 100) -> list[dict[str, Any]]:
        rows = self.db.execute(f'SELECT * FROM "{key}" ORDER BY id LIMIT ?', (limit,))
        return [self._row(key, r) or {} for r in rows.fetchall()]

    def get(self, key: str, row_id: int) -> dict[str, Any] | None:
        row = self.db.execute(f'SELECT * FROM "{key}" WHERE id = ?', (row_id,)).fetchone()
        return self._row(key, row)

    def update(self, key: str, row_id: int, obj: Any) -> bool:
        values = obj.to_dict()
        names = [n for n, _, _ in MODELS[key].FIELDS]
        sets = ", ".join(f'"{n}" = ?' for n in names)
        with self.lock, self.db:
            cur = self.db.execute(
                f'UPDATE "{key}" SET {sets} WHERE id = ?', [values[n] for n in names] + [row_id]
            )
            return cur.rowcount == 1

    def delete(self, key: str, row_id: int) -> bool:
        with self.lock, self.db:
            return self.db.execute(f'DELETE FROM "{key}" WHERE id = ?', (row_id,)).rowcount == 1
'''

AUTH = '''"""Accounts: PBKDF2 password hashes and HMAC-signed session tokens."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets

from app.store import Store


def _secret() -> bytes:
    return os.environ.get("SECRET_KEY", "development-only-secret").encode()


def sign_up(store: Store, email: str, password: str) -> None:
    if "@" not in email or len(password) < 10:
        raise ValueError("Use an email address and a password of at least 10 characters.")
    salt = secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 200_000)
    with store.lock, store.db:
        store.db.execute("INSERT INTO app_account VALUES (?, ?, ?)", (email.lower(), salt, digest))


def sign_in(store: Store, email: str, password: str) -> str | None:
    row = store.db.execute(
        "SELECT salt, hash FROM app_account WHERE email = ?", (email.lower(),)
    ).fetchone()
    if row is None:
        return None
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), row["salt"], 200_000)
    if not hmac.compare_digest(digest, row["hash"]):
        return None
    return token_for(email.lower())


def token_for(email: str) -> str:
    mac = hmac.new(_secret(), email.encode(), hashlib.sha256).hexdigest()
    return f"{email}:{mac}"


def who(token: str | None) -> str | None:
    if not token or ":" not in token:
        return None
    email, mac = token.rsplit(":", 1)
    return email if hmac.compare_digest(token_for(email).rsplit(":", 1)[1], mac) else None
'''
