"""Outputs + static files → the output folder, all or nothing, whatever happens to the process.

Everything new is first written to a staging folder beside the output. When most of the site changes
(or there is no output yet), the complete new site is assembled there, unchanged files hard-linked
from the old folder, and switched in whole (see switch.py). When a few files change, they are moved
in place under a journal on disk (see journal.py), so a build killed half-way is undone by the next.
Files that did not change keep their inode and mtime, so rsync-style deploys upload only what
changed; files digest did not write (see record.py) are never replaced or deleted.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import tempfile
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from digest.content.inputs import Copy
from digest.errors import DigestError
from digest.render.plan import Output
from digest.write.journal import Journal, roll_back
from digest.write.record import RECORD, read_record, record_bytes
from digest.write.switch import WORK_PREFIX, is_mount_point, switch


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
    """A folder where this build's new files wait until every one is made.

    It is beside the destination, so the two can be swapped; inside it when the destination is a mount
    point, which cannot be swapped (changes are then made in place, under the journal). Renders are
    staged where they are made (in worker processes too), so page bytes never travel between
    processes; nothing in the destination changes until `write_site` moves them in.
    """

    def __init__(self, destination: Path) -> None:
        self.destination = destination
        destination.parent.mkdir(parents=True, exist_ok=True)
        self.inside = is_mount_point(destination)
        self.compare = (destination / RECORD).is_file()  # only a folder of ours can hold a same page
        self.folder = _work_folder(destination, "new", inside=self.inside)

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def stage(self, output: Output) -> Output:
        """Stage a rendered output unless the destination already holds these bytes; drops the bytes."""
        if output.content is None:  # staged already, by the worker that rendered it
            return output
        if self.compare and _same(safe_join(self.destination, output.path), output.content):
            return replace(output, content=None)
        _put(safe_join(self.folder, output.path, ours=True), output.content)
        return replace(output, content=None, staged=True)


@dataclass(frozen=True, slots=True)
class Written:
    """What a write-out left in the output folder: every file of the site, and those it changed."""

    paths: frozenset[str]  # every file digest now has there (the record lists these)
    changed: frozenset[str]  # written or replaced by this build, the record itself aside


def write_site(
    outputs: Iterable[Output], copies: list[Copy], staging: Staging, unchanged: Collection[str]
) -> Written:
    """Bring the destination up to date with `outputs` and `copies`, all or nothing.

    Outputs are consumed as they come (so a big site is never all in memory); the ones still holding
    their bytes are staged here. The files in `unchanged` (pages and copies) are known to be in place
    as they should be: they stay, and are not given again.
    """
    destination = staging.destination
    ours = _files_of_ours(destination)
    changed: set[str] = set()
    copied: set[str] = set()
    for source, relative in copies:
        copied.add(relative)
        if relative in unchanged:
            continue
        if not (staging.compare and _same_file(safe_join(destination, relative), source)):
            _put(safe_join(staging.folder, relative, ours=True), source)
            changed.add(relative)
    pages = set(unchanged)
    for output in map(staging.stage, outputs):  # pages win over a static file of the same name
        pages.add(output.path)
        if output.staged:
            changed.add(output.path)
    paths = pages | copied
    _refuse_foreign(destination, changed - ours)
    record = record_bytes(paths)
    if not _same(destination / RECORD, record):
        _put(staging.folder / RECORD, record)
        changed.add(RECORD)
    removed = sorted(ours - paths)
    if not staging.inside and (not ours or 2 * (len(changed) + len(removed)) > len(paths)):
        _gather(staging.folder, destination, (paths | {RECORD}) - changed, ours | paths)
        switch(staging.folder, destination)
    else:
        _apply(staging, changed, removed, ours)
    return Written(frozenset(paths), frozenset(changed - {RECORD}))


def _files_of_ours(destination: Path) -> frozenset[str]:
    """The files the last build wrote into `destination`: none in a new or empty folder."""
    ours = read_record(destination)
    if ours is None and (destination / RECORD).exists():
        raise DigestError(
            destination / RECORD,
            None,
            "damaged, so digest cannot tell its files from yours — move your own files out of the "
            "output folder, empty it, and build again",
        )
    return ours or frozenset()


def _refuse_foreign(destination: Path, new: set[str]) -> None:
    """Stop before a page replaces a file digest did not write: it may be someone's work."""
    for path in sorted(new):
        if os.path.lexists(f"{destination}/{path}"):
            raise DigestError(
                destination / path,
                None,
                "this file was not written by digest, and the site now has a file of this name — "
                "move the file away or rename it, then build again",
            )


