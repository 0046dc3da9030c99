"""An OS error (a full disk, a read-only folder) as one line: the path, what happened, what to do."""

from __future__ import annotations

import errno
import os
from pathlib import Path, PurePath
from types import MappingProxyType

from digest.errors import DigestError

_ELSEWHERE = "or build into another folder with --output DIR"
FIXES = MappingProxyType(
    {
        errno.ENOSPC: "free some space on this disk and build again",
        errno.EDQUOT: "free some space on this disk or raise your quota, and build again",
        errno.EFBIG: "the file system takes no file this large: build onto another one with --output DIR",
        errno.EROFS: f"this file system is mounted read-only: remount it writable, {_ELSEWHERE}",
        errno.EACCES: f"give your user write permission there, {_ELSEWHERE}",
        errno.EPERM: f"give your user permission there, {_ELSEWHERE}",
        errno.ENOTDIR: "a part of this path is a file where a folder should be: rename or remove that file",
        errno.EEXIST: "a file is where a folder should be: rename or remove that file",
        errno.EISDIR: "a folder is where a file should be: rename or remove that folder",
        errno.ENOENT: "it went missing while digest worked (moved or deleted?): build again",
        errno.ELOOP: "symbolic links here point at each other: fix or remove them",
        errno.ENAMETOOLONG: "the name is longer than the file system allows: shorten it",
        errno.EMFILE: "too many files are open: raise the limit (ulimit -n) and build again",
        errno.ENFILE: "too many files are open on this system: close some programs and build again",
        errno.EIO: "the disk failed to read or write: check it, then build again",
    }
)
_WRITING = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})  # a copy names its source first


def explain(error: OSError, fallback: Path) -> DigestError:
    """The error as `PATH: what happened — how to fix`; `fallback` when no path can be found."""
    what = error.strerror or str(error) or type(error).__name__
    fix = FIXES.get(error.errno or 0, "check this path and build again")
    return DigestError(_path_of(error) or fallback, None, f"{what[:1].lower()}{what[1:]} — {fix}")


def _path_of(error: OSError) -> Path | None:
    """The file the error is about: the one it names, else the innermost path the failing code held.

    open() and rename() name their files; a write() or close() that finds the disk full names none,
    but the frame that called it holds the file it was writing (`Path.write_bytes` is a method of it).
    """
    named = error.filename2 if error.errno in _WRITING and error.filename2 else error.filename
    if named is not None:
        return Path(os.fsdecode(named))
    held = None
    trace = error.__traceback__
    while trace is not None:
        frame_paths = [v for v in trace.tb_frame.f_locals.values() if isinstance(v, PurePath)]
        held = frame_paths[-1] if frame_paths else held  # a copy's target comes after its source
        trace = trace.tb_next
    return Path(held) if held is not None else None
