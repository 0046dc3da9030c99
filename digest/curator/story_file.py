"""A new story's file: front matter and body written where the file-name convention says, never half."""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from digest.config.lined_yaml import load_fields
from digest.config.site_config import SiteConfig
from digest.errors import DigestError
from digest.urls import slugify


@dataclass(frozen=True, slots=True)
class NewStory:
    """What a curator (or an import) knows about a story before its file exists."""

    title: str
    date: datetime | date  # a date alone is written as a day; a datetime with its time and offset
    url: str | None = None  # the original story
    source: str | None = None  # a registry key, or any outlet name
    location: str | None = None  # a dateline, `City, Country`
    tags: tuple[str, ...] = ()
    summary: str | None = None
    body: str = ""
    draft: bool = False
    edition: int | date | None = None
    slug: str | None = None  # default: made from the title


def story_path(config: SiteConfig, story: NewStory) -> Path:
    """Where the story goes: `content/YYYY-MM-DD-slug.md`, as the sample's and imported files are named."""
    return config.content_path / f"{story.date:%Y-%m-%d}-{story.slug or slugify(story.title)}.md"


def write_story(config: SiteConfig, story: NewStory) -> Path:
    """Write the story's file and return its path; refuses (DigestError) when that file exists.

    The text goes to a hidden temporary file first, which is then linked to its name: the file is
    whole or absent, and a link never replaces a file another process made in the meantime.
    """
    path = story_path(config, story)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() or path.is_symlink():
        raise _exists(config, path)
    temporary = path.parent / f".{path.stem}.{secrets.token_hex(4)}.tmp"  # hidden: builds skip it
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(story_text(story))
            file.flush()
            os.fsync(file.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            raise _exists(config, path) from None
    finally:
        temporary.unlink()
    return path


def story_text(story: NewStory) -> str:
    """The file's text: front matter in the order the sample uses, then the body."""
    lines = [f"title: {_scalar(story.title)}", f"date: {_when(story.date)}"]
    if story.source and story.url:
        lines += ["source:", f"  name: {_scalar(story.source)}", f"  url: {_scalar(story.url)}"]
    elif story.source:
        lines.append(f"source: {_scalar(story.source)}")
    if story.location:
        lines.append(f"location: {_scalar(story.location)}")
    if story.tags:
        lines.append(f"tags: [{', '.join(_scalar(tag, flow=True) for tag in story.tags)}]")
    if story.summary:
        lines.append(f"summary: {_scalar(story.summary)}")
    if story.edition is not None:
        lines.append(f"edition: {_when(story.edition) if isinstance(story.edition, date) else story.edition}")
    if story.draft:
        lines.append("draft: true")
    body = story.body.strip("\n")
    return "---\n" + "\n".join(lines) + "\n---\n" + (body + "\n" if body else "")


def _when(moment: datetime | date) -> str:
    """A date as the sample writes it: `2022-09-15`, or `2022-09-15T18:30:00+05:00` with its offset."""
    return moment.isoformat(timespec="seconds") if isinstance(moment, datetime) else moment.isoformat()


def _scalar(text: str, *, flow: bool = False) -> str:
    """`text` as YAML: plain when YAML reads it back as the same text, else double-quoted."""
    plain = " ".join(text.split())
    if plain and not (flow and any(c in plain for c in ",[]{}")):
        try:
            if load_fields(f"v: {plain}\n", Path("-")).values.get("v") == plain:
                return plain
        except DigestError:
            pass
    return json.dumps(plain, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _exists(config: SiteConfig, path: Path) -> DigestError:
    return DigestError(
        config.shown(path),
        None,
        "already exists — digest never overwrites a story: edit that file, or give the new one "
        "another headline or --slug",
    )
