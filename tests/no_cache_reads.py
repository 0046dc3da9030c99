"""Run `digest` (its arguments after this script's name) and die the moment it reads the build cache.

`python tests/no_cache_reads.py build --clean`, in a site folder: an audit hook watches every file
opened for reading, in this process and in the workers it forks, and one in the site's
.digest-cache/ (other than the preview's output folder and the build lock) ends the process at once
with exit code 97.
"""

from __future__ import annotations

import os
import sys

CACHE = os.path.join(os.getcwd(), ".digest-cache", "")  # noqa: PTH109, PTH118 (the hook sees strings)
PREVIEW = os.path.join(CACHE, "preview", "")  # noqa: PTH118
LOCK = os.path.join(CACHE, "build.lock")  # noqa: PTH118 (opened to be locked, and holds only a pid)
READ_FROM_CACHE = 97


def _refuse_cache_reads(event: str, args: tuple[object, ...]) -> None:
    """The audit hook: an `open` of a cache file for reading stops the process, as a test failure."""
    if event != "open" or not isinstance(args[0], str | bytes | os.PathLike):
        return
    path, flags = os.path.abspath(os.fsdecode(args[0])), args[2]  # noqa: PTH100
    reading = isinstance(flags, int) and flags & os.O_ACCMODE != os.O_WRONLY
    if reading and path.startswith(CACHE) and not path.startswith(PREVIEW) and path != LOCK:
        os.write(2, f"read from the build cache: {path}\n".encode())
        os._exit(READ_FROM_CACHE)


if __name__ == "__main__":
    sys.addaudithook(_refuse_cache_reads)
    from digest.cli import run

    sys.argv = ["digest", *sys.argv[1:]]
    run()
