"""What `--external` learnt about outside links, kept a day in .digest-cache/links.json (checksummed)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from digest.config.folders import CACHE_FOLDER, cache_folder
from digest.incremental.checked import read_checked, write_checked

KEPT_FOR = 24 * 3600.0  # seconds an answer is trusted
FILE = "links.json"


@dataclass(frozen=True, slots=True)
class Answer:
    """What a link gave: fine or not, the HTTP status if one came, and in words."""

    ok: bool
    status: int | None
    detail: str

    @property
    def lasting(self) -> bool:
        """Worth keeping a day: a success or a definite failure, not a timeout, a 429 or a 5xx."""
        return self.status is not None and self.status != 429 and self.status < 500


def load_answers(root: Path, now: float) -> dict[str, Answer]:
    """The answers of the last day; a missing or damaged file is no answer (only an optimisation)."""
    return {
        url: Answer(bool(ok), status if isinstance(status, int) else None, str(detail))
        for url, (when, ok, status, detail) in _stored(root).items()
        if isinstance(when, (int, float)) and now - KEPT_FOR < when <= now
    }


def save_answers(root: Path, answers: dict[str, Answer], now: float) -> None:
    """Add these answers to the file, keeping what another check wrote meanwhile; atomic."""
    kept = _stored(root)
    kept.update({url: [now, a.ok, a.status, a.detail] for url, a in answers.items() if a.lasting})
    fresh = {url: e for url, e in kept.items() if isinstance(e[0], (int, float)) and e[0] > now - KEPT_FOR}
    write_checked(cache_folder(root) / FILE, json.dumps(fresh).encode())


def _stored(root: Path) -> dict[str, list[object]]:
    """The file's entries as stored, whatever their age; nothing when it is missing or damaged."""
    payload = read_checked(root / CACHE_FOLDER / FILE, set())
    try:
        stored = json.loads(bytes(payload)) if payload is not None else {}
        return {url: entry for url, entry in stored.items() if isinstance(entry, list) and len(entry) == 4}
    except (ValueError, TypeError, AttributeError):
        return {}
