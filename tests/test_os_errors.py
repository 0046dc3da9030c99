"""OS faults made for real: a full disk, a read-only output, a cache folder in the way, a crash inside.

Each failing build must exit 1 with one line naming the path (and the "build failed" line), no
traceback unless asked for, and leave the published folder exactly as it was. Disks are filled and
made read-only in a private mount namespace (`unshare -m`), so a crashed test leaves no mount behind;
the outcome is checked inside it, since its mounts vanish with it.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SITE_YML, article, needs_mounts, write_files
from test_config import digest, files_in

from digest.oserrors import FIXES, explain

FAILED = "build failed; the previous output is unchanged"

# Run inside the namespace: build once, break the disk as the scenario says, edit a story, build again.
SCENARIO = r"""
import hashlib, json, subprocess, sys
from pathlib import Path

site, disk, breaking = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]

def sh(*command):
    subprocess.run(command, check=True)

def build():
    command = [sys.executable, "-m", "digest.cli", "build"]
    return subprocess.run(command, cwd=site, capture_output=True, text=True)

def files(folder):
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}

def fill(folder):
    with open(folder / "filler", "wb", buffering=0) as filler:  # the disk is full when this stops
        try:
            while True:
                filler.write(b"x" * 4096)
        except OSError:
            pass

sh("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(disk))
first = build()
published = files(site / "out" / "public")
if breaking == "fill":
    fill(disk)
elif breaking == "read-only":
    sh("mount", "-o", "remount,ro", str(disk))
(site / "content" / "a.md").write_text((site / "content" / "a.md").read_text() + "\nA new paragraph.\n")
second = build()
print(json.dumps({
    "first": [first.returncode, first.stderr],
    "second": [second.returncode, second.stdout, second.stderr],
    "published": len(published),
    "unchanged": files(site / "out" / "public") == published,
}))
"""


def _scenario(tmp_path: Path, disk: str, breaking: str) -> dict:
    """Build a small site with `disk` (its output's or its cache's folder) on a 2 MB tmpfs, break it."""
    site = tmp_path / "site"
    write_files(
        site,
        {
            "site.yml": SITE_YML + "output_dir: out/public\n",
            **{f"content/{name}.md": article(name.upper(), "2022-09-01T10:00:00Z") for name in "abc"},
        },
    )
    (site / disk).mkdir()
    command = ["unshare", "-m", sys.executable, "-c", SCENARIO, str(site), str(site / disk), breaking]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout)
    assert outcome["first"][0] == 0, outcome["first"][1]
    assert outcome["published"] > 10
    return outcome


def _one_line(stderr: str, path: str, what: str) -> None:
    """The failure is told in one line naming the path, then the "build failed" line, and no traceback."""
    assert "Traceback" not in stderr
    line, last = stderr.splitlines()
    assert last == FAILED
    assert line.startswith(path), line
    assert what in line, line


FULL = ": no space left on device — free some space on this disk"
READ_ONLY = ": read-only file system — this file system is mounted read-only"


@needs_mounts
@pytest.mark.parametrize(
    ("disk", "breaking", "path", "what"),
    [
        pytest.param("out", "fill", "out/.public.new-", FULL, id="full-output-disk"),
        pytest.param(".digest-cache", "fill", ".digest-cache/", FULL, id="full-cache-disk"),
        pytest.param("out", "read-only", "out/.public.new-", READ_ONLY, id="read-only-output"),
    ],
)
def test_a_broken_disk_fails_in_one_line_and_keeps_the_published_site(tmp_path, disk, breaking, path, what):
    outcome = _scenario(tmp_path, disk, breaking)

    code, _, stderr = outcome["second"]
    assert code == 1
    _one_line(stderr, path, what)
    assert outcome["unchanged"]


def test_a_file_in_place_of_the_cache_folder_fails_in_one_line_and_keeps_the_published_site(make_site):
    root = make_site({"content/a.md": article("A", "2022-09-01T10:00:00Z")})
    assert digest("build", cwd=root).returncode == 0
    published = files_in(root / "public")
    shutil.rmtree(root / ".digest-cache")
    (root / ".digest-cache").write_text("not a folder")
    (root / "content/a.md").write_text(article("A, edited", "2022-09-01T10:00:00Z"))

    result = digest("build", cwd=root)

    assert result.returncode == 1
    _one_line(result.stderr, ".digest-cache: file exists — a file is where a folder should be", "")
    assert files_in(root / "public") == published


# an unexpected error, made for real: the audit hook fails the build's first read of a story
CRASH = r"""
import runpy, sys

def hook(event, args):
    if event == "open" and str(args[0]).endswith(".md"):
        raise RuntimeError("the story could not be opened")

sys.addaudithook(hook)
sys.argv = ["digest", *sys.argv[1:]]
runpy.run_module("digest.cli", run_name="__main__")
"""


@pytest.mark.parametrize("flag", [None, "--debug", "-v"])
def test_an_unexpected_error_is_one_line_and_a_traceback_only_when_asked(make_site, flag):
    root = make_site({"content/a.md": article("A", "2022-09-01T10:00:00Z")})
    command = [sys.executable, "-c", CRASH, "build", *([flag] if flag else [])]

    result = subprocess.run(command, cwd=root, capture_output=True, text=True)

    assert result.returncode == 1
    line = "internal error: RuntimeError: the story could not be opened; run with --debug for the traceback"
    assert result.stderr.splitlines()[-1] == line
    if flag:
        assert result.stderr.startswith("Traceback (most recent call last):")
    else:
        assert result.stderr == line + "\n"
    assert not (root / "public").exists()


# --- each message, from real OS errors --------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(FIXES), ids=errno.errorcode.get)
def test_every_os_error_names_its_path_what_happened_and_the_fix(code):
    error = OSError(code, os.strerror(code), "public/index.html")

    shown = str(explain(error, Path("site")))

    what = os.strerror(code)
    assert shown == f"public/index.html: {what[0].lower()}{what[1:]} — {FIXES[code]}"


def test_an_error_without_a_known_fix_still_names_the_path():
    error = OSError(errno.ENXIO, os.strerror(errno.ENXIO), "public")

    assert (
        str(explain(error, Path("site")))
        == "public: no such device or address — check this path and build again"
    )


def test_a_copy_that_fills_the_disk_names_the_copy_not_its_source(tmp_path):
    source = tmp_path / "big.bin"
    source.write_bytes(b"x" * 4096)
    with pytest.raises(OSError) as caught:
        shutil.copyfile(source, Path("/dev/full"))  # a device: copied by write(), which names no file

    assert str(explain(caught.value, tmp_path)).startswith("/dev/full: no space left on device — ")


def test_a_copy_that_fills_the_disk_by_sendfile_names_its_target():
    error = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "static/big.bin", None, "public/big.bin")

    assert str(explain(error, Path("site"))).startswith("public/big.bin: no space left on device — ")


def test_a_write_that_names_no_file_is_told_by_the_file_being_written(tmp_path):
    with pytest.raises(OSError) as caught:
        Path("/dev/full").write_bytes(b"x" * 100_000)  # the disk is full: write() names no file
    assert caught.value.filename is None

    assert str(explain(caught.value, tmp_path)).startswith("/dev/full: no space left on device — ")


def test_without_any_path_the_fallback_is_named(tmp_path):
    assert str(explain(OSError(errno.EIO, "Input/output error"), tmp_path)).startswith(f"{tmp_path}: ")


def test_an_output_folder_below_a_file_fails_in_one_line(make_site):
    root = make_site({"content/a.md": article("A", "2022-09-01T10:00:00Z"), "site-copy": "a file"})

    result = digest("build", "--output", "site-copy/public", cwd=root)

    assert result.returncode == 1
    _one_line(result.stderr, "site-copy: ", "a file is where a folder should be")
    assert (root / "site-copy").read_text() == "a file"
