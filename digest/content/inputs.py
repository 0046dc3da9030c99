"""What a build reads: the content folder's stories with their stat, and the files published as they are."""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterable
from pathlib import Path
from stat import S_ISREG

from digest.config.site_config import SiteConfig
from digest.config.themes import theme_dirs
from digest.content.walk import leads_outside, walk
from digest.errors import BuildWarning
from digest.incremental.fingerprints import Stat, file_stat

UNREADABLE: Stat = (0, -1)  # no file has this stat: such a file is always read, and its error reported
Listing = tuple[dict[str, Stat], list[Path]]  # a content folder's articles with their stat, other files


def ignored(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One regex for all `ignore` globs, matched against each file and folder name."""
    return re.compile("|".join(fnmatch.translate(pattern) for pattern in patterns) or "(?!)")


def content_files(config: SiteConfig) -> Listing:
    """The content folder's articles (.md, with their stat) and other files, in one walk of the folder.

    Both are sorted, so every build reads the files in the same order. Articles stay strings: at
    10,000 files, making Paths of the unchanged ones would cost more than finding them changed.
    """
    found = walk(str(config.content_path), str(config.root), ignored(config.ignore).match)
    articles = {path: _stat(path) for path in found.files if path.endswith(".md")}
    others = [path for path in found.files if not path.endswith(".md")]
    return articles, [Path(path) for path in sorted([*others, *found.outside], key=lambda p: p.split("/"))]


def _stat(path: str) -> Stat:
    """A file's stat; one that cannot be stat'ed (a dangling link) is listed, and reading it says why."""
    try:
        return file_stat(path)
    except OSError:
        return UNREADABLE


def relisted(config: SiteConfig, known: Listing, changed: Iterable[str]) -> Listing | None:
    """`known` brought up to date by looking again at the `changed` paths alone; None when unsure.

    A watcher hears of every save, so stat'ing the saved files spares a walk and a stat of every
    other one. A folder that came or went, or anything but a file, needs the full walk.
    """
    root = f"{config.content_path}/"
    skip = ignored(config.ignore).match
    articles, others = dict(known[0]), {str(path) for path in known[1]}
    added = removed = False
    for path in changed:
        if not path.startswith(root) or any(skip(name) for name in path[len(root) :].split("/")):
            continue  # outside the content folder (templates, static files), or ignored
        try:
            found = os.lstat(path)  # links are left to the walk, which knows where they may lead
        except OSError:
            if articles.pop(path, None) is not None or path in others:
                others.discard(path)
                removed = True
            elif any(p.startswith(f"{path}/") for p in (*articles, *others)):
                return None  # a folder went
            continue
        if not S_ISREG(found.st_mode):
            return None  # a folder came (its files are not all reported), a link, or something stranger
        added = added or (path not in articles and path not in others)
        if path.endswith(".md"):
            articles[path] = found.st_mtime_ns, found.st_size
        else:
            others.add(path)
    if not (added or removed):
        return articles, known[1]
    order = sorted([*articles, *others], key=lambda path: path.split("/"))  # content_files' order
    return {path: articles[path] for path in order if path in articles}, [
        Path(path) for path in order if path in others
    ]


def static_files(
    config: SiteConfig, content: list[Path], skipped: list[BuildWarning]
) -> list[tuple[Path, str]]:
    """Files copied as they are: theme assets under static/, the site's static/, then `content`'s files.

    Links that lead out of the site are not followed; each one is added to `skipped` as a warning.
    """
    copies: list[tuple[Path, str]] = []
    for theme in reversed(theme_dirs(config)):  # the built-in first, so the site's theme overrides it
        copies += _tree(config, theme / "static", "static/", skipped)
    copies += _tree(config, config.root / config.static_dir, "", skipped)
    for path in content:
        if leads_outside(path, config.root):
            skipped.append(_outside(config, path))
        else:
            copies.append((path, path.relative_to(config.content_path).as_posix()))
    return [(source, relative) for relative, source in {rel: src for src, rel in copies}.items()]


def _tree(
    config: SiteConfig, folder: Path, prefix: str, skipped: list[BuildWarning]
) -> list[tuple[Path, str]]:
    if not folder.is_dir():
        return []
    found = walk(str(folder), str(config.root))
    skipped += [_outside(config, Path(path)) for path in found.outside]
    return [(Path(p), prefix + p[len(str(folder)) + 1 :]) for p in found.files if Path(p).is_file()]


def _outside(config: SiteConfig, link: Path) -> BuildWarning:
    """The warning for a link out of the site: the curator sees what was left out, and why."""
    message = f"a symbolic link to {link.readlink()}, outside the site folder, is not published"
    return BuildWarning(config.shown(link), None, message + " — copy the file into the site if it should be")
