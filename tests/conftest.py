"""Shared helpers: scratch sites built from a dict of files, and a reader's view of the output."""

from __future__ import annotations

import os
import shutil
import textwrap
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from lxml import html as lxml_html

from digest.build import Options, build
from digest.config.load import load_config
from digest.config.site_config import SiteConfig
from digest.content.assets import hashed_name
from digest.content.inputs import content_files
from digest.content.read import collect, parse_files
from digest.incremental.state import BuildState
from digest.report import Report
from digest.site.group import group, publish
from digest.site.model import Site

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI") == "true"
CAN_MOUNT = os.geteuid() == 0 and shutil.which("unshare") is not None
# a real full or read-only disk needs a mount of its own; CI runs as root, so there it always runs
needs_mounts = pytest.mark.skipif(not CAN_MOUNT and not IN_CI, reason="needs root and unshare to mount")
# the default theme's stylesheet as published: its name carries its content's hash
STYLE = hashed_name("static/style.css", (ROOT / "themes/default/static/style.css").read_bytes())

SITE_YML = "title: Test Digest\nbase_url: https://example.org/digest/\n"


def article(
    title: str, date: str, *, source: str = "Reuters", body: str = "Some text.", **fields: str
) -> str:
    """A content file with the given front matter fields (values written as YAML)."""
    lines = [
        f"title: {title!r}" if "'" not in title else f'title: "{title}"',
        f"date: {date}",
        f"source: {source}",
    ]
    lines += [f"{key}: {value}" for key, value in fields.items()]
    return "---\n" + "\n".join(lines) + "\n---\n" + textwrap.dedent(body)


def write_files(root: Path, files: dict[str, str | bytes]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[..., Path]:
    """Write a scratch site (site.yml defaults to a minimal one) and return its folder."""

    def make(files: dict[str, str | bytes], site_yml: str = SITE_YML) -> Path:
        write_files(tmp_path, {"site.yml": site_yml, **files})
        (tmp_path / "content").mkdir(exist_ok=True)  # a site without one is an error
        return tmp_path

    return make


def small_newsroom(tmp_path: Path, count: int = 6) -> Path:
    """A site of `count` stories from two sources, two a page, tagged so that edits reach a few pages."""
    files = {
        f"content/s{n}.md": article(
            f"Story {n}",
            f"2022-09-{n:02d}T10:00:00Z",
            source="Reuters" if n % 2 else "NYTIMES",
            tags="[Energy]" if n <= 2 else "[Markets]",
            location="Oslo, Norway",
        )
        for n in range(1, count + 1)
    }
    write_files(tmp_path, {"site.yml": SITE_YML + "per_page: 2\n", **files})
    return tmp_path


def build_site(root: Path, *, clean: bool = False, **options: object) -> Report:
    """Build a scratch site as `digest build` does (`clean`: from an empty state); returns the report."""
    config = load_config(root / "site.yml")
    return build(config, BuildState.empty(config.root) if clean else None, Options(**options))  # type: ignore[arg-type]


def clean_build(config: SiteConfig) -> Report:
    """`digest build --clean`: from an empty build state, reading nothing the last build left."""
    return build(config, BuildState.empty(config.root))


def grouped(config: SiteConfig, now: datetime) -> Site:
    """A site's stories read and grouped as a cold build does, with nothing known from earlier builds."""
    files = content_files(config).articles
    reading = collect(files, parse_files(config, list(files)))
    return group(*publish(reading.articles, now), config.tz, None)


def page(root: Path, url: str) -> lxml_html.HtmlElement:
    """The parsed HTML a reader gets at site-relative `url` in the default output folder."""
    path = root / "public" / url
    if url == "" or url.endswith("/"):
        path = path / "index.html"
    return lxml_html.fromstring(path.read_bytes())


def text_of(element: lxml_html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


@pytest.fixture(autouse=True)
def _frozen_now(monkeypatch: pytest.MonkeyPatch) -> None:
    """Builds in tests happen on a fixed day, so "future" articles stay in the future."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14
