"""Front matter from other generators: renamed keys (`aliases`) and per-folder `defaults`, as in site.yml.

These let an existing Hugo or Jekyll content folder build without editing its files.
"""

from __future__ import annotations

import copy
from typing import Any


def apply_aliases(values: dict[str, Any], aliases: dict[str, str]) -> dict[str, Any]:
    """Rename keys from other generators: `topics: tags`, `source_url: source.url`, `venue.city: …`."""
    for old, new in aliases.items():
        value = _pop_path(values, old.split("."))
        if absent(value):
            continue
        *parents, last = new.split(".")
        target = values
        for part in parents:
            current = target.get(part)
            if not isinstance(current, dict):  # a plain `source: NYTIMES` becomes its `name`
                target[part] = current = {} if absent(current) else {"name": current}
            target = current
        if absent(target.get(last)):
            target[last] = value
    return values


def fill(values: dict[str, Any], key: str, default: Any) -> None:
    """Give `key` its default where the file left it (or, in a mapping, its `name`) unset."""
    current = values.get(key)
    if absent(current):
        values[key] = copy.deepcopy(default)  # the file's own copy: later defaults may add to it
    elif isinstance(current, dict):
        for sub, value in (default if isinstance(default, dict) else {"name": default}).items():
            if absent(current.get(sub)):
                current[sub] = value


def _pop_path(values: dict[str, Any], parts: list[str]) -> Any:
    """Remove and return a nested value, or None when the path is not there."""
    if len(parts) == 1:
        return values.pop(parts[0], None)
    parent = values.get(parts[0])
    if not isinstance(parent, dict):
        return None
    value = _pop_path(parent, parts[1:])
    if not parent:  # `venue: {city: …}` fully moved: no empty `venue` left to warn about
        del values[parts[0]]
    return value


def absent(value: Any) -> bool:
    """Unset for our purposes: missing, `key:` with nothing, or blank text."""
    return value is None or (isinstance(value, str) and not value.strip())
