"""The build state's files in .digest-cache/: checksummed pickles, each valid for one site's settings.

Everything stored is an optimisation: a missing, stale or damaged file is ignored, never trusted,
and deleting the folder only makes the next build a cold one. Every file starts with a checksum of
its bytes, checked before pickle sees them: damaged bytes can crash the interpreter.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
from pathlib import Path
from typing import Any

from digest.config.folders import CACHE_FOLDER
from digest.errors import BuildWarning
from digest.incremental.checked import read_checked, write_checked


def write_pickle(path: Path, fingerprint: str, data: dict[str, Any]) -> None:
    """Store `data` for the settings with this `fingerprint`; atomic: a kill leaves the old file or none."""
    write_checked(path, pickle.dumps({"fingerprint": fingerprint, **data}, protocol=pickle.HIGHEST_PROTOCOL))


def read_pickle(path: Path, fingerprint: str, damaged: set[Path]) -> dict[str, Any] | None:
    """What `write_pickle` stored for these settings; None when missing, stale or damaged (→ `damaged`)."""
    payload = read_checked(path, damaged)
    if payload is None:
        return None
    try:
        stored = pickle.loads(payload)
        return stored if stored["fingerprint"] == fingerprint else None
    except Exception:  # checked, yet not what this digest pickles: stale, so rebuilt
        return None


def per_output(folder: Path, kind: str, destination: str, suffix: str) -> Path:
    """The file in the cache `folder` holding one output folder's `kind` of record."""
    return folder / f"{kind}-{hashlib.sha256(destination.encode()).hexdigest()[:16]}{suffix}"


def make_folder(folder: Path) -> Path:
    """A folder inside the cache, made where needed; a file in its way is damaged cache, so it goes.

    Render workers make it at the same moment: whoever comes second finds it made, never removes it.
    """
    try:
        folder.mkdir(exist_ok=True)
    except FileExistsError:  # a file or a dangling link in its place
        with contextlib.suppress(IsADirectoryError):  # another worker put the folder back first
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