def _same(target: Path, content: bytes) -> bool:
    """Whether a file already holds exactly these bytes (the size is checked first: it is free)."""
    try:
        return target.stat().st_size == len(content) and target.read_bytes() == content
    except OSError:
        return False


def _same_file(target: Path, source: Path) -> bool:
    try:
        return filecmp.cmp(target, source, shallow=False)
    except OSError:
        return False


def _put(target: Path, data: bytes | Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, Path):
        shutil.copyfile(data, target)
    else:
        target.write_bytes(data)


def _work_folder(destination: Path, kind: str, *, inside: bool) -> Path:
    """A new, uniquely named folder for staging or a journal, where `switch.recover` looks for it."""
    if inside:
        return Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}{kind}-", dir=destination))
    return Path(tempfile.mkdtemp(prefix=f".{destination.name}.{kind}-", dir=destination.parent))


def _gather(new: Path, destination: Path, unchanged: set[str], listed: set[str]) -> None:
    """Complete the new folder: hard links to the unchanged files, and every file digest did not write."""
    if not destination.is_dir():
        return
    for path in sorted(unchanged):  # one order every run: the same folders made, the same steps taken
        _link(destination / path, new / path)
    for folder, subfolders, files in os.walk(destination):
        relative = Path(folder).relative_to(destination)
        if not subfolders and not files:  # someone's empty folder; one that held only removed files goes
            (new / relative).mkdir(parents=True, exist_ok=True)
        for name in subfolders:  # a symlink to a folder is listed here, and carried over as a link
            if Path(folder, name).is_symlink():
                _link(Path(folder, name), new / relative / name)
        for name in files:
            path = (relative / name).as_posix()
            if path not in listed and path != RECORD:  # someone's file: carried over as it is
                _link(destination / path, new / path)


def _link(source: Path, target: Path) -> None:
    """The same file under a second name (inode and mtime kept); a copy where links are refused."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, target, follow_symlinks=False)


def _apply(staging: Staging, changed: set[str], removed: list[str], ours: frozenset[str]) -> None:
    """Move the staged files into place and delete stale ones, under a journal on disk; any failure,
    here or in a killed process at the next start, puts the destination back exactly as it was.

    New files go first and the front page and feeds last, so a reader mid-way finds no link to a
    page that is not there yet; the record goes last of all.
    """
    if not changed and not removed:
        return
    destination = staging.destination
    folder = _work_folder(destination, "undo", inside=staging.inside)
    journal = Journal(folder, destination)
    try:
        for relative in sorted(changed, key=lambda p: (p == RECORD, p in ours, _entry(p), p)):
            _make_parents(journal, safe_join(destination, relative).parent)
            journal.put(safe_join(staging.folder, relative, ours=True), relative)
        for relative in removed:
            if safe_join(destination, relative).is_file():
                journal.remove(relative)
        for relative in removed:  # a deleted article leaves an empty folder behind
            parent = safe_join(destination, relative).parent
            while parent != destination and parent.is_dir() and not any(parent.iterdir()):
                journal.remove_folder(parent.relative_to(destination).as_posix())
                parent = parent.parent
        journal.commit()
    except BaseException:
        journal.close()
        roll_back(folder, destination)
        raise
    shutil.rmtree(folder, ignore_errors=True)


def _entry(path: str) -> bool:
    """The pages readers and feed readers arrive by: they should link only to what is there."""
    return path == "index.html" or path.endswith((".xml", ".json"))


def _make_parents(journal: Journal, folder: Path) -> None:
    """Create `folder` and its missing parents below the destination, each step journalled."""
    missing = []
    while folder != journal.destination and not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        journal.make_folder(path.relative_to(journal.destination).as_posix())
