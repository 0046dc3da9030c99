"""The site's settings as a frozen, typed SiteConfig: what every stage reads, checked once (see load.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
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
EDITION_KEYS = ("edition", "section")  # front matter keys of a site with editions
CADENCES = ("daily", "weekly", "manual")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
FRONT_PAGES = ("stories", "edition")
EDITION_TITLE = "No. {number} — {date:%A %-d %B %Y}"


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
class SourceEntry:
    """An outlet in the source registry: one page and one name however front matter spells it."""

    key: str  # the source page is sources/<the key's slug>/
    name: str
    home: str | None = None
    feed: str | None = None
    description: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def slug(self) -> str:
        return slugify(self.key)


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    """The relay `digest email --send` hands the newsletter to; the password is never in site.yml."""

    host: str
    port: int
    security: str = "starttls"  # starttls | ssl | none
    user: str | None = None
    password_env: str = "DIGEST_SMTP_PASSWORD"  # the environment variable holding the password


@dataclass(frozen=True, slots=True)
class EmailConfig:
    """`email:` in site.yml: the newsletter's envelope, for `digest email`."""

    sender: str  # `from`
    to: tuple[str, ...] = ()
    reply_to: str | None = None
    list_unsubscribe: tuple[str, ...] = ()  # mailto: and https: URLs
    smtp: SmtpConfig | None = None


@dataclass(frozen=True, slots=True)
class EditionSection:
    """One heading of an edition, and the tags whose stories it gathers (compared by slug)."""

    title: str
    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class EditionsConfig:
    """How stories are gathered into dated, numbered editions (`editions:` in site.yml)."""

    cadence: str = "weekly"  # daily, weekly or manual
    week_starts: int = 0  # 0 is Monday, as date.weekday() counts
    first: date | None = None  # a day in the period of edition No. 1 (daily and weekly)
    title: str = EDITION_TITLE  # {number}, {date}, {start}, {end}, {site}
    sections: tuple[EditionSection, ...] = ()
    other_section: str = "More stories"
    front_page: str = "stories"  # "edition": the home page shows the latest edition


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
    sources: tuple[SourceEntry, ...] = ()
    email: EmailConfig | None = None
    editions: EditionsConfig | None = None  # None: no editions, the story stream only
    search: bool = True  # a Pagefind index, the search page and the search box
    # where `digest deploy` publishes; no part of the output, so no part of a fingerprint (repr) either
    deploy: tuple[DeployTarget, ...] = field(default=(), repr=False, compare=False)
    # casefolded key, name or alias → its entry: made from `sources` (a Mapping: read only; a dict: picklable)
    source_index: Mapping[str, SourceEntry] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index = {
            spelling.casefold(): entry
            for entry in self.sources
            for spelling in (entry.key, entry.name, *entry.aliases)
        }
        object.__setattr__(self, "source_index", index)

    def source_entry(self, name: str) -> SourceEntry | None:
        """The registry's entry for a key, name or alias in any case, or None for an unlisted source."""
        return self.source_index.get(name.casefold())

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
