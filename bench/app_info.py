"""Run inside an app folder: full event names, client storage keys and session tokens as JSON.

``python bench/app_info.py [--handler module:State.handler ...] [--tokens N]`` prints
``{"handlers": {spec: full name}, "storage": {cookie name: state key}, "tokens": [...]}``.
Names come from the state classes themselves (``State.get_full_name()``), never typed in.
Tokens are real sign-ins of AiXplore's demo members (``seed-demo``), spread over them.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys

sys.path.insert(0, os.getcwd())

DEMO_MEMBERS = [
    ("member@demo.aixplore.dev", "demo-member-password"),
    ("grace@demo.aixplore.dev", "demo-member-password"),
    ("alan@demo.aixplore.dev", "demo-member-password"),
    ("katherine@demo.aixplore.dev", "demo-member-password"),
]


def handler_name(spec: str) -> str:
    """``pkg.module:State.handler`` to the event name the frontend sends."""
    module, _, qualname = spec.partition(":")
    state_name, _, handler = qualname.partition(".")
    state = getattr(importlib.import_module(module), state_name)
    getattr(state, handler)
    return f"{state.get_full_name()}.{handler}"


def storage_keys() -> dict[str, str]:
    """Cookie / local storage name to state key, as the compiled frontend has them."""
    from reflex.compiler.utils import compile_client_storage
    from reflex.state import State

    keys = {}
    for by_key in compile_client_storage(State).values():
        for key, options in by_key.items():
            keys[options.get("name") or key] = key
    return keys


def sign_in_tokens(count: int) -> list[str]:
    """``count`` fresh AiXplore sessions of the demo members."""
    from aixplore.core.db import session_scope
    from aixplore.domain.accounts import services as accounts

    tokens = []
    for i in range(count):
        email, password = DEMO_MEMBERS[i % len(DEMO_MEMBERS)]
        with session_scope() as db:
            data = {"email": email, "password": password}
            tokens.append(accounts.do_sign_in(db, data, ip="bench", user_agent="bench"))
    return tokens


def main() -> None:
    """Parse the arguments and print the JSON."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--handler", action="append", default=[])
    parser.add_argument("--tokens", type=int, default=0)
    args = parser.parse_args()
    out = {
        "handlers": {spec: handler_name(spec) for spec in args.handler},
        "storage": storage_keys(),
        "tokens": sign_in_tokens(args.tokens) if args.tokens else [],
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
