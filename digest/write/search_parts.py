"""The search index in parts by date, so that a new or edited story re-indexes one small part.

Pagefind cannot update an index: it indexes every page it is given, about 2 ms a page. So the
stories and editions are indexed in parts by when they appeared — one part per past year, and the
newest year in two: its newest month, where a digest's new and edited stories are, and the months
before it. The boundaries follow the content alone (the newest page's month), so two builds of the
same content make the same parts; when a month or a year begins, the part it closes is indexed once
more. The search page merges the parts in the browser (Pagefind's `mergeIndex`), and since each part
holds one stretch of time, results sorted by date are the parts' own results, part after part.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo

from digest.render.plan import Page

MANIFEST = "parts.json"  # beside the parts: the search page reads which there are, newest first


@dataclass(frozen=True, slots=True)
class Part:
    """One part of the index: its folder under pagefind/, its pages, and a digest of which they are."""

    name: str
    pages: tuple[Page, ...]
    members: str  # changes when a page joins or leaves the part, so the part is indexed again


def split(pages: Iterable[Page], tz: tzinfo) -> list[Part]:
    """The dated pages (stories and editions) in parts, newest part first; undated pages are not indexed."""
    dated = [(page.published.astimezone(tz), page) for page in pages if page.published is not None]
    if not dated:
        return []
    newest = max(when for when, _ in dated)
    grouped: dict[str, list[Page]] = {}
    for when, page in dated:
        grouped.setdefault(part_name(when, newest), []).append(page)
    parts = [Part(name, tuple(members), _digest(members)) for name, members in grouped.items()]
    return sorted(parts, key=lambda part: _period(part.name), reverse=True)


def part_name(when: datetime, newest: datetime) -> str:
    """`2024-12` for the newest month; `2024` for the rest of its year, and each year before it whole.

    Names that stay while the part grows keep its unchanged files where they are: when a month
    closes, its stories join their year's folder, where a deploy then sends only their new files.
    """
    if when.year == newest.year and when.month == newest.month:
        return f"{when:%Y-%m}"
    return f"{when.year}"


def _period(name: str) -> tuple[int, int]:
    """A part's place in time, to put the parts in order: a month comes after the rest of its year."""
    year, _, month = name.partition("-")
    return int(year), int(month or 0)


def _digest(pages: list[Page]) -> str:
    """A short digest of which pages a part holds."""
    joined = "\n".join(sorted(page.path for page in pages))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:16]
