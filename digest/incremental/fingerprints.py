"""Fingerprints: hashes that say whether something changed (settings and code, the theme, a file, a page).

Two equal fingerprints mean the same output, so an equal one lets a rebuild skip work; each covers
everything its output depends on (a page counts its stories by their own fingerprint, not their body).
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import fields, is_dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from digest import __version__
from digest.config.site_config import SiteConfig
from digest.content.inputs import Stat

_PLAIN = (str, int, float, bool, type(None), datetime)


def of_inputs(theme: str, options: str, files: dict[str, Stat]) -> str:
    """The settings, the theme and each input file's stat: equal means the build has nothing to do."""
    return hashlib.sha256(f"{theme}\n{options}\n{list(files.items())!r}".encode()).hexdigest()


def of_settings(config: SiteConfig) -> str:
    """Everything besides content that changes the output: site.yml's values and digest's own code."""
    return hashlib.sha256(f"{__version__}\n{_of_code()}\n{config!r}".encode()).hexdigest()


@functools.cache
def _of_code() -> str:
    """digest's own modules, so a changed digest never reuses what an older one made."""
    return of_tree([Path(__file__).parent.parent], "*.py")


def of_tree(folders: list[Path], pattern: str = "*") -> str:
    """Every file under some folders (the theme): any edit changes every page's fingerprint."""
    hasher = hashlib.sha256()
    for folder in folders:
        for path in sorted(p for p in folder.rglob(pattern) if p.is_file()) if folder.is_dir() else []:
            hasher.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return hasher.hexdigest()


OWN, WALKED, OTHER = 1, 2, 3  # a type's values are hashed by their fingerprint, field by field, or by repr


class Rule(NamedTuple):
    """How the values of one type are hashed, and the fields to walk when they are walked."""

    how: int  # OWN, WALKED or OTHER
    fields: tuple[str, ...] = ()


@functools.cache
def _rule(kind: type) -> Rule:
    """A model type is hashed by the `fingerprint` it carries (stories), else field by field."""
    if is_dataclass(kind):
        names = tuple(f.name for f in fields(kind))
        return Rule(OWN) if "fingerprint" in names else Rule(WALKED, names)
    return Rule(OTHER)


def of_values(*parts: Any) -> str:
    """Everything a page or feed is made from; a value that carries a `fingerprint` counts by it alone."""
    hasher = hashlib.blake2b(digest_size=16)
    update = hasher.update
    stack = list(parts)
    while stack:
        value = stack.pop()
        kind = type(value)
        if kind in _PLAIN:
            update(f"{kind.__name__}:{value!r}\0".encode())
        elif kind is tuple or kind is list:
            update(b"[%d" % len(value))
            if value and _rule(type(value[0])).how == OWN and len(set(map(type, value))) == 1:
                update("".join([v.fingerprint for v in value]).encode())  # a list page's stories, in one go
            else:
                stack += value
        elif kind is dict:
            update(b"{%d" % len(value))
            for key in sorted(value):
                stack += (key, value[key])
        else:
            how, names = _rule(kind)
            if how == OWN:
                update(value.fingerprint.encode())
            elif how == WALKED:  # pages, terms, months: walked, so stories count by their fingerprint
                update(kind.__name__.encode())
                stack += [getattr(value, name) for name in names]
            else:
                update(f"{kind.__name__}:{value!r}\0".encode())
    return hasher.hexdigest()
