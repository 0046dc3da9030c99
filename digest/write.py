"""Outputs + static files → a staging folder beside the output, swapped in only when complete."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from .errors import DigestError
from .model import Output


def safe_join(root: Path, relative: str) -> Path:
    """`root/relative`, refusing any path that would land outside `root` (`..`, absolute, drive)."""
    pure = PurePosixPath(relative)
    if pure.is_absolute() or ".." in pure.parts or "\\" in relative or relative.startswith("~"):
        raise DigestError(Path(relative), None, "refusing to write outside the output folder")
    target = root.joinpath(*pure.parts)
    if not target.resolve().is_relative_to(root.resolve()):
        raise DigestError(Path(relative), None, "refusing to write outside the output folder")
    return target


def write_site(outputs: Iterable[Output], copies: Iterable[tuple[Path, str]], destination: Path) -> int:
    """Write everything to a fresh folder, then swap it for `destination`; returns the file count.

    A failure at any point leaves the previous output exactly as it was.
    """
    destination.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{destination.name}.new-", dir=destination.parent))
    try:
        written: set[str] = set()
        for source, relative in copies:
            target = safe_join(staging, relative)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            written.add(relative)
        for output in outputs:  # pages win over a static file of the same name
            target = safe_join(staging, output.path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(output.content)
            written.add(output.path)
        _swap(staging, destination)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return len(written)


def _swap(staging: Path, destination: Path) -> None:
    """Put the new folder in place with renames, so no reader sees a half-written site."""
    staging.chmod(0o755)  # mkdtemp makes it private; a web server must read it
    if not destination.exists():
        staging.rename(destination)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{destination.name}.old-", dir=destination.parent))
    old.rmdir()
    destination.rename(old)
    try:
        staging.rename(destination)
    except BaseException:
        old.rename(destination)
        raise
    shutil.rmtree(old, ignore_errors=True)
