"""build(config, state, options): the whole pipeline in one screen.

inputs → read → group → plan → decide → render → write → record. The stages (content, site, render,
write) are functions of their inputs; `state` (incremental/state.py) is the one object that outlives
a build, and the only code that knows what an earlier build did.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from itertools import chain
from pathlib import Path
from typing import NamedTuple

from digest.config.site_config import SiteConfig
from digest.config.themes import theme_dirs
from digest.content.editions import read_edition_files
from digest.content.inputs import Inputs, Listing, list_inputs
from digest.content.read import Progress, Reading, collect, parse_files
from digest.errors import BuildError, BuildWarning, DigestError
from digest.incremental.state import BuildState
from digest.render.edition_feeds import plan_edition_feeds
from digest.render.edition_pages import plan_editions
from digest.render.email import plan_emails
from digest.render.feeds import plan_feeds
from digest.render.opml import render_opml
from digest.render.plan import Output, plan_site
from digest.render.sitemap import render_sitemap
from digest.render.templates import make_environment, render_tasks
from digest.report import LeftOut, Report
from digest.site.editions import place_editions
from digest.site.group import publish
from digest.site.model import Site
from digest.workers import run_tasks
from digest.write.destination import prepare_output
from digest.write.images import missing_images
from digest.write.output import Staging, Written, write_site
from digest.write.paths import path_collisions
from digest.write.search import search_index


@dataclass(frozen=True, slots=True)
class Options:
    """How to build: what to publish, where, and what the caller already knows."""

    drafts: bool = False
    future: bool = False
    output: Path | None = None  # default: the configured output folder
    progress: Progress | None = None
    listing: Listing | None = None  # the content folder as a watcher knows it; None: walk it
    trust_output: bool = False  # the output is as `state` last left it (the preview's own folder)
    # index the search parts this build changes at a later build (the preview shows a save first)
    search_later: bool = False


def build(config: SiteConfig, state: BuildState | None = None, options: Options = Options()) -> Report:
    """Build the site; raises BuildError listing every mistake, and leaves the output as it was then.

    `state` is what earlier builds left (by default, loaded from the site's .digest-cache/);
    `BuildState.empty(root)` redoes everything.
    """
    started, now = time.perf_counter(), build_now()
    state = state or BuildState.load(config.root)
    destination = prepare_output(config, options.output)
    inputs = list_inputs(config, options.listing)
    state.begin(config, theme_dirs(config), drafts=options.drafts, future=options.future)
    compiled = state.compiled_templates()
    if report := state.last_report(destination, inputs, now, trust_output=options.trust_output):
        return replace(report, seconds=time.perf_counter() - started)
    try:
        reading, site, errors, editions_due = read_site(config, state, inputs, now, options)
        _check(errors)
        pages = state.pages(
            config, plan_site(config, site) + plan_editions(config, site) + plan_emails(config, site)
        )
        clashes = path_collisions(config, site, pages, inputs.copies)
        _check(clashes + missing_images(config, site, inputs.copies))
        feeds = plan_feeds(config, site) + plan_edition_feeds(config, site)
        work = state.outdated(destination, pages, feeds, inputs, trust_output=options.trust_output)
        state.save()  # before the write-out: a state that cannot be saved leaves the output as it was
        tasks = render_tasks(
            config, make_environment(config, compiled, inputs.assets), work.pages, work.feeds
        )
        with Staging(destination) as staging:
            rendered = list(_counted(run_tasks(tasks, staging.stage), len(tasks), options.progress))
            sitemap = render_sitemap(config, pages, inputs.copies)
            outline = render_opml(config)
            # of the pages as this write leaves them
            index, behind = search_index(config, pages, rendered, staging, later=options.search_later)
            written = write_site(
                chain(rendered, sitemap, outline, index), inputs.copies, staging, work.unchanged
            )
        state.remember_output(destination, work, written)
    finally:
        state.save()  # what parsed need not be parsed again after a fix (and a shard writer is reaped)
    report = _report(config, inputs, reading, site, written, time.perf_counter() - started, state.notes())
    report = replace(report, search_behind=behind)
    if not behind:  # else the next build, with nothing else to do, must still bring the index up to date
        due = min(filter(None, (_due(site), editions_due)), default=None)
        state.remember_report(destination, report, due)
    return report


class SiteRead(NamedTuple):
    """The first half of a build: the stories as read, the site they make, every content mistake."""

    reading: Reading
    site: Site
    errors: list[DigestError]
    editions_due: datetime | None  # when a dated edition file falls due


def read_site(
    config: SiteConfig, state: BuildState, inputs: Inputs, now: datetime, options: Options
) -> SiteRead:
    """inputs → read → group → editions: the site a build renders (also what `digest email` mails)."""
    known, todo = state.known_articles(inputs.articles)
    parsed = known | parse_files(config, todo, options.progress)
    state.remember_articles(inputs.articles, parsed)
    reading = collect(inputs.articles, parsed)
    published, left_out = publish(reading.articles, now, drafts=options.drafts, future=options.future)
    site, collisions = state.grouped(published, left_out, config.tz)
    site, problems, due = _with_editions(config, site, reading, inputs, now, options)
    return SiteRead(reading, site, reading.errors + collisions + problems, due)


def _with_editions(
    config: SiteConfig, site: Site, reading: Reading, inputs: Inputs, now: datetime, options: Options
) -> tuple[Site, list[DigestError], datetime | None]:
    """The site with its editions, when it has them; the mistakes; when a dated edition falls due."""
    if config.editions is None:
        return site, [], None
    files = read_edition_files(config, inputs.editions)
    placed = place_editions(
        config, site, reading.articles, files.files, now, drafts=options.drafts, future=options.future
    )
    warnings = (*site.warnings, *files.warnings)
    site = replace(site, editions=placed.editions, edition_of=placed.edition_of, warnings=warnings)
    return site, files.errors + placed.errors, placed.due


def _report(
    config: SiteConfig,
    inputs: Inputs,
    reading: Reading,
    site: Site,
    written: Written,
    seconds: float,
    notes: tuple[BuildWarning, ...],
) -> Report:
    """What the build did, with every warning from every stage, for the summary and the next no-op."""
    return Report(
        articles=len(site.articles),
        files=len(written.paths),
        written=len(written.changed),
        seconds=seconds,
        left_out=tuple(LeftOut(a.path, a.title, a.date) for a in site.left_out),
        warnings=(
            *_empty_content(config, inputs),
            *reading.warnings,
            *inputs.skipped,
            *site.warnings,
        ),
        notes=notes,
    )


def _check(errors: list[DigestError]) -> None:
    if errors:
        raise BuildError(errors)


def _due(site: Site) -> datetime | None:
    """When the same inputs next give another site: the first left-out or scheduled story falls due."""
    pending = [*site.left_out, *(a for a in site.articles if a.scheduled)]
    return min((a.date for a in pending), default=None)


def _empty_content(config: SiteConfig, inputs: Inputs) -> list[BuildWarning]:
    """A content folder without a story builds an empty site: likely a mistake, so say so."""
    if inputs.articles:
        return []
    message = "no stories found in this folder — add Markdown (.md) files, or set `content_dir` in site.yml"
    return [BuildWarning(config.content_path, None, message)]


def _counted(outputs: Iterator[Output], total: int, progress: Progress | None) -> Iterator[Output]:
    """Report rendering progress as pages come out, for sites big enough to wait for."""
    for number, output in enumerate(outputs, 1):
        if progress:
            progress("rendering", number, total)
        yield output


def build_now() -> datetime:
    """The build's "now": SOURCE_DATE_EPOCH when set, so builds are reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return datetime.fromtimestamp(int(epoch), timezone.utc) if epoch else datetime.now(timezone.utc)
