"""A build killed at any moment (SIGKILL or SIGTERM) loses nothing and leaves nothing stale.

Each scenario runs `digest build` once to the end under tests/faults/kill_at.py, which lists the
file operations the build makes; then, from the same starting state each time, it runs the build
again and kills it for real just before one of them: every rename, exchange and commit point, and
operations spread over the rest. After each kill the published folder is there, and (after the
recovery any build starts with) it is wholly the old site or wholly the new one; the next normal
build is byte-for-byte a from-scratch build, nothing is left beside the folder, and files that did
not change keep their mtime.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import SITE_YML, article, clean_build, write_files

from digest.build import build
from digest.config.load import load_config
from digest.write.record import RECORD
from digest.write.switch import recover

KILL_AT = Path(__file__).parent / "faults" / "kill_at.py"
TAGS = ["Energy", "Markets", "Climate", "Trade", "Europe"]
SPREAD = 4  # kill points spread evenly over each build, besides every rename and commit
Tree = dict[str, bytes]


def _story(n: int, tags: str, body: str = "A first paragraph.", date: str = "") -> str:
    date = date or f"2022-{7 + n % 3:02d}-{n % 28 + 1:02d}T10:00:00+02:00"
    return article(f"Story {n}", date, tags=tags, body=body + "\n")


def _edit_add_delete(site: Path) -> None:
    """Few files change: the build moves them in place under its journal."""
    (site / "content/story-13.md").write_text(_story(13, "[Trade]", "Edited text."))
    (site / "content/story-40.md").write_text(_story(40, "[Markets]", "New.", "2022-07-01T09:00:00+02:00"))
    (site / "content/story-3.md").unlink()


@dataclass(frozen=True, slots=True)
class Scenario:
    """A build to kill: what changes before it, its arguments, and whether it swaps the folder whole."""

    change: Callable[[Path], None]
    args: list[str] = field(default_factory=list)
    whole: bool = False  # the new site is switched in whole: no reader ever sees a mix
    cold: bool = False  # no previous output at all


SCENARIOS = {
    "cold": Scenario(lambda site: None, whole=True, cold=True),
    "clean after an edit": Scenario(
        lambda site: (site / "content/story-2.md").write_text(_story(2, "[Climate]", "Corrected.")),
        ["--clean"],
    ),
    "incremental edit, add and delete": Scenario(_edit_add_delete),
    "another base URL": Scenario(lambda site: None, ["--base-url", "https://staging.example/"], whole=True),
}


def tree(folder: Path) -> Tree:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def mtimes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def run_killed(site: Path, limit: int, sig: str, args: list[str], log: Path | None = None):
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}  # the same operations in every run
    if log:
        env["KILL_AT_LOG"] = str(log)
    command = [sys.executable, str(KILL_AT), str(limit), sig, "build", "-q", *args]
    return subprocess.run(command, cwd=site, env=env, capture_output=True, text=True, check=False)


def restore(saved: Path, site: Path) -> None:
    """Put the starting state back at the same path; output files are hard links, so they keep the
    inode and mtime the build cache recorded for them (a copy would look edited)."""
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(saved, site, ignore=shutil.ignore_patterns("public"))
    if (saved / "public").exists():
        shutil.copytree(saved / "public", site / "public", copy_function=os.link)


def kill_points(events: list[str]) -> list[int]:
    """Just before and just after each folder switch and journal commit, the first, middle and last
    hard link (a journal's backups, or the new folder's unchanged files), and a spread of the rest."""
    switches = [
        i
        for i, e in enumerate(events, 1)
        if e.startswith("ctypes.dlsym") or e.startswith(("os.rename .public.", "os.rename log"))
    ]
    links = [i for i, e in enumerate(events, 1) if e.startswith("os.link")]  # journal backups, or assembly
    spread = [round(len(events) * k / SPREAD) for k in range(1, SPREAD)]
    ends = [len(events)]  # the no-op snapshot is saved last
    picked = {*switches, *(i + 1 for i in switches), *links[:1], *links[len(links) // 2 :][:1], *links[-1:]}
    return sorted({*picked, *spread, *ends} & set(range(1, len(events) + 1)))


def leftovers(site: Path) -> list[str]:
    """Staging, journal and old folders: beside the output folder, or inside it on a mount point."""
    beside = [p.name for p in site.iterdir() if p.name.startswith(".public.")]
    inside = [p.name for p in (site / "public").iterdir() if p.name.startswith(".digest-")]
    return sorted({*beside, *inside} - {RECORD})


@pytest.fixture
def prepared(tmp_path: Path):
    """The site before the build (saved), the old tree and its mtimes, the site to work in."""

    def prepare(scenario: Scenario) -> tuple[Path, Path, Tree, dict[str, int]]:
        site, saved = tmp_path / "site", tmp_path / "saved"
        stories = {f"content/story-{n}.md": _story(n, f"[{TAGS[n % 5]}]") for n in range(1, 31)}
        write_files(site, {"site.yml": SITE_YML + "per_page: 5\n", **stories})
        if not scenario.cold:
            build(load_config(site / "site.yml"))
        old = tree(site / "public") if not scenario.cold else {}
        times = mtimes(site / "public") if not scenario.cold else {}
        scenario.change(site)
        shutil.copytree(site, saved, copy_function=os.link)
        return site, saved, old, times

    return prepare


def from_scratch(site: Path, tmp_path: Path) -> Tree:
    """What a normal build gives from these sources with no cache and no previous output."""
    scratch = tmp_path / "scratch"
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(site, scratch, ignore=shutil.ignore_patterns("public", ".digest-cache", ".public.*"))
    clean_build(load_config(scratch / "site.yml"))
    return tree(scratch / "public")


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_a_build_killed_anywhere_loses_nothing_and_leaves_nothing_stale(prepared, tmp_path, name):
    scenario = SCENARIOS[name]
    site, saved, old, old_mtimes = prepared(scenario)
    log = tmp_path / "events.json"
    finished = run_killed(site, 0, "SIGKILL", scenario.args, log)
    assert finished.returncode == 0, finished.stderr
    new, events = tree(site / "public"), json.loads(log.read_text())
    expected = from_scratch(site, tmp_path)
    unchanged = {path for path, data in old.items() if new.get(path) == data == expected.get(path)}
    points = kill_points(events)
    assert len(points) >= 6
    for point in points:
        restore(saved, site)
        killed = run_killed(site, point, "SIGKILL", scenario.args)
        assert killed.returncode == -signal.SIGKILL, (point, killed.stderr)
        public = site / "public"
        if scenario.whole:  # never a mix, and never no folder where there was one
            assert (tree(public) if public.exists() else {}) in (old, new), point
        recover(public.resolve())
        assert (tree(public) if public.exists() else {}) in (old, new), point
        build(load_config(site / "site.yml"))
        assert tree(public) == expected, point
        assert leftovers(site) == [], point
        assert {p: t for p, t in mtimes(public).items() if p in unchanged} == {
            p: old_mtimes[p] for p in unchanged
        }, point


def test_sigterm_stops_the_build_and_keeps_the_previous_output(prepared, tmp_path):
    scenario = SCENARIOS["incremental edit, add and delete"]
    site, saved, old, old_mtimes = prepared(scenario)
    log = tmp_path / "events.json"
    assert run_killed(site, 0, "SIGTERM", [], log).returncode == 0
    events = json.loads(log.read_text())
    links = [
        i for i, e in enumerate(events, 1) if e.startswith("os.link")
    ]  # the journal's backups, mid-apply
    for point in [len(events) // 3, links[0], links[-1]]:
        restore(saved, site)
        stopped = run_killed(site, point, "SIGTERM", [])
        assert stopped.returncode == 143, stopped.stderr
        assert stopped.stderr == "stopped (SIGTERM); the previous output is unchanged\n"
        assert tree(site / "public") == old
        assert mtimes(site / "public") == old_mtimes
        assert leftovers(site) == []
