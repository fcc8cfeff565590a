"""The vite.config.js change of web/chunking.py against the pinned Reflex's own template."""

from __future__ import annotations

import pytest
from reflex.utils.frontend_skeleton import _compile_vite_config
from reflex_base.config import get_config

from aixplore.web.chunking import MARKER, PatchError, patch_vite_config


def _reflex_vite_config() -> str:
    return _compile_vite_config(get_config())


def test_icons_and_radix_get_their_groups_after_reflexs_own() -> None:
    patched = patch_vite_config(_reflex_vite_config())
    assert MARKER in patched
    groups = patched[patched.index("groups: [") :]
    # Reflex's env.json group stays first; ours follow in the same list.
    assert groups.index('name: "reflex-env"') < groups.index('name: "icons"')
    assert groups.index('name: "icons"') < groups.index('name: "ui"')
    assert "lucide-react" in groups and "@radix-ui" in groups
    # Nothing of the 3D libraries is captured: pages without 3D must not load them.
    for library in ("three", "@react-three", "rapier"):
        assert library not in groups[: groups.index("],")]


def test_patching_twice_changes_nothing() -> None:
    once = patch_vite_config(_reflex_vite_config())
    assert patch_vite_config(once) == once


def test_a_reflex_whose_config_moved_fails_the_build_with_a_reason() -> None:
    moved = _reflex_vite_config().replace('name: "reflex-env"', 'name: "env"')
    with pytest.raises(PatchError, match="Reflex's build config changed"):
        patch_vite_config(moved)
