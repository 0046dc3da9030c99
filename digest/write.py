"""Outputs + static files → the output folder, all or nothing.

Everything new is first written to a staging folder beside the output. A first build then swaps the
whole folder in; later builds move in only the files that differ, keeping a journal of what they
replace so any failure puts everything back. Files that did not change keep their mtime, so
rsync-style deploys upload only what changed.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from .cache import Manifest
from .errors import DigestError
from .model import Output


def safe_join(root: Path, relative: str, *, ours: bool = False) -> Path:
    """`root/relative`, refusing any path that would land outside `root` (`..`, absolute, drive).

    Symlinks inside `root` are followed to check where the file really lands, unless `ours`: a
    folder this build created holds no symlinks, and resolving every file's path is costly.
    """
    if relative.startswith(("/", "~")) or "\\" in relative or ".." in relative.split("/"):
        raise DigestError(Path(relative), None, "refusing to write outside the output folder")
    target = Path(f"{root}/{relative}")
    if not ours and not target.resolve().is_relative_to(root.resolve()):
        raise DigestError(Path(relative), None, "refusing to write outside the output folder")
    return target


class Staging:
    """A folder beside the destination where this build's new files wait until every one is made.

    Renders are staged where they are made (in worker processes too), so page bytes never travel
    between processes; nothing in the destination changes until `write_site` moves them in.
    """

    def __init__(self, destination: Path, previous: Manifest) -> None:
        self.destination = destination
        self.fresh = previous.destination != str(destination) or not destination.is_dir()
        destination.parent.mkdir(parents=True, exist_ok=True)
        self.folder = Path(tempfile.mkdtemp(prefix=f".{destination.name}.new-", dir=destination.parent))

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def stage(self, output: Output) -> Output:
        """Stage a rendered output unless the destination already holds these bytes; drops the bytes."""
        if output.content is None:
            return output
        if not self.fresh and _same(safe_join(self.destination, output.path), output.content):
            return replace(output, content=None)
        _put(safe_join(self.folder, output.path, ours=True), output.content)
        return replace(output, content=None, staged=True)


def write_site(
    outputs: Iterable[Output], copies: list[tuple[Path, str]], staging: Staging, previous: Manifest
) -> tuple[int, Manifest]:
    """Bring the destination up to date; returns the number of files written and the new manifest.

    Outputs are consumed as they come (so a big site is never all in memory); the ones still holding
    their bytes are staged here.
    """
    destination, fresh = staging.destination, staging.fresh
    changed: list[str] = []
    copied: dict[str, tuple[str, int, int]] = {}
    for source, relative in copies:
        copied[relative] = _copy_key(source)
        same = previous.copies.get(relative) == copied[relative] and (destination / relative).is_file()
        if fresh or not same:
            _put(safe_join(staging.folder, relative, ours=True), source)
            changed.append(relative)
    pages: dict[str, str] = {}
    for output in map(staging.stage, outputs):  # pages win over a static file of the same name
        pages[output.path] = output.fingerprint or ""  # "" never matches: made again every time
        if output.staged:
            changed.append(output.path)
        elif fresh:
            raise ValueError(f"{output.path}: a fresh output folder needs every page rendered")
    manifest = Manifest(str(destination), pages, copied)
    if fresh:
        _swap(staging.folder, destination)
    else:
        removed = sorted(previous.paths() - manifest.paths())
        _apply(staging.folder, destination, sorted(set(changed)), removed)
    return len(set(changed)), manifest


def _same(target: Path, content: bytes) -> bool:
    """Whether a file already holds exactly these bytes (the size is checked first: it is free)."""
    try:
        return target.stat().st_size == len(content) and target.read_bytes() == content
    except OSError:
        return False


def _copy_key(source: Path) -> tuple[str, int, int]:
    stat = source.stat()
    return (str(source), stat.st_mtime_ns, stat.st_size)


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


def _apply(staging: Path, destination: Path, changed: list[str], removed: list[str]) -> None:
    """Move staged files into place and delete stale ones, journalling every old file and new folder
    so that a failure half-way puts the destination back exactly as it was."""
    if not changed and not removed:
        return
    journal = Path(tempfile.mkdtemp(prefix=f".{destination.name}.undo-", dir=destination.parent))
    done: list[tuple[Path, Path | None]] = []  # (file, its previous version in the journal, or None)
    made: list[Path] = []  # folders that did not exist before
    try:
        for relative in changed:
            target = safe_join(destination, relative)
            made += _make_parents(target.parent, destination)
            done.append((target, _stash(target, journal, len(done))))
            safe_join(staging, relative, ours=True).replace(target)
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
        for folder in reversed(made):
            folder.rmdir()
        raise
    finally:
        shutil.rmtree(journal, ignore_errors=True)
    for relative in removed:  # a deleted article leaves an empty folder behind
        folder = safe_join(destination, relative).parent
        while folder != destination and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent


def _make_parents(folder: Path, destination: Path) -> list[Path]:
    """Create `folder` and its missing parents below `destination`; returns those created, outermost first."""
    missing = []
    while folder != destination and not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        path.mkdir()
    return list(reversed(missing))


def _stash(target: Path, journal: Path, number: int) -> Path | None:
    """Move a file about to be replaced or deleted into the journal; None when there was none."""
    if not target.exists():
        return None
    backup = journal / str(number)
    target.replace(backup)
    return backup
