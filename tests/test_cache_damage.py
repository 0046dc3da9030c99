"""A damaged build cache is never trusted: the build says so in one line and gives a clean build's output.

Every test damages real files of a real cache and runs `digest build` in a real process: before
the checksums, 16 flipped bytes in a compiled template made every build die with a segfault.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.synchronize
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import SITE_YML, article, write_files

import digest.incremental.checked
from digest.build import build
from digest.config.load import load_config
from digest.incremental.checked import FORMAT, read_checked, write_checked
from digest.incremental.store import damage_note, make_folder
from digest.preview.session import Preview
from digest.write.lock import LOCK_FILE

TOOL = Path(__file__).parent / "no_cache_reads.py"
TAGS = ["Energy", "Markets", "Climate", "Trade", "Europe", "Water", "Grain"]
KINDS = {  # each kind of file in .digest-cache/ (the largest one is damaged), and if an edit reads it
    "compiled template": ("templates/*.cache", True),
    "related stories": ("related.pickle", True),
    "parsed articles": ("articles-*.pickle", True),
    "output manifest": ("manifest-*.pickle", True),
    "snapshot": ("snapshot-*.json", True),
    "list of outputs": ("outputs-*.json", False),  # read only when nothing changed
}


def _story(n: int) -> str:
    tags = ", ".join(TAGS[n % 5 : n % 5 + 3])
    body = f"The harbour at story {n} reopened after the storm.\n\nCargo moved again by noon.\n"
    return article(
        f"Harbour news {n}", f"2022-{n % 12 + 1:02d}-{n % 27 + 1:02d}T09:00:00Z", tags=f"[{tags}]", body=body
    )


def _edit(site: Path, words: str) -> None:
    with (site / "content/story-7.md").open("a", encoding="utf-8") as file:
        file.write(f"\n{words}\n")


def _digest(site: Path, *args: str, tool: Path | None = None) -> subprocess.CompletedProcess[str]:
    command = (
        [sys.executable, str(tool), "build", *args]
        if tool
        else [sys.executable, "-m", "digest.cli", "build", *args]
    )
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    return subprocess.run(
        command, cwd=site, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _cache_files(site: Path) -> list[Path]:
    """The files that hold cached data (not the .gitignore, nor the lock, which holds only a pid)."""
    return [
        p
        for p in (site / ".digest-cache").rglob("*")
        if p.is_file() and p.name not in (".gitignore", LOCK_FILE)
    ]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, bytes]]:
    """A site built once with its cache, a copy of that to start each test from, and the reference.

    The cache names files after the site's and output folder's paths, so each test works in the
    same folder, restored from the copy (with mtimes). The reference is a clean build after the edit.
    """
    base = tmp_path_factory.mktemp("damage")
    site = base / "site"
    write_files(site, {"site.yml": SITE_YML, **{f"content/story-{n}.md": _story(n) for n in range(1, 81)}})
    assert _digest(site).returncode == 0
    shutil.copytree(site, base / "built")
    _edit(site, "A late update.")
    clean = _digest(site, "--clean")
    assert clean.returncode == 0 and clean.stderr == "", clean.stderr
    return site, base / "built", _tree(site / "public")


@pytest.fixture
def site(built: tuple[Path, Path, dict[str, bytes]]) -> Path:
    """The built site as it was before the edit, ready to be damaged."""
    folder, pristine, _ = built
    shutil.rmtree(folder)
    shutil.copytree(pristine, folder)
    return folder


def _largest(site: Path, pattern: str) -> Path:
    return max((site / ".digest-cache").glob(pattern), key=lambda p: p.stat().st_size)


def flip(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes(b ^ 0xFF for b in data[middle : middle + 16]) + data[middle + 16 :]


DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "truncated": lambda data: data[: len(data) // 2],
    "emptied": lambda data: b"",
    "garbage": lambda data: random.Random(len(data)).randbytes(max(len(data), 64)),
}


def _assert_rebuilt_as_clean(
    site: Path, reference: dict[str, bytes], damaged: list[str], *, edit: bool = True
) -> None:
    """The edit builds with one note naming the damage, the output is a clean build's, then all is quiet."""
    if edit:
        _edit(site, "A late update.")
    result = _digest(site)
    assert result.returncode == 0, result.stderr
    (note,) = result.stderr.splitlines()
    assert note.startswith("note: .digest-cache: the build cache was damaged"), note
    assert all(name in note for name in damaged), note
    assert note.endswith("and is ignored; this build rewrites it — nothing to fix")
    assert _tree(site / "public") == reference
    for file in _cache_files(site):  # rewritten: every file left in the cache is whole again
        found: set[Path] = set()
        assert read_checked(file, found) is not None and not found, file
    _edit(site, "Another update.")
    again = _digest(site)
    assert again.returncode == 0 and again.stderr == "", again.stderr


@pytest.mark.parametrize("kind", KINDS)
def test_sixteen_flipped_bytes_in_any_cache_file_are_noticed(site, built, kind):
    pattern, edit = KINDS[kind]
    file = _largest(site, pattern)
    file.write_bytes(flip(file.read_bytes()))
    reference = built[2] if edit else _tree(site / "public")  # the cold build's, before the edit
    _assert_rebuilt_as_clean(site, reference, [file.name], edit=edit)


@pytest.mark.parametrize("damage", DAMAGE)
def test_every_cache_file_damaged_at_once_makes_one_note(site, built, damage):
    """Truncated, emptied or garbage, all files at once: one line, and a render in forked workers."""
    files = _cache_files(site)
    assert len(files) > 100
    for file in files:
        file.write_bytes(DAMAGE[damage](file.read_bytes()))
    _assert_rebuilt_as_clean(site, built[2], [f"{len(files) - 1} files"])  # all but the list of outputs


