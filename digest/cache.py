"""The build cache (.digest-cache/): what was read and written last time, so unchanged work is skipped.

Everything here is an optimisation: a missing, stale or corrupt cache is ignored, never trusted, and
deleting the folder only makes the next build a cold one.
"""

from __future__ import annotations

import functools
import hashlib
import pickle
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any

from . import __version__
from .config import SiteConfig
from .model import Article

FOLDER = ".digest-cache"
FORMAT = 2  # bump when the pickled shapes change


@dataclass(frozen=True, slots=True)
class FileState:
    """What a content file looked like when it was read: cheap to compare (stat), then sure (hash)."""

    mtime_ns: int
    size: int
    sha: str


@dataclass(slots=True)
class Cached:
    """A file's parse result: the Article (or None when it had errors) and its warnings."""

    state: FileState
    article: Any
    warnings: list[Any]


@dataclass(slots=True)
class Manifest:
    """What the last successful build wrote into `destination`: page fingerprints and copied files."""

    destination: str = ""
    pages: dict[str, str] = field(default_factory=dict)
    copies: dict[str, tuple[str, int, int]] = field(default_factory=dict)

    def paths(self) -> set[str]:
        return set(self.pages) | set(self.copies)


@dataclass(slots=True)
class Cache:
    """The cache of one site, valid only for the same settings and digest version."""

    path: Path
    key: str
    articles: dict[str, Cached] = field(default_factory=dict)
    manifests: dict[str, Manifest] = field(default_factory=dict)  # per output folder (build, preview)
    changed: bool = False  # whether save() has anything new to write

    @classmethod
    def load(cls, config: SiteConfig, *, clean: bool = False) -> Cache:
        """The site's cache, or an empty one when asked to, or when it is missing, stale or unreadable."""
        cache = cls(config.root / FOLDER / "build.pickle", settings_key(config))
        if clean:
            return cache
        try:
            with cache.path.open("rb") as handle:
                stored = pickle.load(handle)
            if stored["format"] == FORMAT and stored["key"] == cache.key:
                cache.articles, cache.manifests = stored["articles"], stored["manifests"]
        except Exception:  # any damage at all means "no cache": rebuilding is always correct
            pass
        return cache

    def save(self) -> None:
        """Write the cache atomically, so an interrupted save leaves the old one or none."""
        if not self.changed and self.path.is_file():
            return
        self.manifests = {k: m for k, m in self.manifests.items() if Path(k).is_dir()}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        ignore = self.path.parent / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# digest's build cache: safe to delete\n*\n")
        temporary = self.path.with_suffix(".tmp")
        data = {"format": FORMAT, "key": self.key, "articles": self.articles, "manifests": self.manifests}
        with temporary.open("wb") as handle:
            pickle.dump(data, handle, protocol=pickle.HIGHEST_PROTOCOL)
        temporary.replace(self.path)


def settings_key(config: SiteConfig) -> str:
    """Everything besides content that changes the output: site.yml's values and digest's own code."""
    return hashlib.sha256(f"{__version__}\n{_code_key()}\n{config!r}".encode()).hexdigest()


@functools.cache
def _code_key() -> str:
    """A hash of digest's own modules, so a changed digest never reuses what an older one made."""
    return tree_key([Path(__file__).parent], "*.py")


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


def fingerprint(*parts: Any) -> str:
    """A hash of everything a page is made from; an article counts by its file's hash, not its body."""
    digest = hashlib.blake2b(digest_size=16)
    update = digest.update
    stack = list(parts)
    while stack:
        value = stack.pop()
        kind = type(value)
        if kind is Article:
            update(f"A{value.digest}{value.url}{value.scheduled}".encode())
        elif kind is tuple or kind is list:
            update(b"[%d" % len(value))
            stack += value
        elif kind is dict:
            update(b"{%d" % len(value))
            for key in sorted(value):
                stack += (key, value[key])
        elif is_dataclass(value):
            names = _FIELDS.get(kind) or _FIELDS.setdefault(kind, tuple(f.name for f in fields(value)))
            update(kind.__name__.encode())
            stack += [getattr(value, name) for name in names]
        else:
            update(f"{kind.__name__}:{value!r}\0".encode())
    return digest.hexdigest()
