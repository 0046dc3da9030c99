"""A write-ahead journal of changes made in place in the output folder, so a kill is undone later.

Every step is noted in the journal's log before it is made, and every file replaced or deleted is
first hard-linked into the journal folder. Until the build commits (the log is renamed `done`), the
next build undoes the steps in reverse from the log alone; a committed journal is simply removed.
Replacing a file is one rename over it, so a reader never finds a page missing while it changes.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

LOG, DONE = "log", "done"


class Journal:
    """The log of one build's changes to `destination`, kept in `folder` with backups of old files."""

    def __init__(self, folder: Path, destination: Path) -> None:
        self.folder, self.destination = folder, destination
        self.count = 0
        self.log = (folder / LOG).open("a", encoding="utf-8")

    def _note(self, step: str, relative: str) -> Path:
        """Write down a step before it is made; returns where a backup for it goes."""
        self.count += 1
        self.log.write(json.dumps([step, relative, self.count]) + "\n")
        self.log.flush()  # in the kernel's hands: a killed process loses nothing already noted
        return self.folder / str(self.count)

    def make_folder(self, relative: str) -> None:
        self._note("mkdir", relative)
        (self.destination / relative).mkdir()

    def put(self, staged: Path, relative: str) -> None:
        """Move a staged file into place; the file it replaces is kept until the build commits."""
        target = self.destination / relative
        if os.path.lexists(target):
            _keep(target, self._note("swap", relative))
        else:
            self._note("new", relative)
        staged.replace(target)

    def remove(self, relative: str) -> None:
        target = self.destination / relative
        _keep(target, self._note("drop", relative))
        target.unlink()

    def remove_folder(self, relative: str) -> None:
        self._note("rmdir", relative)
        (self.destination / relative).rmdir()

    def commit(self) -> None:
        """The point after which the changes stand: from here on, recovery discards the journal."""
        self.log.close()
        (self.folder / LOG).rename(self.folder / DONE)

    def close(self) -> None:
        self.log.close()


def _keep(target: Path, backup: Path) -> None:
    """A backup of `target` that shares its inode (so its mtime too); a copy where links are refused."""
    try:
        os.link(target, backup, follow_symlinks=False)
    except OSError:
        shutil.copy2(target, backup, follow_symlinks=False)


def roll_back(folder: Path, destination: Path) -> None:
    """Undo every step an uncommitted journal noted, newest first, then remove the journal."""
    if not (folder / DONE).exists():
        try:
            lines = (folder / LOG).read_text(encoding="utf-8").split("\n")
        except FileNotFoundError:
            lines = []
        steps = [json.loads(line) for line in lines[:-1]]  # the last piece is "" or a line cut short
        for step, relative, number in reversed(steps):
            _undo(step, destination / relative, folder / str(number))
    shutil.rmtree(folder)


def _undo(step: str, target: Path, backup: Path) -> None:
    """Put one step back; each undo is safe whether or not the step itself got done."""
    if step == "new":
        target.unlink(missing_ok=True)
    elif step in ("swap", "drop"):
        if os.path.lexists(backup):
            backup.replace(target)
    elif step == "mkdir":
        if target.is_dir() and not any(target.iterdir()):
            target.rmdir()
    elif step == "rmdir":
        target.mkdir(exist_ok=True)
