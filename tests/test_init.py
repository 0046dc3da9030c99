"""`digest init`: a new site that builds at once, refused over anyone's files, never left half made."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime

import pytest
from conftest import needs_mounts
from test_config import digest

from digest.config.lined_yaml import load_fields
from digest.config.load import load_config
from digest.curator.init import default_title

FAILED = "init failed; nothing was written"


def test_a_new_site_builds_at_once_and_shows_the_example_story(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH")  # as a user builds it: now is now
    made = digest("init", "news/my-digest", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    site = tmp_path / "news" / "my-digest"
    assert "cd news/my-digest && digest build && digest serve" in made.stdout
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()) == sorted(
        line.strip() for line in made.stdout.splitlines()[1:4]
    )
    built = digest("build", cwd=site)
    assert built.returncode == 0, built.stderr
    assert built.stderr == ""
    front = (site / "public" / "index.html").read_text()
    assert "Riverton opens its first public library in forty years" in front
    assert "My digest" in front
    assert (site / ".gitignore").read_text().splitlines()[1:] == ["public/", ".digest-cache/"]
    assert [p.name for p in (tmp_path / "news").iterdir()] == ["my-digest"]  # no temporary folder left


def test_the_site_yml_loads_without_a_warning_and_names_its_settings(tmp_path):
    assert digest("init", "site", "--title", "The Morning Brief: Tuesday", cwd=tmp_path).returncode == 0
    path = tmp_path / "site" / "site.yml"
    warnings: list = []
    load_fields(path.read_text(), path, warnings=warnings)
    assert warnings == []
    config = load_config(path)
    assert config.title == "The Morning Brief: Tuesday"
    assert config.base_url == "https://example.org/"
    text = path.read_text()
    for key in ("title", "base_url", "description", "language", "timezone", "per_page", "output_dir"):
        assert f"\n{key}: " in text
        comment = text[: text.index(f"\n{key}: ")].rsplit("\n\n", 1)[1]
        assert comment.startswith("# "), key  # each setting is explained above it
    assert "CHANGE THIS" in text


def test_the_example_story_is_dated_now_in_the_site_time_zone(tmp_path):
    assert digest("init", cwd=tmp_path).returncode == 0
    config = load_config(tmp_path / "site.yml")
    today = datetime.now(config.tz).date()
    (story,) = (tmp_path / "content").iterdir()
    assert story.name == f"{today:%Y-%m-%d}-welcome-to-your-digest.md"
    date = next(line for line in story.read_text().splitlines() if line.startswith("date: "))
    stamp = datetime.fromisoformat(date.removeprefix("date: "))
    assert stamp.utcoffset() == datetime.now(config.tz).utcoffset()
    assert stamp.date() == today
    assert stamp <= datetime.now(config.tz)  # never a future story the first build would leave out


@pytest.mark.parametrize("entry", [".git", "notes.txt", "drafts/"])
def test_a_folder_holding_anything_is_refused_and_nothing_is_written(tmp_path, entry):
    site = tmp_path / "site"
    site.mkdir()
    if entry.endswith("/"):
        (site / entry).mkdir()
    else:
        (site / entry).write_text("mine\n")
    before = sorted(p.name for p in site.iterdir())
    done = digest("init", "site", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "site: is not empty — choose an empty or new folder, e.g. `digest init my-digest`",
        FAILED,
    ]
    assert sorted(p.name for p in site.iterdir()) == before
    assert done.stdout == ""


def test_a_file_in_place_of_the_folder_is_refused(tmp_path):
    (tmp_path / "site").write_text("mine\n")
    done = digest("init", "site", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "site: exists and is not a folder — choose an empty or new folder",
        FAILED,
    ]
    assert (tmp_path / "site").read_text() == "mine\n"


def test_an_empty_existing_folder_is_used_and_the_title_comes_from_its_name(tmp_path):
    site = tmp_path / "world_news-weekly"
    site.mkdir()
    done = digest("init", cwd=site)
    assert done.returncode == 0, done.stderr
    assert "  digest build && digest serve" in done.stdout  # already there: no `cd`
    assert load_config(site / "site.yml").title == "World news weekly"


@pytest.mark.parametrize(
    ("name", "title"), [("my-digest", "My digest"), ("brief", "Brief"), ("--", "My digest")]
)
def test_the_default_title_is_made_from_the_folder_name(tmp_path, name, title):
    assert default_title(tmp_path / name) == title


def test_help_shows_an_example():
    for args in (["--help"], ["init", "--help"]):
        shown = subprocess.run([sys.executable, "-m", "digest.cli", *args], capture_output=True, text=True)
        assert "example:\n  digest init my-digest" in shown.stdout


# Inside a private mount namespace: a read-only tmpfs as the parent, for a new folder and an empty one.
READ_ONLY = r"""
import json, subprocess, sys
from pathlib import Path

disk = Path(sys.argv[1])
(disk / "empty").mkdir(parents=True)
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)], check=True)
(disk / "empty").mkdir()
subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
runs = {}
for target in ("new/site", "empty"):
    done = subprocess.run([sys.executable, "-m", "digest.cli", "init", target], cwd=disk,
                          capture_output=True, text=True)
    runs[target] = [done.returncode, done.stdout, done.stderr]
left = sorted(p.relative_to(disk).as_posix() for p in disk.rglob("*"))
print(json.dumps({"runs": runs, "left": left}))
"""


@needs_mounts
def test_a_read_only_parent_fails_in_one_line_and_leaves_nothing(tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    command = ["unshare", "-m", sys.executable, "-c", READ_ONLY, str(disk)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout)
    for target, (code, stdout, stderr) in outcome["runs"].items():
        assert code == 1, stderr
        assert stdout == ""
        first = "new" if target == "new/site" else "empty/site.yml"
        line, last = stderr.splitlines()
        assert last == FAILED
        assert line == f"{first}: read-only file system — choose a folder you can write to"
    assert outcome["left"] == ["empty"]


@needs_mounts
def test_a_disk_filling_midway_removes_what_was_written_from_an_empty_folder(tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    script = (  # three inodes: the disk's root, the empty folder, site.yml; content/ finds it full
        f"mount -t tmpfs -o size=1m,nr_inodes=3 tmpfs {disk} && mkdir {disk}/empty && cd {disk} && "
        f"{sys.executable} -m digest.cli init empty; echo exit=$?; ls -A {disk}/empty"
    )
    done = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, timeout=60)
    assert done.stdout.splitlines() == ["exit=1"]  # and `ls` lists nothing: site.yml was removed
    line, last = done.stderr.splitlines()
    assert line.startswith("empty/content: no space left on device — "), line
    assert last == FAILED
