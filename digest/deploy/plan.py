"""What a deploy does, and in which order: a reader never gets a page whose stylesheet is not there yet.

New and changed assets go first, then the pages, then the home page, feeds and sitemap, which link
everything else; deletions come last, so an interrupted deploy leaves a complete site behind.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from types import MappingProxyType

from digest.content.assets import HASHED
from digest.deploy.files import Local
from digest.write.search import ENTRY, FOLDER
from digest.write.search_parts import MANIFEST

Held = tuple[str, int]  # what a target holds at a path: content hash, size

FEEDS = ("feed.xml", "rss.xml", "feed.json")
LAST = ("index.html", *FEEDS, "sitemap.xml", "robots.txt")  # at the site's root, in this order
SEARCH_PARTS = f"{FOLDER}/{MANIFEST}"  # names the index's parts: goes after their entries, with the home page
TYPES = MappingProxyType(
    {
        ".html": "text/html; charset=utf-8",
        ".css": "text/css; charset=utf-8",
        ".js": "text/javascript; charset=utf-8",
        ".json": "application/json",
        ".xml": "application/xml",
        ".txt": "text/plain; charset=utf-8",
        ".svg": "image/svg+xml",
        ".webmanifest": "application/manifest+json",
    }
)
FEED_TYPES = MappingProxyType(
    {
        "feed.xml": "application/atom+xml",
        "rss.xml": "application/rss+xml",
        "feed.json": "application/feed+json",
    }
)
SHORT = "public, max-age=0, must-revalidate"  # HTML and feeds: revalidated at every visit
LONG = "public, max-age=31536000, immutable"  # a hashed name's bytes never change
DAY = "public, max-age=86400"  # other files (images, fonts): a name that may get new bytes


@dataclass(frozen=True, slots=True)
class Plan:
    """The uploads, in the order they are made, and the deletions, made after all of them."""

    uploads: tuple[Local, ...]
    deletions: tuple[str, ...]
    replaced: frozenset[str] = frozenset()  # uploads over a file the target held: what a CDN may cache

    @property
    def bytes(self) -> int:
        return sum(local.size for local in self.uploads)

    def phases(self) -> list[tuple[Local, ...]]:
        """The uploads in groups: each group may go at once, but only after the ones before it."""
        groups: dict[int, list[Local]] = {}
        for local in self.uploads:  # the home page, feeds and sitemap go together: one step, not six
            groups.setdefault(min(rank(local.path)[0], 2), []).append(local)
        return [tuple(groups[key]) for key in sorted(groups)]


def make_plan(files: dict[str, Local], held: dict[str, Held]) -> Plan:
    """What to upload (new or changed) and to delete (held, no longer in the output), in a safe order."""
    uploads = [local for path, local in files.items() if held.get(path) != (local.hash, local.size)]
    uploads.sort(key=lambda local: rank(local.path))
    replaced = frozenset(local.path for local in uploads if local.path in held)
    return Plan(tuple(uploads), tuple(sorted(set(held) - set(files))), replaced)


def rank(path: str) -> tuple[int, int, str]:
    """Upload order: assets (0), pages (1), then the home page, feeds and sitemap (2 onwards)."""
    name = path.rpartition("/")[2]
    if path in LAST:
        return 2 + LAST.index(path), 0, path
    if path == SEARCH_PARTS:
        return 2, 1, path
    if name in FEEDS:
        return 2 + LAST.index(name), 1, path  # a tag's feed, with the site's
    entry = name == ENTRY and path.startswith(f"{FOLDER}/")  # names its part's other files: after them
    return (1 if name.endswith(".html") or entry else 0), 0, path


def content_type(path: str) -> str:
    """The Content-Type a host should serve the file with."""
    name = path.rpartition("/")[2]
    if name in FEED_TYPES:
        return FEED_TYPES[name]
    suffix = "." + name.rpartition(".")[2] if "." in name else ""
    return TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


def cache_control(path: str) -> str:
    """Short for pages and feeds (they change), a year for hashed assets (they never do), a day otherwise."""
    if HASHED.search(path):
        return LONG
    if path.endswith((".html", ".xml", ".json", ".txt")):
        return SHORT
    return DAY
