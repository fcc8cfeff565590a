"""Template rendering: deterministic, every template's project compiles and passes its tests."""

from __future__ import annotations

import copy

import pytest

from aixplore.domain.orders.generate import digest, render_project
from aixplore.domain.orders.spec import TEMPLATES
from aixplore.integrations.sandbox import validate_project
from tests.support.orders import REQUIREMENTS

CONFIG = {"framework": "python-wsgi", "root_dir": "", "branch_name": "b"}
ENV = [
    {"name": "API_KEY", "secret": True, "value_encrypted": "v1.x.y"},
    {"name": "APP_TITLE", "secret": False, "value": "Shop"},
]


@pytest.mark.parametrize("template", sorted(TEMPLATES))
@pytest.mark.parametrize("sign_in", [True, False])
def test_every_template_renders_a_project_that_passes_its_own_tests(
    template: str, sign_in: bool
) -> None:
    req = {**copy.deepcopy(REQUIREMENTS), "template": template, "sign_in": sign_in}
    root = "services/shop" if sign_in else ""
    files = render_project(3, "octo/shop", req, {**CONFIG, "root_dir": root}, ENV)
    assert all(p.startswith(root) for p in files)
    result = validate_project(files, root, 120)
    assert result.passed, (result.step, result.output)
    assert "Ran 7 tests" in result.output


def test_rendering_is_deterministic_and_keeps_secrets_out() -> None:
    first = render_project(3, "octo/shop", REQUIREMENTS, CONFIG, ENV)
    again = render_project(3, "octo/shop", copy.deepcopy(REQUIREMENTS), dict(CONFIG), list(ENV))
    assert first == again and digest(first) == digest(again)
    assert first[".env.example"] == "API_KEY=\nAPP_TITLE=Shop\n"
    assert "v1.x.y" not in "".join(first.values())
    assert "class Book:" in first["app/models.py"] and "class Author:" in first["app/models.py"]


def test_validation_reports_a_failing_project() -> None:
    files = render_project(3, "octo/shop", REQUIREMENTS, CONFIG, ENV)
    files["tests/test_broken.py"] = (
        "import unittest\n\nclass T(unittest.TestCase):\n    def test_x(self):\n        self.assertEqual(1, 2)\n"
    )
    result = validate_project(files, "", 60)
    assert not result.passed and result.step == "tests" and "FAILED" in result.output
    files["app/oops.py"] = "def broken(:\n"
    assert validate_project(files, "", 60).step == "compile"


def test_validation_time_limit() -> None:
    files = {"tests/__init__.py": "", "tests/test_slow.py": "import time\ntime.sleep(30)\n"}
    result = validate_project(files, "", 2)
    assert not result.passed and "longer than 2 s" in result.output
