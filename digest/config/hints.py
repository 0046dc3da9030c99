"""How a mistake in YAML is told: a value's type as an author says it, the closest key, a size."""

from __future__ import annotations

import difflib
from collections.abc import Collection
from typing import Any


def did_you_mean(word: str, choices: Collection[str]) -> str:
    """A hint naming the closest valid key, or nothing when no key is close."""
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.7)
    return f" — did you mean `{close[0]}`?" if close else f" — valid keys: {', '.join(sorted(choices))}"


def describe(value: Any) -> str:
    """Name a YAML value's type the way a site.yml author would."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"`{value}`"


def megabytes(size: int) -> str:
    """A size as people say it (`3.1 MB`, `1 MB`), rounded up so a file over a limit never shows as equal."""
    return f"{-(-size // 10_000) / 100:.2f}".rstrip("0").rstrip(".") + " MB"
