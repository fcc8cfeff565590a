"""deploy/k8s: valid Kubernetes 1.37 objects that start, probe and configure the app as it is.

The schema check is kubernetes-validate's strict mode (a misspelt or misplaced field fails).
The rest ties the manifests to the code, so they cannot rot: every command is one the app's
own command line accepts, every ``AIXPLORE_*`` name is a settings field, the probe paths are
routes the app serves, the port is the one the server binds, and the names that objects use
to find each other (Secret, ConfigMap, volume claim, selectors, the autoscaler's target) exist.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from kubernetes_validate import utils as kubernetes

from aixplore.api.routes import health
from aixplore.core.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
KUBERNETES_VERSION = "1.37.0"
# Names the app reads from the environment outside Settings (aixplore/serve.py, granian,
# prometheus_client's multiprocess mode).
OTHER_ENV = {"AIXPLORE_PORT", "GRANIAN_WORKERS", "PROMETHEUS_MULTIPROC_DIR"}
# What Reflex serves itself: its liveness answer (reflex_base.constants.Endpoint.PING).
REFLEX_PATHS = {"/ping"}


def _documents() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path in sorted(K8S.glob("*.yaml")):
        found += [(path.name, doc) for doc in yaml.safe_load_all(path.read_text()) if doc]
    return found


DOCS = _documents()
OBJECTS = [(name, doc) for name, doc in DOCS if doc["kind"] != "Kustomization"]
BY_KIND: dict[str, list[dict[str, Any]]] = {}
for _name, _doc in OBJECTS:
    BY_KIND.setdefault(_doc["kind"], []).append(_doc)


def _named(kind: str, name: str) -> dict[str, Any]:
    matches = [d for d in BY_KIND.get(kind, []) if d["metadata"]["name"] == name]
    assert len(matches) == 1, f"one {kind} named {name}"
    return matches[0]


def _pod_specs() -> list[dict[str, Any]]:
    kinds = {"Deployment", "Job"}
    return [d["spec"]["template"]["spec"] for _n, d in OBJECTS if d["kind"] in kinds]


def _containers() -> list[dict[str, Any]]:
    return [c for s in _pod_specs() for c in s.get("initContainers", []) + s["containers"]]


def _exec_commands() -> list[list[str]]:
    commands = []
    for container in _containers():
        commands.append(container["command"])
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            if "exec" in container.get(probe, {}):
                commands.append(container[probe]["exec"]["command"])
    return commands


@pytest.mark.parametrize(("name", "doc"), OBJECTS, ids=[f"{n}:{d['kind']}" for n, d in OBJECTS])
def test_each_object_is_valid_for_kubernetes_1_37(name: str, doc: dict[str, Any]) -> None:
    kubernetes.validate(doc, KUBERNETES_VERSION, strict=True)


def test_the_kustomization_applies_every_file_but_the_example_secret() -> None:
    (kustomization,) = [doc for _name, doc in DOCS if doc["kind"] == "Kustomization"]
    files = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml", "secret.example.yaml"}
    assert set(kustomization["resources"]) == files
    images = {c["image"].partition(":")[0] for c in _containers()}
    assert images == {image["name"] for image in kustomization["images"]}


def test_every_python_command_is_one_the_app_accepts() -> None:
    python = [c for c in _exec_commands() if c[0] == "python"]
    assert len(python) >= 5  # web start and probe, migrate, worker and its health check
    for command in python:
        assert command[1] == "-m", command
        module, args = importlib.import_module(command[2]), command[3:]
        help_text = io.StringIO()
        with contextlib.redirect_stdout(help_text), pytest.raises(SystemExit) as ended:
            module.main([*args, "--help"])  # a subcommand it lacks exits 2, not 0
        assert ended.value.code == 0, command
        for option in (a for a in args if a.startswith("--")):
            assert option in help_text.getvalue(), f"{option} is not an option of {command}"


def test_the_web_pods_run_the_image_s_server_on_its_port() -> None:
    web = _named("Deployment", "aixplore-web")["spec"]["template"]["spec"]["containers"][0]
    dockerfile = (ROOT / "Dockerfile").read_text()
    cmd = re.search(r"^CMD (\[.*\])$", dockerfile, re.MULTILINE)
    assert cmd, "the Dockerfile has a CMD"
    assert web["command"] == [a for a in yaml.safe_load(cmd.group(1)) if a != "--migrate"]
    port = re.search(r"^ARG AIXPLORE_PORT=(\d+)$", dockerfile, re.MULTILINE)
    assert port, "the Dockerfile sets the port"
    config = _named("ConfigMap", "aixplore-config")["data"]
    assert int(config["AIXPLORE_PORT"]) == int(port.group(1))
    assert web["ports"] == [
        {"name": "http", "containerPort": int(port.group(1)), "protocol": "TCP"}
    ]
    service = _named("Service", "aixplore-web")["spec"]
    assert [p["targetPort"] for p in service["ports"]] == ["http"]


def test_probe_paths_are_routes_the_app_serves() -> None:
    served = {route.path for route in health.router.routes} | REFLEX_PATHS  # type: ignore[attr-defined]
    from reflex_base import constants

    assert f"/{constants.Endpoint.PING.value}" in REFLEX_PATHS
    paths = [
        container[probe]["httpGet"]["path"]
        for container in _containers()
        for probe in ("startupProbe", "readinessProbe", "livenessProbe")
        if "httpGet" in container.get(probe, {})
    ]
    assert "/api/health" in paths
    assert set(paths) <= served


def test_every_setting_name_is_one_the_app_reads() -> None:
    fields = {f"AIXPLORE_{name.upper()}" for name in Settings.model_fields}
    config = _named("ConfigMap", "aixplore-config")["data"]
    secret = _named("Secret", "aixplore-secrets")["stringData"]
    names = set(config) | set(secret)
    for container in _containers():
        names |= {e["name"] for e in container.get("env", [])}
    assert names - fields <= OTHER_ENV, names - fields - OTHER_ENV
    assert {"AIXPLORE_SECRET_KEY", "AIXPLORE_DATABASE_URL", "AIXPLORE_REDIS_URL"} <= set(secret)
    assert not set(config) & set(secret)
    assert int(config["GRANIAN_WORKERS"]) > 1  # several workers: Redis holds the tabs' state


def test_references_between_objects_resolve() -> None:
    for spec in _pod_specs():
        for container in spec.get("initContainers", []) + spec["containers"]:
            for source in container.get("envFrom", []):
                if "configMapRef" in source:
                    _named("ConfigMap", source["configMapRef"]["name"])
                if "secretRef" in source:
                    _named("Secret", source["secretRef"]["name"])
        for volume in spec.get("volumes", []):
            if "persistentVolumeClaim" in volume:
                _named("PersistentVolumeClaim", volume["persistentVolumeClaim"]["claimName"])
    web = _named("Deployment", "aixplore-web")
    labels = web["spec"]["template"]["metadata"]["labels"]
    worker_labels = _named("Deployment", "aixplore-worker")["spec"]["template"]["metadata"]
    service = _named("Service", "aixplore-web")["spec"]["selector"]
    assert service.items() <= labels.items()
    assert not service.items() <= worker_labels["labels"].items()
    target = _named("HorizontalPodAutoscaler", "aixplore-web")["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"]) == ("Deployment", "aixplore-web")
    budgets = {
        d["metadata"]["name"]: d["spec"]["selector"]["matchLabels"]
        for d in BY_KIND["PodDisruptionBudget"]
    }
    assert budgets["aixplore-web"].items() <= labels.items()
    assert budgets["aixplore-worker"].items() <= worker_labels["labels"].items()
    assert web["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0


def test_the_job_workers_keep_their_heartbeats_apart() -> None:
    """Two worker pods on the shared data volume would read each other's heartbeat file."""
    worker = _named("Deployment", "aixplore-worker")["spec"]["template"]["spec"]
    (container,) = worker["containers"]
    beat = container["command"][container["command"].index("--heartbeat-file") + 1]
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    volumes = {v["name"]: v for v in worker["volumes"]}
    holder = max((p for p in mounts if beat.startswith(p + "/")), key=len)
    assert "emptyDir" in volumes[mounts[holder]], "the heartbeat is on a volume of the pod's own"
    for probe in ("startupProbe", "livenessProbe"):
        command = container[probe]["exec"]["command"]
        assert command[command.index("--heartbeat-file") + 1] == beat


def test_pods_wait_until_the_schema_is_at_head(tmp_path: Path) -> None:
    """The init containers' loop ends on the migrated run database and not on an empty one."""
    waits = {c["command"][-1] for s in _pod_specs() for c in s.get("initContainers", [])}
    assert len(waits) == 1
    (loop,) = waits
    condition = re.fullmatch(r"until (.+?); do .*; done", loop)
    assert condition, loop
    env = {**os.environ, "PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ['PATH']}"}

    def start(database_url: str) -> subprocess.Popen:
        return subprocess.Popen(  # the manifest's own shell line
            ["sh", "-c", condition.group(1)],
            cwd=ROOT,
            env={**env, "AIXPLORE_DATABASE_URL": database_url},
        )

    # Both at once: each is a Python start-up with the app's models.
    migrated = start(os.environ["AIXPLORE_DATABASE_URL"])  # tests/conftest.py migrated it
    empty = start(f"sqlite:///{tmp_path / 'empty.db'}")
    assert migrated.wait(timeout=60) == 0
    assert empty.wait(timeout=60) != 0
