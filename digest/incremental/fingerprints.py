"""Hashes that tell whether something changed: settings and code, the theme, input files, each page.

Two equal hashes mean the same output, so equal ones let a rebuild skip work; every hash covers
everything its output depends on (a page's articles count by their file's hash, not their body).
"""

from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass, fields, is_dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from digest import __version__
from digest.config.site_config import SiteConfig
from digest.site.model import Article, Compact


@dataclass(frozen=True, slots=True)
class FileState(Compact):
    """What a content file looked like when it was read: cheap to compare (stat), then sure (hash)."""

    mtime_ns: int
    size: int
    sha: str


Stat = tuple[int, int]  # a file's mtime_ns and size: a change to either means look again


def file_stat(path: str | Path) -> Stat:
    """The cheap half of FileState: enough to see that a file is untouched."""
    stat = os.stat(path)  # noqa: PTH116 (on strings: a Path per file would cost more than the stat)
    return stat.st_mtime_ns, stat.st_size


def stat_if_present(path: str | Path) -> Stat | None:
    """`file_stat`, or None for a file that is not there."""
    try:
        return file_stat(path)
    except OSError:
        return None


def inputs_key(theme_key: str, options: str, files: dict[str, Stat]) -> str:
    """A hash of the settings, the theme and each input file's (mtime_ns, size): equal means nothing to do."""
    return hashlib.sha256(f"{theme_key}\n{options}\n{list(files.items())!r}".encode()).hexdigest()


def settings_key(config: SiteConfig) -> str:
    """Everything besides content that changes the output: site.yml's values and digest's own code."""
    return hashlib.sha256(f"{__version__}\n{_code_key()}\n{config!r}".encode()).hexdigest()


@functools.cache
def _code_key() -> str:
    """A hash of digest's own modules, so a changed digest never reuses what an older one made."""
    return tree_key([Path(__file__).parent.parent], "*.py")


def file_state(path: Path, data: bytes | None = None) -> FileState:
    """A content file's stat and hash (the hash from `data` when it was already read)."""
    stat = path.stat()
    if data is None:
        data = path.read_bytes()
    return FileState(stat.st_mtime_ns, stat.st_size, hashlib.sha256(data).hexdigest())


def tree_key(folders: list[Path], pattern: str = "*") -> str:
    """A hash of every file under some folders (the theme): any edit changes every page's fingerprint."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(p for p in folder.rglob(pattern) if p.is_file()) if folder.is_dir() else []:
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


_FIELDS: dict[type, tuple[str, ...]] = {}
_PLAIN = (str, int, float, bool, type(None), datetime)


def fingerprint(*parts: Any) -> str:
    """A hash of everything a page is made from; an article counts by its file's hash, not its body."""
    digest = hashlib.blake2b(digest_size=16)
    update = digest.update
    stack = list(parts)
    while stack:
        value = stack.pop()
        kind = type(value)
        if kind is Article:
            update(value.token.encode())
        elif kind in _PLAIN:
            update(f"{kind.__name__}:{value!r}\0".encode())
        elif kind is tuple or kind is list:
            update(b"[%d" % len(value))
            if value and type(value[0]) is Article and set(map(type, value)) == {Article}:
                update("".join([a.token for a in value]).encode())  # a list page's stories, in one go
            else:
                stack += value
        elif kind is dict:
            update(b"{%d" % len(value))
            for key in sorted(value):
                stack += (key, value[key])
        elif is_dataclass(value):  # pages, terms, months: walked, so articles count by their hash
            names = _FIELDS.get(kind) or _FIELDS.setdefault(kind, tuple(f.name for f in fields(value)))
            update(kind.__name__.encode())
            stack += [getattr(value, name) for name in names]
        else:
            update(f"{kind.__name__}:{value!r}\0".encode())
    return digest.hexdigest()
