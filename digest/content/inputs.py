"""What a build reads: the content folder's stories with their stat, and the files published as they are."""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISREG
from typing import NamedTuple

from digest.config.site_config import SiteConfig
from digest.config.themes import theme_dirs
from digest.content.assets import hashed_assets
from digest.content.walk import leads_outside, walk
from digest.errors import BuildWarning

Stat = tuple[int, int]  # a file's mtime_ns and size: a change to either means look again
EDITIONS_FOLDER = "editions"  # under the content folder: edition files, when the site has editions
UNREADABLE: Stat = (0, -1)  # no file has this stat: such a file is always read, and its error reported


class Listing(NamedTuple):
    """A content folder as one walk found it: its stories with their stat, and its other files."""

    articles: dict[str, Stat]
    others: list[Path]


class Copy(NamedTuple):
    """A file published as it is: where it comes from, and its path in the output folder."""

    source: Path
    path: str


@dataclass(frozen=True, slots=True)
class Inputs:
    """Everything a build reads besides settings and theme templates, with what could not be used."""

    articles: dict[str, Stat]  # story files (as strings: 10,000 Paths cost more than finding them changed)
    copies: list[Copy]
    skipped: list[BuildWarning]  # links out of the site, not followed
    copy_stats: dict[
        str, Stat
    ]  # each copied file's stat, by its path in the output: edited means copied again
    assets: dict[str, str]  # a theme stylesheet's or script's hashed name, by the name templates link
    editions: dict[str, Stat] = field(default_factory=dict)  # content/editions/*.md, when editions are on


def list_inputs(config: SiteConfig, listing: Listing | None = None) -> Inputs:
    """The stories and the files to copy; `listing` is the content folder when a watcher already knows it."""
    articles, others = listing or content_files(config)
    skipped: list[BuildWarning] = []
    copies, assets = static_files(config, others, skipped)
    editions: dict[str, Stat] = {}
    if config.editions:  # edition files are not stories
        folder = f"{config.content_path}/{EDITIONS_FOLDER}/"
        editions = {path: stat for path, stat in articles.items() if path.startswith(folder)}
        if editions:
            articles = {path: stat for path, stat in articles.items() if path not in editions}
    stats = {copy.path: file_stat(copy.source) for copy in copies}
    return Inputs(articles, copies, skipped, stats, assets, editions)


def file_stat(path: str | Path) -> Stat:
    """What tells cheaply that a file is untouched."""
    stat = os.stat(path)  # noqa: PTH116 (on strings: a Path per file would cost more than the stat)
    return stat.st_mtime_ns, stat.st_size


def stat_if_present(path: str | Path) -> Stat | None:
    """`file_stat`, or None for a file that is not there."""
    try:
        return file_stat(path)
    except OSError:
        return None


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
    return Listing(articles, [Path(p) for p in sorted([*others, *found.outside], key=lambda p: p.split("/"))])


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
    articles, others = dict(known.articles), {str(path) for path in known.others}
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
        return Listing(articles, known.others)
    order = sorted([*articles, *others], key=lambda path: path.split("/"))  # content_files' order
    return Listing(
        {path: articles[path] for path in order if path in articles}, [Path(p) for p in order if p in others]
    )


def static_files(
    config: SiteConfig, content: list[Path], skipped: list[BuildWarning]
) -> tuple[list[Copy], dict[str, str]]:
    """Files copied as they are: theme assets under static/, the site's static/, then `content`'s files.

    Also the hashed names of the theme's stylesheets and scripts (see assets.py), by the name a
    template links. Links that lead out of the site are not followed; each one is added to `skipped`.
    """
    copies: list[Copy] = []
    for theme in reversed(theme_dirs(config)):  # the built-in first, so the site's theme overrides it
        copies += _tree(config, theme / "static", "static/", skipped)
    themed = {path: source for source, path in copies}
    copies += _tree(config, config.root / config.static_dir, "", skipped)
    for path in content:
        if leads_outside(path, config.root):
            skipped.append(_outside(config, path))
        else:
            copies.append(Copy(path, path.relative_to(config.content_path).as_posix()))
    final = {path: source for source, path in copies}
    assets = hashed_assets({path: source for path, source in themed.items() if final[path] == source})
    return [Copy(source, assets.get(path, path)) for path, source in final.items()], assets


def _tree(config: SiteConfig, folder: Path, prefix: str, skipped: list[BuildWarning]) -> list[Copy]:
    if not folder.is_dir():
        return []
    found = walk(str(folder), str(config.root))
    skipped += [_outside(config, Path(path)) for path in found.outside]
    return [Copy(Path(p), prefix + p[len(str(folder)) + 1 :]) for p in found.files if Path(p).is_file()]


def _outside(config: SiteConfig, link: Path) -> BuildWarning:
    """The warning for a link out of the site: the curator sees what was left out, and why."""
    message = f"a symbolic link to {link.readlink()}, outside the site folder, is not published"
    return BuildWarning(config.shown(link), None, message + " — copy the file into the site if it should be")
