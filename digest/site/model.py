"""The site model: frozen dataclasses with no I/O, built once and handed to the templates."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from operator import attrgetter
from pathlib import Path
from typing import Any

from digest.errors import BuildWarning

WORDS_PER_MINUTE = 230


class Compact:
    """Pickles as a plain tuple of fields: the build cache holds thousands of these."""

    __slots__ = ()
    __match_args__: tuple[str, ...] = ()

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        return type(self), tuple(getattr(self, name) for name in self.__match_args__)


@dataclass(frozen=True, slots=True)
class Source(Compact):
    """The publication a story came from; `url` is the source story itself."""

    name: str
    url: str | None
    slug: str

    @property
    def page_url(self) -> str:
        return f"sources/{self.slug}/"


@dataclass(frozen=True, slots=True)
class Location(Compact):
    """A dateline: a display name plus optional parts and coordinates."""

    name: str
    slug: str
    city: str | None = None
    region: str | None = None
    country: str | None = None
    lat: float | None = None
    lon: float | None = None

    @property
    def dateline(self) -> str:
        """Newspaper style: the city in capitals, the rest as written (`SAMARKAND, Uzbekistan`)."""
        head, sep, rest = self.name.partition(",")
        return f"{head.upper()}{sep}{rest}"

    @property
    def page_url(self) -> str:
        return f"locations/{self.slug}/"


@dataclass(frozen=True, slots=True)
class Tag(Compact):
    """A tag as an article carries it: its spelling and the slug that joins it to its term."""

    name: str
    slug: str

    @property
    def url(self) -> str:
        return f"tags/{self.slug}/"


@dataclass(frozen=True, slots=True)
class Article(Compact):
    """One story: the curator's summary of a source article, ready to render."""

    path: Path
    title: str
    date: datetime
    source: Source
    slug: str
    url: str
    body: str
    summary: str
    words: int
    location: Location | None = None
    tags: tuple[Tag, ...] = ()
    author: str | None = None
    image: str | None = None
    image_alt: str = ""
    updated: datetime | None = None
    draft: bool = False
    scheduled: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    digest: str = ""  # hash of the source file: what page fingerprints compare
    token: str = field(init=False, repr=False, compare=False)  # what a page fingerprint takes from it
    instant: datetime = field(init=False, repr=False, compare=False)  # `modified` in UTC, quick to compare

    def __post_init__(self) -> None:
        """Made once per story: an index page's fingerprint joins 10,000 tokens, its date compares 10,000."""
        object.__setattr__(self, "token", f"A{self.digest}{self.url}{self.scheduled}")
        object.__setattr__(self, "instant", self.modified.astimezone(timezone.utc))

    @property
    def modified(self) -> datetime:
        """When the story last changed: `updated`, else its date."""
        return self.updated or self.date

    @property
    def reading_time(self) -> int:
        """Minutes to read, rounded up, at least one."""
        return max(1, math.ceil(self.words / WORDS_PER_MINUTE))


def newest(articles: Sequence[Article]) -> datetime | None:
    """The latest change among some stories, as written in the story that made it.

    Dates with different UTC offsets compare thirty times slower than dates in one zone.
    """
    return max(articles, key=_INSTANT).modified if articles else None


_INSTANT = attrgetter("instant")


@dataclass(frozen=True, slots=True)
class Term:
    """A tag, source or location with its articles (newest first); first-seen spelling wins."""

    kind: str  # "tags", "sources" or "locations"
    name: str
    slug: str
    articles: tuple[Article, ...]

    @property
    def url(self) -> str:
        return f"{self.kind}/{self.slug}/"

    @property
    def count(self) -> int:
        return len(self.articles)


@dataclass(frozen=True, slots=True)
class Month:
    """The articles of one calendar month, in the site's time zone."""

    year: int
    month: int
    articles: tuple[Article, ...]

    @property
    def url(self) -> str:
        return f"archive/{self.year}/{self.month:02d}/"

    @property
    def name(self) -> str:
        return date(self.year, self.month, 1).strftime("%B %Y")

    @property
    def count(self) -> int:
        return len(self.articles)


@dataclass(frozen=True, slots=True)
class Year:
    """The articles of one year, with its months newest first."""

    year: int
    months: tuple[Month, ...]

    @property
    def url(self) -> str:
        return f"archive/{self.year}/"

    @property
    def articles(self) -> tuple[Article, ...]:
        return tuple(a for m in self.months for a in m.articles)

    @property
    def count(self) -> int:
        return sum(m.count for m in self.months)


@dataclass(frozen=True, slots=True)
class Site:
    """Everything the renderer needs, computed once: articles newest first, taxonomies, archives."""

    articles: tuple[Article, ...]
    tags: tuple[Term, ...]
    sources: tuple[Term, ...]
    locations: tuple[Term, ...]
    years: tuple[Year, ...]
    related: dict[str, tuple[Article, ...]]
    left_out: tuple[Article, ...] = ()  # future-dated articles not published in this build
    related_record: RelatedRecord = field(default_factory=dict)  # `related` by URL, for the next build
    warnings: tuple[BuildWarning, ...] = ()  # distinct spellings merged into one term by their slug


# Where a story sorts (its instant, then its file) and its tag slugs: all that decides which
# stories' related lists it can be in, and where.
Standing = tuple[timedelta, str, tuple[str, ...]]
# Per URL: the story's standing when its related stories were chosen, and their URLs.
RelatedRecord = dict[str, tuple[Standing, tuple[str, ...]]]


@dataclass(frozen=True, slots=True)
class Output:
    """One file to write: a path relative to the output folder and its content."""

    path: str
    content: bytes | None
    lastmod: datetime | None = None  # newest change among what the page shows, for the sitemap
    fingerprint: str | None = None  # hash of everything the page was made from; None: always compare
    staged: bool = False  # written to the staging folder; its bytes are dropped from here

    @property
    def unchanged(self) -> bool:
        """A page whose inputs match the last build: not rendered again, its file is kept."""
        return self.content is None and not self.staged


@dataclass(frozen=True, slots=True)
class LeftOut:
    """A future-dated article a build did not publish, so the summary can say so."""

    path: Path
    title: str
    date: datetime


@dataclass(frozen=True, slots=True)
class Report:
    """What a build did, for the one-line summary."""

    articles: int
    files: int
    written: int  # files that changed; the others were left as they were
    seconds: float
    left_out: tuple[LeftOut, ...]
    warnings: tuple[BuildWarning, ...]
    notes: tuple[BuildWarning, ...] = ()  # about the build itself, e.g. a damaged cache it rebuilt
