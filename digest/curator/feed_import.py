"""`digest import`: each new entry of a feed becomes a draft story; an entry already linked is skipped."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from digest.config.site_config import SiteConfig
from digest.content.markup import MarkdownRenderer
from digest.content.read import read_article
from digest.curator.feed_model import Entry, Feed, FeedError
from digest.curator.feed_parse import parse_feed
from digest.curator.feed_text import markdown, plain_text
from digest.curator.fetch import FetchError, fetch
from digest.curator.known_links import Known, known_stories, without_tracking
from digest.curator.new import dated, source_for_host
from digest.curator.story_file import NewStory, story_path, story_text, write_story
from digest.errors import BuildError, DigestError
from digest.safeurl import url_problem
from digest.urls import link_key, slugify

Say = Callable[[str], None]
Wrote = Callable[[Path], None]
SUMMARY_LENGTH = 280  # as long as a summary digest makes from a body
UNTITLED_LENGTH = 90  # an entry without a title (a microblog post) is named by its first words


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """What to take from the feeds: `limit` counts new stories per feed, newest first."""

    since: datetime | None = None
    limit: int | None = None
    tags: tuple[str, ...] = ()
    dry_run: bool = False


@dataclass(slots=True)
class Tally:
    """What an import did, for its summary line and exit status."""

    written: int = 0
    known: int = 0
    older: int = 0
    over_limit: int = 0
    refused: int = 0
    failed: list[str] = field(default_factory=list)  # feeds that could not be read

    def summary(self, dry_run: bool, feeds: int) -> str:
        """One line: what was (or would be) written, and why the other entries were not."""
        verb = "would import" if dry_run else "imported"
        read = feeds - len(self.failed)
        stories = f"{self.written} new stor{'y' if self.written == 1 else 'ies'}"
        line = f"{verb} {stories} as drafts from {read if read == feeds else f'{read} of {feeds}'} feed(s)"
        skipped = [
            f"{self.known} already in the digest" if self.known else "",
            f"{self.older} older than --since" if self.older else "",
            f"{self.over_limit} over --limit" if self.over_limit else "",
            f"{self.refused} refused (see above)" if self.refused else "",
            f"{len(self.failed)} feed(s) could not be read" if self.failed else "",
        ]
        details = ", ".join(filter(None, skipped))
        line += f"; {details}" if details else ""
        return line + ("; nothing was written (--dry-run)" if dry_run else "")


@dataclass(slots=True)
class _Run:
    """One `digest import`: its settings, and what it has seen and written so far."""

    config: SiteConfig
    options: ImportOptions
    wrote: Wrote
    warn: Say
    known: Known  # the digest's stories, and those written (or, with --dry-run, planned) by this run
    now: datetime
    renderer: MarkdownRenderer
    tally: Tally = field(default_factory=Tally)


def import_feeds(
    config: SiteConfig, feeds: list[str], options: ImportOptions, wrote: Wrote, warn: Say
) -> Tally:
    """Import every feed in turn; a feed that fails is reported and the others still imported.

    `wrote` is told each story's path as it is written (or planned, with --dry-run); `warn` each
    feed that fails and each entry skipped for a reason the curator should know.
    """
    known = known_stories(config)
    for error in known.errors:
        warn(f"{error} (its link is not known, so a feed entry linking it would be imported again)")
    now = dated(config, None)
    assert isinstance(now, datetime)
    run = _Run(config, options, wrote, warn, known, now, MarkdownRenderer(config.markdown))
    for name in feeds:
        try:
            fetched = fetch(name)
            feed = parse_feed(fetched.data, fetched.url)
        except (FetchError, FeedError) as error:
            warn(f"{name}: {error}")
            run.tally.failed.append(name)
            continue
        _import_feed(run, feed, (name, fetched.url or name))
    return run.tally


def _entries(run: _Run, feed: Feed, name: str) -> list[Entry]:
    """The entries with a link a story may publish, newest first; the others named in a warning."""
    usable = []
    for entry in feed.entries:
        problem = link_problem(entry.link)
        if problem:
            title = shown_text(entry.title, 80) or "(untitled)"
            run.warn(f"{name}: skipped “{title}”: it {problem} — only entries with a web link are imported")
            run.tally.refused += 1
        else:
            usable.append(entry)
    return sorted(usable, key=lambda e: e.date.timestamp() if e.date else float("inf"), reverse=True)


def link_problem(link: str) -> str | None:
    """Why an entry's link cannot be a story's original link, or None."""
    if not link.strip():
        return "has no link to the original story"
    if url_problem(link) is None and urlsplit(link).scheme.lower() in ("http", "https"):
        return None
    return f"links to `{shown_text(link, 60)}`, not to an http(s) URL"


def shown_text(text: str, limit: int) -> str:
    """Feed text safe to print on a terminal: control characters escaped, cut at `limit`."""
    shown = "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def _import_feed(run: _Run, feed: Feed, urls: tuple[str, str]) -> None:
    """Each entry not yet in the digest, within --since and --limit, written as a draft."""
    taken, options, tally = 0, run.options, run.tally
    for entry in _entries(run, feed, urls[0]):
        key = link_key(entry.link)
        if key in run.known.links:
            tally.known += 1
        elif options.since and entry.date and entry.date < options.since:
            tally.older += 1
        elif options.limit is not None and taken >= options.limit:
            tally.over_limit += 1
        else:
            story = make_draft(run.config, feed, entry, urls, options.tags, run.now)
            try:
                path = write_draft(run, story)
            except (DigestError, BuildError) as error:
                problems = error.errors if isinstance(error, BuildError) else [error]
                run.warn(f"{urls[0]}: skipped “{shown_text(story.title, 80)}”: {problems[0].message}")
                tally.refused += 1
                continue
            run.wrote(path)
            run.known.links.add(key)
            taken += 1
            tally.written += 1


def make_draft(
    config: SiteConfig, feed: Feed, entry: Entry, urls: tuple[str, str], tags: tuple[str, ...], now: datetime
) -> NewStory:
    """The draft story for one entry: dated in the site's time zone, its text cleaned."""
    return NewStory(
        title=entry.title or plain_text(entry.summary, limit=UNTITLED_LENGTH) or entry.link,
        date=entry.date.astimezone(config.tz).replace(microsecond=0) if entry.date else now,
        url=without_tracking(entry.link),
        source=source_for(config, urls, entry.link, feed.title),
        tags=_tags((*entry.tags, *tags)),
        summary=plain_text(entry.summary, limit=SUMMARY_LENGTH) or None,
        body=markdown(entry.summary),
        draft=True,
    )


