"""The preview relists only the paths its watcher reported, and always agrees with a walk of the folder."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import SITE_YML, article, write_files

import digest.content.inputs
from digest.config.load import load_config
from digest.content.inputs import content_files, relisted

FILES = {
    "site.yml": SITE_YML,
    "content/a.md": article("A", "2022-09-01T10:00:00Z"),
    "content/world/b.md": article("B", "2022-09-02T10:00:00Z"),
    "content/world/c.md": article("C", "2022-09-03T10:00:00Z"),
    "content/world/map.png": b"\x89PNG",
    "templates/article.html": "{% extends 'base.html' %}",
}


def _touch(path: Path) -> None:
    path.write_text(path.read_text() + "\nMore.\n")


# each change, and the paths a watcher reports for it
CHANGES: dict[str, Callable[[Path], list[str]]] = {
    "article edited": lambda c: [_touch(c / "a.md"), str(c / "a.md")][1:],
    "article added between two": lambda c: [
        (c / "world/bb.md").write_text(article("BB", "2022-09-04T10:00:00Z")),
        str(c / "world/bb.md"),
    ][1:],
    "article deleted": lambda c: [(c / "world/b.md").unlink(), str(c / "world/b.md")][1:],
    "article renamed": lambda c: [
        (c / "a.md").rename(c / "z.md"),
        str(c / "a.md"),
        str(c / "z.md"),
    ][1:],
    "image added": lambda c: [(c / "pic.png").write_bytes(b"x"), str(c / "pic.png")][1:],
    "image deleted": lambda c: [(c / "world/map.png").unlink(), str(c / "world/map.png")][1:],
    "editor's temp file come and gone": lambda c: [str(c / "a.md.swp"), str(c / "4913")],
    "ignored file saved": lambda c: [(c / "_notes.md").write_text("x"), str(c / "_notes.md")][1:],
    "a template saved": lambda c: [str(c.parent / "templates/article.html")],
}


@pytest.mark.parametrize("change", CHANGES)
def test_relisting_the_reported_paths_matches_a_fresh_walk(tmp_path, change, monkeypatch):
    write_files(tmp_path, FILES)
    config = load_config(tmp_path / "site.yml")
    known = content_files(config)
    reported = CHANGES[change](config.content_path)
    looked: list[str] = []
    real_stat = os.stat
    monkeypatch.setattr(digest.content.inputs.os, "stat", lambda path: looked.append(path) or real_stat(path))
    result = relisted(config, known, reported)
    monkeypatch.undo()
    assert set(looked) <= set(reported)  # the other files were not looked at again
    assert result is not None
    walked = content_files(config)
    assert (list(result[0].items()), result[1]) == (list(walked[0].items()), walked[1])  # in the same order


@pytest.mark.parametrize(
    "change",
    [
        lambda c: [shutil.copytree(c / "world", c / "asia"), str(c / "asia")][1:],  # the folder alone
        lambda c: [shutil.rmtree(c / "world"), str(c / "world")][1:],
    ],
    ids=["folder moved in", "folder removed"],
)
def test_a_folder_come_or_gone_asks_for_a_walk(tmp_path, change):
    write_files(tmp_path, FILES)
    config = load_config(tmp_path / "site.yml")
    known = content_files(config)
    assert relisted(config, known, change(config.content_path)) is None
