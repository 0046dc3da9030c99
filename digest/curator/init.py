"""`digest init`: a new site that builds at once, made whole or not at all."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from digest.errors import DigestError

TIMEZONE = "UTC"  # the time zone site.yml starts with, and the example story's date is in
STORY_SLUG = "welcome-to-your-digest"

SITE_YML = """\
# The settings of your digest. Change title, description and base_url first;
# README.md ("site.yml reference") explains every key.

# The digest's name, shown in the masthead, page titles and feeds.
title: {title}

# Where the site will be published: feeds, the sitemap and links shared elsewhere use it.
# CHANGE THIS to your real address, e.g. https://news.example.com/ or https://you.github.io/brief/
base_url: https://example.org/

# One or two sentences for the front page, search engines and feed readers.
description: Short summaries of the stories that matter, each with a link to the original report.

# The language of your stories (a code such as en, fr, de, pt-BR).
language: en

# Your time zone (a name such as Europe/London or America/New_York): dates written without an
# offset are read in it, and archives are grouped by its months.
timezone: {timezone}

# How many stories the front page and each tag, source or location page shows per page.
per_page: 10

# The folder `digest build` writes the site into (also listed in .gitignore).
output_dir: public
"""

STORY = """\
---
# An example story: edit it or delete it, and write your own beside it (one file per story).
title: Riverton opens its first public library in forty years
date: {date}
source:
  name: Example News
  url: https://example.com/news/riverton-library-opens
location: Riverton, Exampleland
tags: [culture, local]
summary: A disused tram depot becomes a library, with late opening hours and a repair café.
---
The town of Riverton has turned its old tram depot into a public library, the first to open there
since the 1980s. The council says the building will stay open until ten at night on weekdays, so that
shift workers and students can use it, and it will host a repair café every Saturday.

The project cost less than a new building would have: most of the money went on insulation and a
new roof, and local volunteers catalogued the first twenty thousand books.

**Why it matters:** small towns rarely open libraries any more; this one shows how an empty public
building can be reused cheaply, and other councils are already asking how it was paid for.
"""

GITIGNORE = """\
# the built site and digest's cache: both are made again by `digest build`
public/
.digest-cache/
"""


def default_title(folder: Path) -> str:
    """A title made from the folder's name, `my-digest` → "My digest", for a site made without --title."""
    words = folder.resolve().name.replace("-", " ").replace("_", " ").split()
    text = " ".join(words) or "My digest"
    return text[:1].upper() + text[1:]


def site_files(title: str, now: datetime) -> dict[str, str]:
    """The new site's files, by path relative to its folder."""
    story = f"content/{now:%Y-%m-%d}-{STORY_SLUG}.md"
    return {
        "site.yml": SITE_YML.format(title=json.dumps(title, ensure_ascii=False), timezone=TIMEZONE),
        story: STORY.format(date=now.replace(second=0, microsecond=0).isoformat()),
        ".gitignore": GITIGNORE,
    }


def init_site(folder: Path, title: str | None = None) -> list[str]:
    """Make a new site in `folder` (new or empty); returns the paths made, relative to it."""
    if folder.exists() or folder.is_symlink():
        _require_empty(folder)
    files = site_files(title or default_title(folder), datetime.now(ZoneInfo(TIMEZONE)))
    if folder.is_dir():
        with _undone_on_failure(folder, files):
            _write(folder, files)
    else:
        _write_beside(folder, files)
    return list(files)


def _require_empty(folder: Path) -> None:
    """Refuse a folder holding anything, so no one's files are mixed with (or lost under) a new site."""
    if not folder.is_dir():
        raise DigestError(folder, None, "exists and is not a folder — choose an empty or new folder")
    with os.scandir(folder) as entries:
        if next(entries, None) is not None:
            raise DigestError(
                folder, None, "is not empty — choose an empty or new folder, e.g. `digest init my-digest`"
            )


def _write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")


@contextmanager
def _undone_on_failure(folder: Path, files: dict[str, str]) -> Iterator[None]:
    """In an existing empty folder: on any failure, remove what was written, leaving it empty again."""
    try:
        yield
    except BaseException:
        for entry in {Path(name).parts[0] for name in files}:
            path = folder / entry
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            elif path.exists():
                path.unlink()
        raise


def _write_beside(folder: Path, files: dict[str, str]) -> None:
    """A new folder: written whole in a temporary folder beside it, then renamed into place."""
    missing = [parent for parent in (folder, *folder.parents) if not parent.exists()][1:]
    prefix = f".{folder.name}.init-"
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        temporary = Path(tempfile.mkdtemp(prefix=prefix, dir=folder.parent))
    except OSError as error:
        _remove_made(missing)
        if error.filename is not None and Path(os.fsdecode(error.filename)).name.startswith(prefix):
            raise OSError(error.errno, error.strerror, str(folder)) from error
        raise
    try:
        _write(temporary, files)
        temporary.chmod(0o777 & ~_umask())
        temporary.rename(folder)
    except OSError as error:
        shutil.rmtree(temporary, ignore_errors=True)
        _remove_made(missing)
        raise _named_as_final(error, temporary, folder) from error
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        _remove_made(missing)
        raise


def _remove_made(parents: list[Path]) -> None:
    """The parent folders this run made, deepest first, so a failure leaves nothing behind."""
    for parent in parents:
        try:
            parent.rmdir()
        except OSError:
            return


def _named_as_final(error: OSError, temporary: Path, folder: Path) -> OSError:
    """An error inside the temporary folder told as the path the user asked for."""
    named = Path(os.fsdecode(error.filename)) if error.filename is not None else None
    if named is None or not named.is_relative_to(temporary):
        return error
    return OSError(error.errno, error.strerror, str(folder / named.relative_to(temporary)))


def _umask() -> int:
    """The process's umask: mkdtemp makes a private folder, a site folder is made as mkdir would."""
    mask = os.umask(0)
    os.umask(mask)
    return mask
