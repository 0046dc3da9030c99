"""One build of a site at a time: two builds sharing its cache and output would undo each other's work."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from digest.config.folders import CACHE_FOLDER, cache_folder

LOCK_FILE = "build.lock"  # in the site's .digest-cache/, beside the cache it guards
PID_WIDTH = 20  # the holder's pid is written padded to this, so a reader never sees half of it
OPEN_ATTEMPTS = 5  # the cache folder is safe to delete, even while a build is opening the lock in it


@dataclass(frozen=True, slots=True)
class Busy:
    """Another process holds the site's lock: its pid, as it wrote it, when that could be read."""

    pid: int | None

    def message(self) -> str:
        """The one line shown while waiting, naming the process waited for."""
        holder = f" (pid {self.pid})" if self.pid else ""
        return f"waiting for another digest build of this site{holder} to finish…"


@contextmanager
def site_locked(root: Path, waiting: Callable[[Busy], None]) -> Iterator[None]:
    """Hold the lock of the site in `root` for the block; while another process holds it, wait.

    `waiting` is told once, before the wait. Ctrl-C or a signal handler that raises ends the wait;
    a holder that dies frees the lock by itself, however it died (the kernel drops its flock).
    """
    held = try_lock(root)
    if isinstance(held, Busy):
        waiting(held)
        held = _take(root, fcntl.LOCK_EX)
        assert isinstance(held, int)  # a blocking flock waits instead of failing
    try:
        yield
    finally:
        unlock(held)


def try_lock(root: Path) -> int | Busy:
    """The lock's open file descriptor when this process now holds it, else who does."""
    return _take(root, fcntl.LOCK_EX | fcntl.LOCK_NB)


def unlock(handle: int) -> None:
    """Let the next build in: unlocked explicitly, since forked children share the descriptor.

    The pid is cleared first, so a build that finds the lock taken never names one that has ended.
    """
    try:
        os.ftruncate(handle, 0)
        fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        os.close(handle)


def _take(root: Path, mode: int) -> int | Busy:
    while True:
        handle = _open(root)
        try:
            fcntl.flock(handle, mode)
        except BlockingIOError:
            busy = Busy(_holder(handle))
            os.close(handle)
            return busy
        except BaseException:
            os.close(handle)
            raise
        if _claimed(root, handle):
            return handle


def _claimed(root: Path, handle: int) -> bool:
    """Record this process as the holder, unless the lock file was deleted or replaced meanwhile.

    Someone may delete .digest-cache/ ("safe to delete") while a build holds its lock: a lock on the
    deleted file excludes nobody, so the caller starts again on the file that is there now.
    """
    held, current = os.fstat(handle), _stat(lock_path(root))
    if current is None or (held.st_dev, held.st_ino) != (current.st_dev, current.st_ino):
        unlock(handle)
        return False
    with suppress(OSError):  # a full disk: the pid only makes the waiting line friendlier
        os.pwrite(handle, f"{os.getpid():<{PID_WIDTH - 1}}\n".encode(), 0)
    return True


def lock_path(root: Path) -> Path:
    """The lock file of the site in `root`: per site folder, so builds into any output serialise."""
    return root / CACHE_FOLDER / LOCK_FILE


def _open(root: Path) -> int:
    """The lock file, opened (made if need be) in the site's cache folder, itself made if need be.

    Any other OS error (a file where the folder should be, a full or read-only disk) is the
    caller's to report, naming the path.
    """
    path = lock_path(root)
    for _attempt in range(OPEN_ATTEMPTS - 1):
        try:
            cache_folder(root)
            return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except FileNotFoundError:
            continue  # the folder was deleted between making it and opening the file: again
    cache_folder(root)
    return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)


def _holder(handle: int) -> int | None:
    text = os.pread(handle, PID_WIDTH, 0).decode("ascii", "replace").strip()
    return int(text) if text.isdigit() else None


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except FileNotFoundError:
        return None
