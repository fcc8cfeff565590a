"""A separate worker process must know every task the web process can enqueue."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import aixplore.jobs


def test_the_worker_registry_imports_every_task_module() -> None:
    modules = [
        f"aixplore.jobs.{m.name}"
        for m in pkgutil.iter_modules(aixplore.jobs.__path__)
        if m.name not in {"queue", "registry", "worker"}
    ]
    probe = (
        "import json, importlib, sys\n"
        "from aixplore.jobs import registry\n"
        "from aixplore.jobs.queue import huey\n"
        "before = set(huey._registry._registry)\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(set(huey._registry._registry) - before)))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    missing = json.loads(out.stdout.strip().splitlines()[-1])
    assert missing == [], (
        f"tasks a worker would not know (add their module to registry.py): {missing}"
    )
