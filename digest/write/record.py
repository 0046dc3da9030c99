"""The record digest keeps inside each output folder, and the stat it trusts a written file by.

The record lists every file digest wrote into the folder. It is how digest knows a folder is its
own (whatever else the folder holds), and which files it may replace or delete: never one it did not
write. It holds paths only, so two builds of the same site give the same record byte for byte; what
each file looked like when written (`OutputStat`) is kept in the build cache's manifest.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

RECORD = ".digest-record"
_HEADER = "digest output record 1\n"

OutputStat = tuple[int, int, int]  # size, mtime_ns, inode: any edit, truncation or replacement changes one


def output_stat(path: str) -> OutputStat | None:
    """A file's `OutputStat` as it is now, or None when it is not there (on strings: a Path costs more)."""
    try:
        stat = os.stat(path)  # noqa: PTH116
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns, stat.st_ino


def read_record(folder: Path) -> frozenset[str] | None:
    """The files digest wrote into `folder`, or None when it holds no readable record."""
    try:
        text = (folder / RECORD).read_text(encoding="utf-8")
        if not text.startswith(_HEADER):
            return None
        paths = json.loads(text[len(_HEADER) :])
    except (OSError, ValueError):
        return None
    if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
        return None
    return frozenset(paths)


def record_bytes(paths: set[str]) -> bytes:
    """The record listing `paths`: sorted and one per line, so it is the same for the same site."""
    return (_HEADER + json.dumps(sorted(paths), ensure_ascii=False, indent=0) + "\n").encode()
