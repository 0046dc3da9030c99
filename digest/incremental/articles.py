"""Every story file as last parsed, so a build parses only the files that changed since.

Parsed stories live in SHARDS files by path, so saving after one edit rewrites one small file, not
every story's HTML. A shard is only ever a source of candidates: an entry is used only while its
file's stat or fingerprint still matches, so a shard left from an interrupted save does no harm.
"""

from __future__ import annotations

import os
import threading
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from digest.config.folders import cache_folder
from digest.content.inputs import Stat, stat_if_present
from digest.content.read import FileState, Parsed, Result, file_state
from digest.incremental.store import read_pickle, write_pickle
from digest.workers import die_with_parent

SHARDS = 128  # a save re-pickles one shard: at 10,000 stories, about 80 of them


def shard_of(path: str) -> int:
    return zlib.crc32(path.encode()) % SHARDS


@dataclass(slots=True)
class ArticleStore:
    """The parsed stories of one site, for one settings fingerprint, and which shards are unsaved."""

    folder: Path  # the site's .digest-cache/
    fingerprint: str = ""
    entries: dict[str, Parsed] = field(default_factory=dict)
    shard_stats: list[Stat | None] | None = None  # each shard's stat when last read or written here
    unsaved: set[int] = field(default_factory=set)
    writer: int | None = None  # a forked child writing shards, waited for by save()

    def refresh(self, fingerprint: str, damaged: set[Path], *, clean: bool) -> None:
        """Bring what is in memory up to date with the disk; `clean` reads nothing and starts empty.

        Only shards another process (`digest build` beside the preview) has written since this store
        last read or wrote them are read again, so a long-running preview does not reload 10,000 stories.
        """
        if clean or fingerprint != self.fingerprint:
            self.fingerprint, self.entries, self.shard_stats = fingerprint, {}, None
        if clean:
            self.unsaved = set(range(SHARDS))
            self.shard_stats = [None] * SHARDS
            return
        now = [stat_if_present(self._shard(n)) for n in range(SHARDS)]
        if self.shard_stats is not None and now == self.shard_stats:
            return
        stale = [n for n in range(SHARDS) if self.shard_stats is None or now[n] != self.shard_stats[n]]
        if self.shard_stats is not None:  # forget what another process has rewritten
            dropped = set(stale)
            self.entries = {p: e for p, e in self.entries.items() if shard_of(p) not in dropped}
        for shard in stale:
            if stored := read_pickle(self._shard(shard), fingerprint, damaged):
                self.entries.update(stored["articles"])
            else:
                self.unsaved.add(shard)
        self.shard_stats = now

    def unchanged(self, files: dict[str, Stat]) -> tuple[dict[str, Parsed], list[str]]:
        """The files parsed before and unchanged since (by stat, else by fingerprint), and the rest."""
        known: dict[str, Parsed] = {}
        todo: list[str] = []
        for path, stat in files.items():
            entry = self.entries.get(path)
            if entry and (entry.file.mtime_ns, entry.file.size) == stat:
                known[path] = entry
            elif entry and (file := _file_state(path)) and file.fingerprint == entry.file.fingerprint:
                known[path] = Parsed(file, entry.article, entry.warnings)  # touched, not changed
            else:
                todo.append(path)
        return known, todo

    def remember(self, files: Mapping[str, object], results: Mapping[str, Result]) -> None:
        """Keep this build's parse results; files gone or broken are forgotten."""
        for gone in set(self.entries).difference(files):
            self._put(gone, None)
        for path, result in results.items():
            if isinstance(result, list):
                self._put(path, None)
            elif self.entries.get(path) is not result:
                self._put(path, result)

    def _put(self, path: str, entry: Parsed | None) -> None:
        if entry is None:
            if self.entries.pop(path, None) is None:
                return
        else:
            self.entries[path] = entry
        self.unsaved.add(shard_of(path))

    def save_soon(self) -> None:
        """Start writing the unsaved shards in a forked child, while the build goes on.

        After a cold read that is 10,000 stories to pickle; the next stages leave a core idle for it.
        A child that fails leaves old shards or none, which the next load checks as always.
        """
        if len(self.unsaved) < SHARDS // 4 or not hasattr(os, "fork") or threading.active_count() > 1:
            return  # little to write, or forking is unsafe here (threads): save() writes it all
        cache_folder(self.folder.parent)
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the child: write and leave at once, running none of the parent's exit code
            try:
                die_with_parent(parent)
                self._write_shards()
            finally:
                os._exit(0)
        self.writer = pid
        self.unsaved.clear()

    def save(self) -> None:
        """Write the unsaved shards, each atomically, after the child writing the others is done."""
        wrote_soon = self.writer is not None
        if self.writer is not None:
            os.waitpid(self.writer, 0)
            self.writer = None
        if self.unsaved or wrote_soon:
            if self.unsaved:
                cache_folder(self.folder.parent)
                self._write_shards()
            self.shard_stats = [stat_if_present(self._shard(n)) for n in range(SHARDS)]

    def _write_shards(self) -> None:
        entries: dict[int, dict[str, Parsed]] = {shard: {} for shard in self.unsaved}
        for path, entry in self.entries.items():
            if (shard := shard_of(path)) in entries:
                entries[shard][path] = entry
        for shard in sorted(entries):
            write_pickle(self._shard(shard), self.fingerprint, {"articles": entries[shard]})
        self.unsaved.clear()

    def _shard(self, number: int) -> Path:
        return self.folder / f"articles-{number:03d}.pickle"


def _file_state(path: str) -> FileState | None:
    """A file's stat and fingerprint, or None when it cannot be read (parsing it then reports why)."""
    try:
        return file_state(Path(path))
    except OSError:
        return None
