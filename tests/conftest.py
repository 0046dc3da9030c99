"""Shared helpers: scratch sites built from a dict of files, and a reader's view of the output."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import html as lxml_html

from digest.build import Report, build
from digest.config.site_config import load_config

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI") == "true"

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


def build_site(root: Path, **options: object) -> Report:
    """Build a scratch site the way `digest build` does, returning the report."""
    return build(load_config(root / "site.yml"), **options)  # type: ignore[arg-type]


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