def write_draft(run: _Run, story: NewStory) -> Path:
    """Write the story under a free file name and URL: `-2`, `-3` … after a headline already used."""
    config, slug = run.config, slugify(story.title)
    for number in itertools.count(1):
        story = replace(story, slug=slug if number == 1 else f"{slug}-{number}")
        path = story_path(config, story)
        text = story_text(story)  # read as the build will read it, for the URL it will get
        url = read_article(text.encode(), path, config.shown(path), config, run.renderer, []).url
        if url not in run.known.urls and not path.exists():
            break
    run.known.urls.add(url)
    return path if run.options.dry_run else write_story(config, story)


def _tags(names: tuple[str, ...]) -> tuple[str, ...]:
    """Each tag once (first spelling), without blanks."""
    seen: dict[str, str] = {}
    for name in names:
        text = " ".join(name.split())
        if text:
            seen.setdefault(text.casefold(), text)
    return tuple(seen.values())


def source_for(config: SiteConfig, feed_urls: tuple[str, ...], link: str, feed_title: str) -> str:
    """The registry's key for the feed's URL or the link's host; else the feed's title, else the host."""
    given = {link_key(url) for url in feed_urls}
    for source in config.sources:
        if source.feed and link_key(source.feed) in given:
            return source.key
    host = urlsplit(link).hostname or ""
    entry = source_for_host(config.sources, host)
    if entry is not None:
        return entry.key
    return feed_title or host.removeprefix("www.")
