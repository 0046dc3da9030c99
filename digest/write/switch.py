"""Putting a whole new output folder in place in one step, and finishing what a killed build left.

On Linux `renameat2(RENAME_EXCHANGE)` swaps the new folder and the published one atomically: there is
no moment without an output folder, and readers see the old site or the new one, never a mix.
Elsewhere two renames do it, and a kill between them is put right by `recover` at the next start.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import tempfile
from pathlib import Path

from digest.errors import DigestError
from digest.write.journal import roll_back

AT_FDCWD, RENAME_EXCHANGE = -100, 2
WORK_PREFIX = ".digest-"  # staging and journal folders inside an output folder that is a mount point


def switch(new: Path, destination: Path) -> None:
    """Make the folder `new` the output folder and remove the old one."""
    new.chmod(0o755)  # mkdtemp makes it private; a web server must read it
    if not destination.exists():
        new.rename(destination)
        return
    try:
        swapped = _exchange(new, destination)
    except OSError as error:
        raise DigestError(
            destination,
            None,
            f"cannot switch in the new output folder ({error.strerror}) — if it is a mount point, "
            "mount its parent folder instead, or build into another folder",
        ) from None
    if swapped:
        shutil.rmtree(new)  # it holds the old site now
        return
    old = Path(tempfile.mkdtemp(prefix=f".{destination.name}.old-", dir=destination.parent))
    old.rmdir()
    destination.rename(old)  # a kill here leaves only `old`: `recover` renames it back
    try:
        new.rename(destination)
    except BaseException:
        old.rename(destination)
        raise
    shutil.rmtree(old)


def _exchange(new: Path, destination: Path) -> bool:
    """Swap two folders atomically; False where the system or the filesystem cannot."""
    import ctypes  # here, not at start-up: only a build that switches a whole folder needs it

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    if renameat2(AT_FDCWD, os.fsencode(new), AT_FDCWD, os.fsencode(destination), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(destination))


def is_mount_point(folder: Path) -> bool:
    """Whether `folder` is mounted (a Docker volume, a bind mount): it cannot be renamed or swapped."""
    if not folder.is_dir():
        return False
    if os.path.ismount(folder):
        return True
    try:  # a bind mount from the same filesystem has the same device: only the mount table knows
        table = Path("/proc/self/mountinfo").read_text()
    except OSError:
        return False
    where = str(folder.resolve())
    unescape = lambda field: re.sub(r"\\([0-7]{3})", lambda m: chr(int(m[1], 8)), field)  # noqa: E731
    return any(
        len(fields := line.split()) > 4 and unescape(fields[4]) == where for line in table.splitlines()
    )


def recover(destination: Path) -> None:
    """Finish or undo what a killed build left beside (or, on a mount point, inside) `destination`."""
    beside = {kind: _leftovers(destination.parent, f".{destination.name}.{kind}-") for kind in KINDS}
    inside = {kind: _leftovers(destination, f"{WORK_PREFIX}{kind}-") for kind in KINDS}
    for folder in beside["old"]:  # with no output folder, a kill came between two renames
        if not destination.exists():
            folder.rename(destination)
        else:
            shutil.rmtree(folder)
    for folder in [*beside["undo"], *inside["undo"]]:
        roll_back(folder, destination)
    for folder in [*beside["new"], *inside["new"]]:
        shutil.rmtree(folder)


KINDS = ("old", "undo", "new")


def _leftovers(folder: Path, prefix: str) -> list[Path]:
    """Folders in `folder` named `prefix` and mkdtemp's random tail."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob(f"{prefix}*") if p.is_dir() and "-" not in p.name[len(prefix) :])
