"""The site model: what is published, grouped by term and by month; frozen, built once, given to templates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
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
class EditionPart:
    """One section of an edition: its heading (None when the edition has none) and its stories in order."""

    title: str | None
    articles: tuple[Article, ...]


@dataclass(frozen=True, slots=True)
class EditionLink:
    """An edition as other pages name it: an edit to one of its stories leaves this alone."""

    number: int
    title: str
    date: date
    count: int
    draft: bool

    @property
    def url(self) -> str:
        return f"editions/{self.number}/"

    @property
    def name(self) -> str:
        """`No. 12 — Summit week`; a title that already carries its number (the pattern's) as it is."""
        return self.title if str(self.number) in self.title else f"No. {self.number} — {self.title}"


@dataclass(frozen=True, slots=True)
class Edition:
    """A dated, numbered issue of the digest: the editor's note, then its stories by section."""

    number: int
    date: date  # the edition's day, in the site time zone
    start: date
    end: date
    title: str  # the file's title, else the pattern filled in
    note: str  # the editor's note as HTML ('' when none)
    parts: tuple[EditionPart, ...]
    draft: bool
    path: Path | None  # the edition file, when there is one
    front_note: str = ""  # the note with its links as seen from the front page

    @property
    def url(self) -> str:
        return f"editions/{self.number}/"

    @property
    def email_url(self) -> str:
        return f"editions/{self.number}/email.html"

    @property
    def text_url(self) -> str:
        return f"editions/{self.number}/email.txt"

    @property
    def articles(self) -> tuple[Article, ...]:
        """Every story of the edition, in reading order."""
        return tuple(a for part in self.parts for a in part.articles)

    @property
    def link(self) -> EditionLink:
        return EditionLink(
            self.number, self.title, self.date, sum(len(p.articles) for p in self.parts), self.draft
        )

    @property
    def name(self) -> str:
        return self.link.name


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
    editions: tuple[Edition, ...] = ()  # newest first
    edition_of: dict[str, Edition] = field(default_factory=dict)  # story URL → its edition


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
