"""Alerts, dashboards and the scrape config as code: checked by promtool, and every metric
they query is one the app exports.

promtool comes from Debian's ``prometheus`` package, which ``scripts/test`` installs.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from aixplore.api.app import build_api
from aixplore.core.settings import get_settings
from aixplore.jobs import operations

ROOT = Path(__file__).resolve().parents[2]
PROMETHEUS = ROOT / "deploy" / "prometheus"
DASHBOARDS = sorted((ROOT / "deploy" / "grafana").glob("*.json"))
METRIC = re.compile(r"\baixplore_[a-z0-9_]+")


def _promtool(*args: str, cwd: Path = PROMETHEUS) -> str:
    promtool = shutil.which("promtool")
    assert promtool, "promtool is missing: run ./scripts/test, which installs Debian's prometheus"
    done = subprocess.run([promtool, *args], cwd=cwd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_the_alert_rules_are_valid_and_their_unit_tests_pass() -> None:
    assert "SUCCESS" in _promtool("check", "rules", "alerts.yml")
    tests = sorted(p.name for p in PROMETHEUS.glob("alerts_test*.yml"))
    assert len(tests) == 2
    out = _promtool("test", "rules", *tests)
    assert out.count("SUCCESS") == len(tests)


def test_the_example_scrape_config_is_valid(tmp_path: Path) -> None:
    # As deployed: the folder as it is, plus the metrics token file the scrape reads.
    deployed = shutil.copytree(PROMETHEUS, tmp_path / "prometheus")
    (deployed / "aixplore-metrics-token").write_text("scrape-token-0123456789abcdef\n")
    out = _promtool("check", "config", "prometheus.yml", cwd=deployed)
    assert "is valid prometheus config" in out
    scrape = yaml.safe_load((PROMETHEUS / "prometheus.yml").read_text())["scrape_configs"][0]
    assert scrape["authorization"]["type"] == "Bearer"


def _exported(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> set[str]:
    """Every series name the app's /metrics can carry (with backups and the probe on)."""
    monkeypatch.setattr(get_settings(), "backup_dir", tmp_path)
    operations.queue_probe.call_local()
    text = TestClient(build_api()).get("/metrics").text
    names: set[str] = set()
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            names.add(name)
            if kind == "histogram":
                names |= {f"{name}_bucket", f"{name}_count", f"{name}_sum"}
    return names


def _queried(exprs: list[str]) -> set[str]:
    return {name for expr in exprs for name in METRIC.findall(expr)}


def test_every_metric_the_alerts_query_is_exported(monkeypatch, tmp_path: Path) -> None:
    rules = yaml.safe_load((PROMETHEUS / "alerts.yml").read_text())
    exprs = [rule["expr"] for group in rules["groups"] for rule in group["rules"]]
    queried = _queried(exprs)
    assert len(queried) >= 12
    assert queried - _exported(monkeypatch, tmp_path) == set()


def test_dashboards_parse_and_query_only_exported_metrics(monkeypatch, tmp_path: Path) -> None:
    assert DASHBOARDS, "no Grafana dashboard in deploy/grafana"
    exported = _exported(monkeypatch, tmp_path)
    for path in DASHBOARDS:
        dashboard = json.loads(path.read_text())
        assert dashboard["uid"] and dashboard["title"]
        exprs = [
            target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])
        ]
        assert exprs, f"{path.name} queries nothing"
        assert _queried(exprs) - exported == set(), path.name
