"""`digest new`: a story file from a headline and a link, with its source, date and place filled in."""

from __future__ import annotations

import argparse
import os
import re
import shlex
import subprocess
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from digest.build import build_now
from digest.config.site_config import SiteConfig, SourceEntry
from digest.content.dates import parse_date
from digest.content.inputs import content_files
from digest.content.markup import MarkdownRenderer
from digest.content.read import read_article
from digest.curator.story_file import NewStory, story_path, story_text, write_story
from digest.errors import BuildError, BuildWarning, DigestError
from digest.safeurl import url_problem
from digest.urls import link_key, slugify

# a web address as Markdown, HTML or YAML write it: it ends at a space, a quote, a bracket or `>`
_LINK = re.compile(rb"https?://[^\s\"'<>)\]]+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Created:
    """The story written, and what the curator should know about it."""

    path: Path
    warnings: tuple[BuildWarning, ...]


def web_address(text: str) -> str:
    """`--url`: the original story, an absolute http(s) address."""
    url = text.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise argparse.ArgumentTypeError(
            f"`{text}` is not a web address — give the original story's link, like https://example.org/news/1"
        )
    if problem := url_problem(url):
        raise argparse.ArgumentTypeError(problem)
    return url


def story_date(text: str) -> str:
    """`--date`: checked here; read in the site's time zone once site.yml is loaded."""
    try:
        parse_date(text, timezone.utc)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text.strip()


def edition(text: str) -> int | date:
    """`--edition`: an edition number (12) or the day of a daily edition (2022-09-15)."""
    value = text.strip()
    if value.isdigit() and int(value) >= 1:
        return int(value)
    try:
        return date.fromisoformat(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else _not_edition(text)
    except ValueError:
        return _not_edition(text)


def _not_edition(text: str) -> int:
    raise argparse.ArgumentTypeError(
        f"`{text}` is not an edition — give a number like 12 or a date like 2022-09-15"
    )


def headline(text: str) -> str:
    """The story's title: some words, on one line."""
    words = " ".join(text.split())
    if not words:
        raise argparse.ArgumentTypeError(
            'the headline is empty — write it in quotes: digest new "The headline" …'
        )
    return words


def tag_list(text: str) -> tuple[str, ...]:
    """`--tags a,b`: comma-separated, spaces around each tag dropped."""
    return tuple(tag for tag in (" ".join(part.split()) for part in text.split(",")) if tag)


def create_story(config: SiteConfig, story: NewStory) -> Created:
    """Fill in the source, check the story reads and takes a free URL, warn of a repeated link, write."""
    story = replace(story, slug=slugify(story.slug or story.title))
    notes: list[BuildWarning] = []
    story = replace(story, source=_source(config, story, config.shown(story_path(config, story)), notes))
    stories = content_files(config).articles
    _require_free_url(config, story, stories)
    if story.url:
        notes += same_link(story.url, stories, config)
    return Created(write_story(config, story), tuple(notes))


def dated(config: SiteConfig, when: str | None) -> datetime | date:
    """`--date` in the site's time zone (a day stays a day), or now there, to the second."""
    if when is None:
        return build_now().astimezone(config.tz).replace(microsecond=0)
    moment = parse_date(when, config.tz)
    return moment.date() if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", when) else moment


def _source(config: SiteConfig, story: NewStory, path: Path, notes: list[BuildWarning]) -> str:
    """The registry key for `--source` or for the link's host; else the name given, or the host."""
    if story.source:
        entry = config.source_entry(story.source)
        if entry is not None:
            return entry.key
        unlisted = f"the source `{story.source}` is not in the source registry"
        notes.append(BuildWarning(path, None, f"{unlisted} — add it under `sources:` in site.yml"))
        return story.source
    host = (urlsplit(story.url).hostname or "") if story.url else ""
    entry = source_for_host(config.sources, host)
    if entry is not None:
        return entry.key
    if not host:
        raise DigestError(path, None, "a story needs a source — pass --source KEY or --url LINK")
    name = host.removeprefix("www.")
    named = f"no source in the registry is on {name}, so the story names {name} as its source"
    notes.append(
        BuildWarning(path, None, f"{named} — pass --source, or add the outlet under `sources:` in site.yml")
    )
    return name


def source_for_host(sources: tuple[SourceEntry, ...], host: str) -> SourceEntry | None:
    """The entry whose home page, else feed, is on `host` or a domain around it (www. aside)."""
    wanted = f".{host.lower().removeprefix('www.')}"
    for field in ("home", "feed"):
        for entry in sources:
            url = getattr(entry, field)
            theirs = f".{(urlsplit(url).hostname or '').removeprefix('www.')}" if url else "."
            if theirs != "." and wanted != "." and (theirs.endswith(wanted) or wanted.endswith(theirs)):
                return entry
    return None


def _require_free_url(config: SiteConfig, story: NewStory, stories: dict[str, object]) -> None:
    """The new story must read as the build will read it, at a URL no story with its slug has."""
    path = story_path(config, story)
    renderer = MarkdownRenderer(config.markdown)
    mine = read_article(story_text(story).encode(), path, config.shown(path), config, renderer, []).url
    for other in stories:
        name = Path(other)
        alike = story.slug in (name.stem, name.parent.name) or name.stem.endswith(f"-{story.slug}")
        if alike and name != path:
            try:
                theirs = read_article(name.read_bytes(), name, config.shown(name), config, renderer, []).url
            except (DigestError, BuildError, OSError):
                continue  # a broken story: the build will say so
            if theirs == mine:
                taken = f"its URL /{mine} is taken by {config.shown(name).as_posix()}"
                raise DigestError(config.shown(path), None, f"{taken} — pass --slug with another name")


def same_link(url: str, stories: dict[str, object], config: SiteConfig) -> list[BuildWarning]:
    """A warning for each story that already links `url`, however spelt (`urls.link_key`, as import's)."""
    wanted = link_key(url)
    host = (urlsplit(url).hostname or "").encode()
    found = []
    for other in stories:
        try:
            data = Path(other).read_bytes()
        except OSError:
            continue
        if host not in data.lower():
            continue  # most stories: the host is not even named
        match = next(
            (m for m in _LINK.finditer(data) if link_key(m.group().decode(errors="replace")) == wanted), None
        )
        if match:
            line = data.count(b"\n", 0, match.start()) + 1
            message = f"already links {url} — the new story may repeat it"
            found.append(BuildWarning(config.shown(Path(other)), line, message))
    return found


def open_editor(path: Path) -> None:
    """Open the story in $VISUAL or $EDITOR, and wait until the editor closes."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        raise DigestError(
            path, None, "was written, but no editor is set — set $EDITOR, e.g. export EDITOR=nano"
        )
    try:
        status = subprocess.run([*shlex.split(editor), str(path)], check=False).returncode
    except OSError as error:
        raise DigestError(
            path, None, f"was written, but the editor `{editor}` cannot start: {error.strerror}"
        ) from None
    if status != 0:
        raise DigestError(
            path, None, f"the editor `{editor}` exited with status {status} — the story is kept"
        )
