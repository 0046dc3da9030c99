"""Files under a folder, following symbolic links only while they stay inside the site.

A link such as `content/passwd.txt -> /etc/passwd` would otherwise publish a file the curator never
meant to share; links within the site (a shared `images/` folder) keep working.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Walk:
    """What a walk found: the files (sorted, as every build reads them) and the links left alone."""

    files: list[str]
    outside: list[str]  # links whose target is outside the site: not followed, not published


def walk(folder: str, site: str, skip: Callable[[str], object] | None = None) -> Walk:
    """Every file under `folder`; `skip` names files and folders not to look at (the `ignore` globs)."""
    roots = (os.path.realpath(site), os.path.realpath(folder))
    files: list[str] = []
    outside: list[str] = []
    followed: set[str] = set()
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as found:
                entries = list(found)
        except OSError:
            continue  # a folder that went or may not be read has nothing to list, as with os.walk
        for entry in entries:
            if skip and skip(entry.name):
                continue
            path = f"{current}/{entry.name}"
            if not entry.is_symlink():
                (stack if entry.is_dir() else files).append(path)
                continue
            target = _real(path)
            if target is None:
                files.append(path)  # a loop of links: reading it says so
            elif not any(inside(target, root) for root in roots):
                outside.append(path)
            elif not Path(path).is_dir():  # unlike DirEntry's, False for a loop too
                files.append(path)  # a link to a file, or a dangling one: reading it says which
            elif target not in followed and not inside(os.path.realpath(current), target):
                followed.add(target)  # each linked folder once, and never one that holds the link (a loop)
                stack.append(path)
    return Walk(sorted(files, key=_parts), sorted(outside, key=_parts))


def leads_outside(path: Path, site: Path) -> bool:
    """Whether `path` is a symbolic link to somewhere outside the site folder."""
    target = _real(str(path)) if path.is_symlink() else None
    return target is not None and not inside(target, os.path.realpath(site))


def inside(path: str, folder: str) -> bool:
    """Whether `path` is `folder` or below it (both real paths)."""
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _real(path: str) -> str | None:
    """Where a link leads in the end, or None for a loop of links."""
    try:
        return os.path.realpath(path)
    except OSError:
        return None


def _parts(path: str) -> list[str]:
    return path.split("/")
