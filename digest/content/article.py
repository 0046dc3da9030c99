"""A story as the content stage makes it: frozen dataclasses with no I/O, cheap to pickle and compare."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from operator import attrgetter
from pathlib import Path
from typing import Any, NamedTuple

WORDS_PER_MINUTE = 230
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)  # where story ages count from, and an empty feed's date


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


class EditionRef(NamedTuple):
    """A story's `edition:`: a number or a day, with its line, for errors found once editions exist."""

    number: int | None
    day: date | None
    line: int


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
    timed: bool = False  # `date` was written with a time of day, so pages show the time as well as the day
    edition: EditionRef | None = None  # placed in an edition by front matter, not by its date
    section: str | None = None  # the edition section chosen in front matter, not by tags
    section_line: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    file_fingerprint: str = ""  # the source file's hash
    fingerprint: str = field(init=False, repr=False, compare=False)  # what a page's fingerprint takes from it
    instant: datetime = field(init=False, repr=False, compare=False)  # `modified` in UTC, quick to compare

    def __post_init__(self) -> None:
        """Made once per story: a big index page's fingerprint joins 10,000 of these, sorts 10,000 dates."""
        object.__setattr__(self, "fingerprint", f"A{self.file_fingerprint}{self.url}{self.scheduled}")
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