def test_a_cache_from_before_checksums_is_damage_and_one_of_another_format_is_stale(site, built, monkeypatch):
    """A bare pickle (the old layout) is not trusted; a checked file of another FORMAT is rebuilt quietly."""
    old = _largest(site, "articles-*.pickle")
    old.write_bytes(read_checked(old, set()))  # type: ignore[arg-type]
    _assert_rebuilt_as_clean(site, built[2], [old.name])
    payloads = {file: bytes(read_checked(file, set()) or b"") for file in _cache_files(site)}
    monkeypatch.setattr(
        digest.incremental.checked, "FORMAT", FORMAT + 1
    )  # as the next digest would write them
    for file, payload in payloads.items():
        write_checked(file, payload)
    monkeypatch.undo()
    _edit(site, "Yet another update.")
    result = _digest(site)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    (page,) = (site / "public").glob("*/*/story-7/index.html")
    assert "Yet another update." in page.read_text()
    assert read_checked(site / ".digest-cache/related.pickle", set()) is not None  # rewritten in this FORMAT


def test_another_sites_cache_is_stale_not_trusted(site, built, tmp_path):
    """Cache files that pass their check but were written for another site are not used, nor noted."""
    other = tmp_path / "other"
    write_files(
        other, {"site.yml": SITE_YML, **{f"content/story-{n}.md": _story(n + 3) for n in range(1, 81)}}
    )
    build(load_config(other / "site.yml"))
    for file in _cache_files(other):
        if (site / ".digest-cache" / file.relative_to(other / ".digest-cache")).exists():
            shutil.copy(file, site / ".digest-cache" / file.relative_to(other / ".digest-cache"))
    _edit(site, "A late update.")
    result = _digest(site)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert _tree(site / "public") == built[2]


def test_clean_reads_nothing_from_a_damaged_cache(site, built):
    """`--clean` never opens a cache file to read it (an audit hook ends the process if it does)."""
    for file in _cache_files(site):
        file.write_bytes(flip(file.read_bytes()))
    _edit(site, "A late update.")
    watched = _digest(site, tool=TOOL)  # the hook does see cache reads: without --clean it fires
    assert watched.returncode == 97 and "read from the build cache" in watched.stderr
    result = _digest(site, "--clean", tool=TOOL)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert _tree(site / "public") == built[2]
    _edit(site, "Another update.")
    again = _digest(site)  # what --clean wrote is whole
    assert again.returncode == 0 and again.stderr == "", again.stderr


def test_checked_files_round_trip_and_any_change_is_damage(tmp_path):
    path = tmp_path / "file.pickle"
    write_checked(path, b"payload bytes")
    damaged: set[Path] = set()
    assert bytes(read_checked(path, damaged) or b"") == b"payload bytes" and not damaged
    assert read_checked(tmp_path / "missing", damaged) is None and not damaged
    whole = path.read_bytes()
    for cut in range(len(whole)):  # every truncation, and every single flipped byte
        for data in (whole[:cut], whole[:cut] + bytes([whole[cut] ^ 1]) + whole[cut + 1 :]):
            path.write_bytes(data)
            assert read_checked(path, damaged) is None and damaged == {path}, data
            damaged.clear()
    (tmp_path / "folder").mkdir()
    assert read_checked(tmp_path / "folder", damaged) is None and damaged == {tmp_path / "folder"}
    damaged.clear()
    assert read_checked(path / "inside", damaged) is None and damaged == {path}  # a file as a folder
    assert not list(tmp_path.glob("*.tmp"))  # the temporary file was renamed into place


def test_the_note_counts_the_files_and_names_the_first_three(tmp_path):
    folder = tmp_path / ".digest-cache"
    (one,) = damage_note(tmp_path, {folder / "build.pickle"})
    assert str(one) == (
        f"{folder.as_posix()}: the build cache was damaged (1 file: build.pickle) and is ignored; "
        "this build rewrites it — nothing to fix"
    )
    names = ["articles-003.pickle", "build.pickle", "templates/ab.cache", "manifest-1.pickle", "zz.json"]
    (many,) = damage_note(tmp_path, {folder / name for name in names} | {folder})
    assert "(6 files: a file in its place, articles-003.pickle, build.pickle and 3 more)" in many.message
    assert damage_note(tmp_path, set()) == ()


def test_the_preview_says_it_once_too(tmp_path):
    """`digest serve` builds with the same cache: a damaged file is one line of its output."""
    write_files(tmp_path, {"site.yml": SITE_YML, **{f"content/story-{n}.md": _story(n) for n in range(1, 6)}})
    build(load_config(tmp_path / "site.yml"))
    shard = _largest(tmp_path, "articles-*.pickle")
    shard.write_bytes(flip(shard.read_bytes()))
    said: list[str] = []
    preview = Preview(tmp_path / "site.yml", {"base_url": "http://127.0.0.1:1/"}, False, False, said.append)
    assert preview.rebuild() is not None
    assert len(said) == 1 and said[0].startswith("note: ") and shard.name in said[0], said
    said.clear()
    assert preview.rebuild() is not None and said == []


def test_workers_making_the_compiled_templates_folder_at_once_never_fail(tmp_path):
    """Forked render workers compile templates at the same moment, each making the folder they go in."""
    context = multiprocessing.get_context("fork")
    for round_number in range(20):
        folder = tmp_path / f"round-{round_number}"
        start = context.Barrier(4)
        workers = [context.Process(target=_make_at_once, args=(start, folder)) for _ in range(4)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        assert [worker.exitcode for worker in workers] == [0, 0, 0, 0]
        assert folder.is_dir()


def _make_at_once(start: multiprocessing.synchronize.Barrier, folder: Path) -> None:
    start.wait()
    make_folder(folder)
