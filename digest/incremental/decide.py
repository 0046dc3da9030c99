"""The one place that decides what a build redoes: each planned file against what the last build wrote.

A page, feed or copied file is left as it is when its fingerprint equals the one the last build
recorded for it AND its file is still there exactly as written (size, mtime, inode): a file edited,
truncated or replaced in the output since is made again, never trusted because it exists.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from digest.render.feeds import Feed
from digest.render.plan import Page
from digest.write.record import OutputStat

Present = Callable[[str, Sequence[int] | None], bool]  # whether a file is in the output as written


@dataclass(frozen=True, slots=True)
class Manifest:
    """What a build wrote into one output folder: each planned file's fingerprint, and every file's
    `OutputStat` when written, so a file changed since is never trusted."""

    destination: str = ""
    fingerprints: dict[str, str] = field(default_factory=dict)
    stats: dict[str, OutputStat] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Work:
    """What this build does to the output: files to render, and those left as the last build wrote them."""

    pages: list[Page]
    feeds: list[Feed]
    unchanged: frozenset[str]  # pages, feeds and copies in place as written, from the same fingerprint
    fingerprints: dict[str, str]  # of every planned file, for the next build to compare


def outdated(
    pages: list[Page], feeds: list[Feed], fingerprints: dict[str, str], last: Manifest, present: Present
) -> Work:
    """Split the planned files (pages, feeds, and copies, each by its path's fingerprint) into those to
    make and those to keep."""
    unchanged = frozenset(
        path
        for path, fingerprint in fingerprints.items()
        if last.fingerprints.get(path) == fingerprint and present(path, last.stats.get(path))
    )
    return Work(
        [page for page in pages if page.path not in unchanged],
        [feed for feed in feeds if feed.path not in unchanged],
        unchanged,
        fingerprints,
    )
