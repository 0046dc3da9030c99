"""The last build's results are taken again only when their inputs compare equal, for the same settings."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

from conftest import SITE_YML, write_files

from digest.config.site_config import load_config
from digest.incremental.reuse import start
from digest.site.model import Article, Source


def _config(tmp_path: Path, extra: str = ""):
    write_files(tmp_path, {"site.yml": SITE_YML + extra})
    (tmp_path / "content").mkdir(exist_ok=True)
    return load_config(tmp_path / "site.yml")


def _article(digest: str, date: datetime) -> Article:
    source = Source("Reuters", None, "reuters")
    return Article(Path("a.md"), "A", date, source, "a", "2022/09/a/", "<p>x</p>", "x", 1, digest=digest)


def _counting():
    made: list[tuple[object, ...]] = []

    def make(config, *inputs):
        made.append(inputs)
        return object()

    return made, make


def test_equal_inputs_take_the_last_result_and_anything_else_makes_a_new_one(tmp_path):
    config = _config(tmp_path)
    made, make = _counting()
    first = start("test", config).get("page", make, "heading", 3)
    assert start("test", config).get("page", make, "heading", 3) is first
    assert start("test", config).get("page", make, "heading", 4) is not first
    assert len(made) == 2


def test_only_the_last_build_is_kept(tmp_path):
    config = _config(tmp_path)
    made, make = _counting()
    start("test", config).get("a", make, 1)
    start("test", config).get("b", make, 1)  # a build without "a"
    start("test", config).get("a", make, 1)
    assert len(made) == 3


def test_other_settings_start_afresh(tmp_path):
    made, make = _counting()
    first = start("test", _config(tmp_path)).get("page", make, 1)
    assert start("test", _config(tmp_path)).get("page", make, 1) is first  # read again, still equal
    assert start("test", _config(tmp_path, "per_page: 3\n")).get("page", make, 1) is not first
    assert len(made) == 2


def test_an_article_counts_as_equal_only_when_its_file_is_the_same(tmp_path):
    """The same instant written in another offset compares equal as a date, but not as an article."""
    config = _config(tmp_path)
    made, make = _counting()
    noon = datetime(2022, 9, 15, 12, tzinfo=timezone.utc)
    article = _article("sha-1", noon)
    first = start("test", config).get("page", make, (article,))
    assert start("test", config).get("page", make, (replace(article),)) is first  # a copy, same file
    same_instant = noon.astimezone(timezone(timedelta(hours=2)))
    assert start("test", config).get("page", make, (_article("sha-2", same_instant),)) is not first
    assert len(made) == 2
