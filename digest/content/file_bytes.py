"""One content file's bytes, or an error saying why they cannot be had and what to do about it."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from stat import S_ISREG

from digest.config.hints import megabytes
from digest.errors import DigestError


def read_content(path: Path, shown: Path, limit: int) -> bytes:
    """A content file's bytes, once sure it is a regular file (a pipe would block) of a size that renders."""
    with open(path, "rb", buffering=0, opener=_open_without_waiting) as file:
        size = os.fstat(file.fileno())
        if not S_ISREG(size.st_mode):
            raise DigestError(
                shown, None, "a pipe or a device, not a file — remove it from the content folder"
            )
        if size.st_size > limit:
            over = f"{megabytes(size.st_size)} is over the {megabytes(limit)} limit (markdown.max_size)"
            raise DigestError(shown, None, f"{over} — split the story, or raise the limit in site.yml")
        return file.read()


def _open_without_waiting(name: str, flags: int) -> int:
    """Open for reading without blocking: a named pipe in the content folder must not hang the build."""
    return os.open(name, flags | os.O_NONBLOCK)


def unreadable(path: Path, shown: Path, error: OSError) -> DigestError:
    """Why a listed file could not be read, in words that say what to do about it."""
    if error.errno == errno.ELOOP:
        message = "a symbolic link that leads back to itself — point it at a real file, or delete it"
    elif error.errno == errno.ENOENT and path.is_symlink():
        message = f"a symbolic link to {path.readlink()}, which does not exist — fix the link, or delete it"
    elif error.errno == errno.ENOENT:
        message = "the file went away while the site was being built — build again"
    elif error.errno in (errno.EACCES, errno.EPERM):
        message = "digest may not read this file (permission denied) — allow reading it (chmod a+r)"
    else:
        message = f"cannot be read ({error.strerror}) — check the file, then build again"
    return DigestError(shown, None, message)
