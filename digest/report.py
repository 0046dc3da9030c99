"""What a build did: the one-line summary, the warnings and what was left out, kept for a no-op rebuild."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from digest.errors import BuildWarning


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
    search_behind: bool = False  # search parts left as they were for a later build to index
