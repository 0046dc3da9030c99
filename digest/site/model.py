"""The site model: what is published, grouped by term and by month; frozen, built once, given to templates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from digest.content.article import Article
from digest.errors import BuildWarning


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


class Standing(NamedTuple):
    """Where a story sorts and its tag slugs: all that decides which related lists it can be in, and where."""

    age: timedelta  # since the epoch, by instant: sorted in reverse, newest first
    path: str  # the file, for stories of the same instant
    tags: tuple[str, ...]


class Chosen(NamedTuple):
    """A story's related stories as chosen, with the standing it had then: kept while nothing moves."""

    standing: Standing
    urls: tuple[str, ...]


RelatedRecord = dict[str, Chosen]  # per story URL
