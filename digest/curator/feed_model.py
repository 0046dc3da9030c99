"""A feed as digest reads it, whatever its format: the few fields a story is made from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Entry:
    """One item of a feed, as published: `title` is plain text, `summary` is HTML not yet cleaned."""

    title: str
    link: str
    date: datetime | None  # aware; None when the feed gives no date
    summary: str
    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Feed:
    """A feed's own title and its entries, in the feed's order."""

    title: str
    entries: tuple[Entry, ...]


class FeedError(Exception):
    """Bytes that are not an RSS, Atom or JSON feed: the message says what is wrong and what to do."""
