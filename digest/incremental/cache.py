"""The build cache (.digest-cache/): what was read and written last time, so unchanged work is skipped.

Everything here is an optimisation: a missing, stale or damaged cache is ignored, never trusted, and
deleting the folder only makes the next build a cold one. Every file starts with a checksum of its
bytes, checked before pickle, marshal or json sees them: damaged bytes can crash the interpreter.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import threading
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from digest.config.folders import CACHE_FOLDER, cache_folder
from digest.config.site_config import SiteConfig
from digest.errors import BuildWarning
from digest.incremental.checked import read_checked, write_checked
from digest.incremental.fingerprints import FileState, Stat, settings_key, stat_if_present
from digest.site.model import Compact, RelatedRecord, Site
from digest.workers import die_with_parent


@dataclass(slots=True)
class Cached(Compact):
    """A file's parse result: the Article (or None when it had errors) and its warnings."""

    state: FileState
    article: Any
    warnings: list[Any]


@dataclass(slots=True)
class Manifest:
    """What the last successful build wrote into `destination`: page fingerprints, copied files, and
    each file's (size, mtime_ns, inode) when written, so a file changed since is never trusted."""

    destination: str = ""
    pages: dict[str, str] = field(default_factory=dict)
    copies: dict[str, tuple[str, int, int]] = field(default_factory=dict)
    stats: dict[str, tuple[int, int, int]] = field(default_factory=dict)

    def paths(self) -> set[str]:
        return set(self.pages) | set(self.copies)


@dataclass(slots=True)
class Cache:
    """The cache of one site, valid only for the same settings and digest version.

    Parsed articles live in SHARDS files by path, so saving after one edit rewrites one small file,
    not every article's HTML. A shard is only ever a source of candidates: an entry is used only when
    its file's stat or hash still matches, so a shard left from an interrupted save does no harm.
    Each output folder's manifest has a file of its own, written only by a build of that folder: the
    preview never overwrites what `digest build` recorded about public/, nor the other way round.
    """

    path: Path
    key: str
    articles: dict[str, Cached] = field(default_factory=dict)
    manifests: dict[str, Manifest] = field(default_factory=dict)  # per output folder, read when asked for
    seen: dict[str, Stat | None] = field(default_factory=dict)  # each manifest file's stat when read/written
    unsaved: set[str] = field(default_factory=set)  # manifests to write
    clean: bool = False  # ignore what is on disk
    changed: bool = False  # whether the related-stories map has to be written
    dirty: set[int] = field(default_factory=set)  # article shards to rewrite
    related: RelatedRecord | None = None  # the last related-stories map
    writer: int | None = None  # a forked child writing article shards, waited for by save()
    damaged: set[Path] = field(default_factory=set)  # files found damaged, shared with the whole build

    @classmethod
    def load(cls, config: SiteConfig, damaged: set[Path], *, clean: bool = False) -> Cache:
        """The site's cache, or an empty one when asked to, or when it is missing, stale or damaged.

        Damaged files are added to `damaged`, for the build to say so once; `clean` reads nothing.

        In a long-running process (the preview) the cache this process last saved is taken back from
        memory, file by file: only the files another process (`digest build`) has written since are
        unpickled again, so a build beside the preview does not cost it 10,000 articles to reload.
        """
        # parsing never reads base_url, so the preview (served at localhost) and `digest build` share
        # one cache; pages and feeds, which do show it, have it in their own fingerprints
        path, key = config.root / CACHE_FOLDER / "build.pickle", settings_key(replace(config, base_url=""))
        saved, kept = _SAVED.pop(path, ((), None))
        if clean:
            return cls(path, key, dirty=set(range(SHARDS)), clean=True, damaged=damaged)
        stamp = _stamp(path)
        if kept is not None and kept.key == key:
            kept._drop_stale_manifests()
        else:
            saved, kept = (), None
        if kept is not None and stamp == saved:
            return kept
        same = [i < len(saved) and stamp[i] == saved[i] for i in range(SHARDS + 1)]  # [0] is build.pickle
        cache = cls(path, key, damaged=damaged)
        if kept is not None:
            cache.manifests, cache.seen = kept.manifests, kept.seen
        if same[0] and kept is not None:
            cache.related = kept.related
        elif stored := cache._stored(read_checked(cache.path, damaged)):
            cache.related = stored["related"]
        if kept is not None and any(same[1:]):
            cache.articles.update((p, e) for p, e in kept.articles.items() if same[1 + shard_of(p)])
        for shard in range(SHARDS):
            if same[1 + shard]:
                continue
            if stored := cache._stored(read_checked(cache._shard(shard), damaged)):
                cache.articles.update(stored["articles"])
            else:
                cache.dirty.add(shard)
        return cache

    def manifest(self, destination: Path) -> Manifest:
        """What the last build wrote into `destination`; an empty manifest when nothing is known."""
        name = str(destination)
        if name not in self.manifests and not self.clean:
            file = self._manifest_path(name)
            self.seen[name] = stat_if_present(file)
            if stored := self._stored(read_checked(file, self.damaged)):
                self.manifests[name] = stored["manifest"]
        return self.manifests.get(name, Manifest())

    def record(self, destination: Path, manifest: Manifest) -> None:
        """Remember what this build wrote into `destination`, to be saved with the cache."""
        if self.manifests.get(str(destination)) != manifest:
            self.manifests[str(destination)] = manifest
            self.unsaved.add(str(destination))

    def _stored(self, payload: memoryview | None) -> dict[str, Any] | None:
        """A checked file's contents if they were written for this site's settings."""
        try:
            stored = None if payload is None else pickle.loads(payload)
            return stored if stored is not None and stored["key"] == self.key else None
        except Exception:  # checked, yet not what this digest pickles: stale, so rebuilt
            return None

    def _drop_stale_manifests(self) -> None:
        """Forget the manifests in memory whose file another process has written since."""
        for name in [
            n for n in self.manifests if stat_if_present(self._manifest_path(n)) != self.seen.get(n)
        ]:
            del self.manifests[name]

    def remember_related(self, site: Site) -> None:
        """Keep the related-stories map, for the next build to reuse where nothing it depends on changed."""
        if site.related_record is not self.related:  # the same object when nothing was chosen again
            self.changed = True
            self.related = site.related_record

    def put(self, path: str, entry: Cached | None) -> None:
        """Record a parsed file (or, with None, a file that is gone or broken)."""
        if entry is None:
            if self.articles.pop(path, None) is None:
                return
        else:
            self.articles[path] = entry
        self.dirty.add(shard_of(path))

    def save_articles_soon(self) -> None:
        """Start writing the changed article shards in a forked child, while the build goes on.

        After a cold read that is 10,000 articles to pickle; the next stages leave a core idle for it.
        A child that fails leaves old shards or none, which the next load checks as always.
        """
        if len(self.dirty) < SHARDS // 4 or not hasattr(os, "fork") or threading.active_count() > 1:
            return  # little to write, or forking is unsafe here (threads): save() writes it all
        cache_folder(self.path.parent.parent)
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the child: write and leave at once, running none of the parent's exit code
            try:
                die_with_parent(parent)
                self._write_shards()
            finally:
                os._exit(0)
        self.writer = pid
        self.dirty.clear()

    def save(self) -> None:
        """Write what changed, each file atomically: an interrupted save leaves old files or none."""
        if self.writer is not None:
            os.waitpid(self.writer, 0)
            self.writer = None
        if self.changed or self.dirty or self.unsaved or not self.path.is_file():
            cache_folder(self.path.parent.parent)
            self._write_shards()
            for name in sorted(self.unsaved):
                file = self._manifest_path(name)
                _write(file, {"key": self.key, "manifest": self.manifests[name]})
                self.seen[name] = stat_if_present(file)
            self.unsaved.clear()
            if self.changed or not self.path.is_file():
                _write(self.path, {"key": self.key, "related": self.related})
        self.changed = self.clean = False
        _SAVED[self.path] = (_stamp(self.path), self)

    def _manifest_path(self, destination: str) -> Path:
        return per_output(self.path.parent, "manifest", destination, ".pickle")

    def _write_shards(self) -> None:
        entries: dict[int, dict[str, Cached]] = {shard: {} for shard in self.dirty}
        for path, entry in self.articles.items():
            if (shard := shard_of(path)) in entries:
                entries[shard][path] = entry
        for shard in sorted(entries):
            _write(self._shard(shard), {"key": self.key, "articles": entries[shard]})
        self.dirty.clear()

    def _shard(self, number: int) -> Path:
        return _shard_path(self.path, number)


