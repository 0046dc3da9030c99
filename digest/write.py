"""Outputs + static files → the output folder, all or nothing.

A first build writes a staging folder beside the output and swaps it in. Later builds change only the
files that differ, keeping a journal of what they replaced so any failure puts everything back; files
that did not change keep their mtime, so rsync-style deploys upload only what changed.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from .cache import Manifest
from .errors import DigestError
from .model import Output

Change = tuple[str, bytes | Path]  # a file to write: its output path and its bytes or a file to copy


def safe_join(root: Path, relative: str) -> Path:
    """`root/relative`, refusing any path that would land outside `root` (`..`, absolute, drive)."""
    pure = PurePosixPath(relative)
    if pure.is_absolute() or ".." in pure.parts or "\\" in relative or relative.startswith("~"):
        raise DigestError(Path(relative), None, "refusing to write outside the output folder")
    target = root.joinpath(*pure.parts)
    if not target.resolve().is_relative_to(root.resolve()):
        raise DigestError(Path(relative), None, "refusing to write outside the output folder")
    return target


def write_site(
    outputs: list[Output], copies: list[tuple[Path, str]], destination: Path, previous: Manifest
) -> tuple[int, Manifest]:
    """Bring `destination` up to date; returns the number of files written and the new manifest."""
    manifest = Manifest(
        str(destination),
        {o.path: o.fingerprint for o in outputs if o.fingerprint is not None},
        {relative: _copy_key(source) for source, relative in copies},
    )
    if previous.destination != str(destination) or not destination.is_dir():
        return _write_fresh(outputs, copies, destination), manifest
    changes: list[Change] = []
    for output in outputs:
        if output.content is None:
            continue
        target = safe_join(destination, output.path)
        if not (target.is_file() and target.read_bytes() == output.content):
            changes.append((output.path, output.content))
    for source, relative in copies:
        if (
            previous.copies.get(relative) != manifest.copies[relative]
            or not (destination / relative).is_file()
        ):
            changes.append((relative, source))
    removed = sorted(previous.paths() - manifest.paths() - {o.path for o in outputs})
    _apply(destination, changes, removed)
    return len(changes), manifest


def _copy_key(source: Path) -> tuple[str, int, int]:
    stat = source.stat()
    return (str(source), stat.st_mtime_ns, stat.st_size)


def _write_fresh(outputs: Iterable[Output], copies: Iterable[tuple[Path, str]], destination: Path) -> int:
    """Write everything to a new folder, then swap it for `destination`."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{destination.name}.new-", dir=destination.parent))
    try:
        written: set[str] = set()
        for source, relative in copies:
            _put(safe_join(staging, relative), source)
            written.add(relative)
        for output in outputs:  # pages win over a static file of the same name
            if output.content is None:
                raise ValueError(f"{output.path}: a fresh output folder needs every page rendered")
            _put(safe_join(staging, output.path), output.content)
            written.add(output.path)
        _swap(staging, destination)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return len(written)


def _put(target: Path, data: bytes | Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, Path):
        shutil.copyfile(data, target)
    else:
        target.write_bytes(data)


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


def _apply(destination: Path, changes: list[Change], removed: list[str]) -> None:
    """Replace and delete files in place, journalling each old file so a failure restores them all."""
    if not changes and not removed:
        return
    journal = Path(tempfile.mkdtemp(prefix=f".{destination.name}.undo-", dir=destination.parent))
    done: list[tuple[Path, Path | None]] = []  # (file, its previous version in the journal, or None)
    try:
        for relative, data in changes:
            target = safe_join(destination, relative)
            fresh = target.with_name(f".{target.name}.digest-new")
            _put(fresh, data)
            done.append((target, _stash(target, journal, len(done))))
            fresh.replace(target)
        for relative in removed:
            target = safe_join(destination, relative)
            if target.is_file():
                done.append((target, _stash(target, journal, len(done))))
    except BaseException:
        for target, backup in reversed(done):
            if backup is not None:
                backup.replace(target)
            else:
                target.unlink(missing_ok=True)
        for relative, _ in changes:
            target = safe_join(destination, relative)
            target.with_name(f".{target.name}.digest-new").unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(journal, ignore_errors=True)
    for relative in removed:  # a deleted article leaves an empty folder behind
        folder = safe_join(destination, relative).parent
        while folder != destination and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent


def _stash(target: Path, journal: Path, number: int) -> Path | None:
    """Move a file about to be replaced or deleted into the journal; None when there was none."""
    if not target.exists():
        return None
    backup = journal / str(number)
    target.replace(backup)
    return backup
