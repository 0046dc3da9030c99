"""The site's settings as a frozen, typed SiteConfig: what every stage reads, checked once (see load.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from digest.urls import slugify

# what a news editor needs; "extra" would add abbreviations, definition lists and markdown-in-HTML
# at a fifth more parsing time, the largest cost of a cold build (add it in site.yml if you need it)
DEFAULT_EXTENSIONS = ("tables", "footnotes", "attr_list", "fenced_code", "smarty", "toc", "sane_lists")
MAX_SIZE = 1_000_000  # a 1 MB story renders in about half a second; 2 MB in one to two and a half
PERMALINK_FIELDS = ("year", "month", "day", "slug", "source")
FRONT_MATTER_KEYS = (
    "title", "date", "source", "location", "tags", "summary", "author",
    "image", "image_alt", "slug", "draft", "updated",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class NavLink:
    """A link in the site's navigation bar."""

    title: str
    url: str


@dataclass(frozen=True, slots=True)
class Publisher:
    """Who publishes the digest (shown in the footer, used by structured data)."""

    name: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Defaults:
    """Front matter values for every file matching a glob, as Jekyll's `defaults:` does."""

    path: str
    values: dict[str, Any]


@dataclass(frozen=True, slots=True)
class MarkdownConfig:
    """Python-Markdown extensions and their settings."""

    extensions: tuple[str, ...] = DEFAULT_EXTENSIONS
    extension_configs: dict[str, dict[str, Any]] = field(default_factory=dict)
    sanitize: bool = False  # True: bodies lose scripts, event handlers and javascript: links (nh3)
    max_size: int = MAX_SIZE  # bytes; Python-Markdown's time grows faster than the text


@dataclass(frozen=True, slots=True)
class DeployTarget:
    """Where `digest deploy` publishes the output: a folder or rsync destination, a git branch, or S3."""

    name: str
    url: str  # `s3://bucket/prefix`, `git+REMOTE#BRANCH`, or a folder / `user@host:path`
    kind: str  # "s3", "git" or "rsync"
    endpoint: str | None = None  # S3-compatible hosts (MinIO, R2, B2, Spaces): their API address
    region: str | None = None
    profile: str | None = None  # a profile in ~/.aws/: credentials never come from site.yml
    history: str = "keep"  # git: "keep" adds a commit to the branch, "squash" replaces it with one
    cname: str | None = None  # git: the CNAME file's host; None: base_url's host, "": none
    message: str | None = None  # git: the commit message


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """Everything site.yml can say, with defaults; `root` is the folder holding site.yml."""

    root: Path
    title: str
    base_url: str
    description: str = ""
    language: str = "en"
    timezone: str = "UTC"
    output_dir: str = "public"
    content_dir: str = "content"
    static_dir: str = "static"
    per_page: int = 10
    feed_size: int = 20
    permalink: str = "/{year}/{month}/{slug}/"
    theme: str = "default"
    author: str | None = None
    publisher: Publisher | None = None
    markdown: MarkdownConfig = field(default_factory=MarkdownConfig)
    nav: tuple[NavLink, ...] = ()
    defaults: tuple[Defaults, ...] = ()
    aliases: dict[str, str] = field(default_factory=dict)
    extra_keys: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ("_*", ".*", "*~", "#*#", "*.swp", "*.tmp")  # section pages, editors' files
    slugs: dict[str, dict[str, str]] = field(default_factory=dict)  # kind → casefolded name → chosen slug
    # where `digest deploy` publishes; no part of the output, so no part of a fingerprint (repr) either
    deploy: tuple[DeployTarget, ...] = field(default=(), repr=False, compare=False)

    @property
    def tz(self) -> ZoneInfo:
        """The site's time zone, used for naive dates and for archive months."""
        return ZoneInfo(self.timezone)

    def term_slug(self, kind: str, name: str) -> str:
        """A tag's, source's or location's slug: the one `slugs` in site.yml sets, else made from its name."""
        chosen = self.slugs.get(kind)
        return (chosen and chosen.get(name.casefold())) or slugify(name)

    @property
    def content_path(self) -> Path:
        return self.root / self.content_dir

    @property
    def output_path(self) -> Path:
        return (self.root / self.output_dir).resolve()

    def shown(self, path: Path) -> Path:
        """A path as messages show it: relative to the site folder when inside it, as the user knows it."""
        return path.relative_to(self.root) if path.is_relative_to(self.root) else path