SHARDS = 128  # a save re-pickles one shard: at 10,000 stories, about 80 of them
_SAVED: dict[Path, tuple[Any, Cache]] = {}  # per site: the cache this process last saved, and its files' stat


def _stamp(path: Path) -> tuple[Stat | None, ...]:
    """The stat of the cache's files: equal to what a save recorded means nobody else has written them."""
    return tuple(stat_if_present(file) for file in (path, *(_shard_path(path, n) for n in range(SHARDS))))


def _shard_path(path: Path, number: int) -> Path:
    return path.with_name(f"articles-{number:03d}.pickle")


def shard_of(path: str) -> int:
    return zlib.crc32(path.encode()) % SHARDS


def _write(path: Path, data: Any) -> None:
    write_checked(path, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))


def make_folder(folder: Path) -> Path:
    """A folder inside the cache, made where needed; a file in its way is damaged cache, so it goes."""
    if not folder.is_dir() and (folder.is_symlink() or folder.exists()):
        folder.unlink(missing_ok=True)
    folder.mkdir(exist_ok=True)
    return folder


def damage_note(root: Path, damaged: set[Path]) -> tuple[BuildWarning, ...]:
    """One line for a build however many cache files it found damaged: they are rebuilt, not trusted."""
    if not damaged:
        return ()
    folder = root / CACHE_FOLDER
    names = sorted(
        p.relative_to(folder).as_posix() if p != folder else "a file in its place" for p in damaged
    )
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    count = f"{len(names)} files" if len(names) > 1 else "1 file"
    message = f"the build cache was damaged ({count}: {shown}) and is ignored; this build rewrites it"
    return (BuildWarning(folder, None, message + " — nothing to fix"),)


def per_output(folder: Path, kind: str, destination: str, suffix: str) -> Path:
    """The file in the cache `folder` holding one output folder's `kind` of record."""
    return folder / f"{kind}-{hashlib.sha256(destination.encode()).hexdigest()[:16]}{suffix}"
