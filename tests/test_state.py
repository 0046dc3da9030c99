"""The build state: one object owns what survives between builds, and an empty one is a clean build."""

from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import SITE_YML, article, write_files

import digest.incremental.articles
import digest.incremental.state
import digest.incremental.store
from digest.build import Options, build
from digest.config.load import load_config
from digest.incremental.state import BuildState
from digest.render.plan import PageSpec

PACKAGE = Path(digest.incremental.state.__file__).parents[1]
WORKER_GLOBALS = {"_WORKER", "_TASKS"}  # set in forked workers only, by their initializer


def _site(tmp_path: Path) -> Path:
    stories = {f"content/s{n}.md": article(f"Story {n}", f"2022-09-0{n}T10:00:00Z") for n in range(1, 6)}
    write_files(tmp_path, {"site.yml": SITE_YML, **stories})
    return tmp_path


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How often the state grouped from scratch, and read one of its files."""
    counted = {"group": 0, "read": 0}

    def counting(name: str, real):
        def call(*args, **kwargs):
            counted[name] += 1
            return real(*args, **kwargs)

        return call

    monkeypatch.setattr(digest.incremental.state, "group", counting("group", digest.incremental.state.group))
    for module in (digest.incremental.state, digest.incremental.articles):
        monkeypatch.setattr(module, "read_pickle", counting("read", digest.incremental.store.read_pickle))
    return counted


def test_a_kept_state_patches_the_last_grouping_and_an_empty_one_groups_afresh(tmp_path, calls):
    root = _site(tmp_path)
    config = load_config(root / "site.yml")
    state = BuildState.load(root)
    build(config, state)
    assert calls["group"] == 1
    (root / "content/s3.md").write_text(article("Story 3", "2022-09-03T10:00:00Z", body="Edited."))
    build(config, state)
    assert calls["group"] == 1  # the edit moved no story: swapped into the last grouping
    calls["read"] = 0
    (root / "content/s3.md").write_text(article("Story 3", "2022-09-03T10:00:00Z", body="Again."))
    build(config, BuildState.empty(root))
    assert calls == {"group": 2, "read": 0}  # clean, in the same process too: nothing kept, nothing read


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_kept_clean_and_cold_builds_give_the_same_site(tmp_path):
    root = _site(tmp_path / "site")
    config = load_config(root / "site.yml")
    state = BuildState.load(root)
    build(config, state)
    (root / "content/s2.md").write_text(article("Story 2", "2022-09-02T10:00:00Z", tags="[Energy]"))
    build(config, state)
    build(config, BuildState.empty(root), Options(output=tmp_path / "clean"))
    cold = _site(tmp_path / "cold")
    (cold / "content/s2.md").write_text(article("Story 2", "2022-09-02T10:00:00Z", tags="[Energy]"))
    build(load_config(cold / "site.yml"), BuildState.empty(cold))
    assert _files(root / "public") == _files(tmp_path / "clean") == _files(cold / "public")


def test_equal_inputs_take_the_planned_page_again_and_other_settings_start_afresh(tmp_path):
    config = load_config(_site(tmp_path) / "site.yml")
    state = BuildState.load(tmp_path)
    made: list[object] = []

    def make(config, *inputs):
        made.append(inputs)
        return object()

    first = state.pages(config, [PageSpec("a/", make, ("heading", 3))])
    assert state.pages(config, [PageSpec("a/", make, ("heading", 3))]) == first
    assert state.pages(config, [PageSpec("a/", make, ("heading", 4))]) != first
    state.pages(replace(config, per_page=3), [PageSpec("a/", make, ("heading", 4))])
    state.pages(config, [PageSpec("b/", make, ("heading", 4))])  # a plan without "a/"
    state.pages(config, [PageSpec("a/", make, ("heading", 4))])
    assert len(made) == 5


def _module_state(path: Path) -> list[str]:
    """Module-level names bound to a mutable value (a dict, list or set display or call)."""
    found = []
    for node in ast.parse(path.read_text()).body:
        value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        mutable = isinstance(value, ast.Dict | ast.List | ast.Set | ast.DictComp | ast.ListComp | ast.SetComp)
        mutable = mutable or (
            isinstance(value, ast.Call) and getattr(value.func, "id", "") in {"dict", "list", "set"}
        )
        names = [t.id for t in targets if isinstance(t, ast.Name)]
        if mutable or any(name in WORKER_GLOBALS for name in names):
            found += [f"{path.relative_to(PACKAGE.parent)}: {name}" for name in names]
    return found


def test_no_module_keeps_mutable_state_but_forked_workers():
    found = [name for path in sorted(PACKAGE.rglob("*.py")) for name in _module_state(path)]
    assert sorted(found) == ["digest/content/read.py: _WORKER", "digest/workers.py: _TASKS"]
    for path in PACKAGE.rglob("*.py"):
        assert "global " not in path.read_text().replace("global _WORKER", "").replace("global _TASKS", "")
