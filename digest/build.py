"""build(config) = write(render(site(read(config)))): the whole pipeline, readable in one screen."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timezone
from itertools import chain
from pathlib import Path

from digest.config.folders import output_clash
from digest.config.site_config import SiteConfig
from digest.content.inputs import Listing, content_files, static_files
from digest.content.read import Progress, read_articles
from digest.errors import BuildError, BuildWarning, DigestError
from digest.incremental.cache import Cache, Manifest, damage_note
from digest.incremental.fingerprints import file_stat, inputs_key
from digest.incremental.snapshot import Snapshot, present_in
from digest.render.feeds import feed_work
from digest.render.plan import plan_site
from digest.render.sitemap import render_sitemap
from digest.render.templates import make_environment, page_work
from digest.site.group import build_site
from digest.site.model import LeftOut, Output, Report
from digest.workers import run_tasks
from digest.write.images import missing_images
from digest.write.output import Staging, write_site
from digest.write.paths import REPLACEABLE, path_collisions
from digest.write.record import RECORD
from digest.write.switch import recover


def build(
    config: SiteConfig,
    *,
    drafts: bool = False,
    future: bool = False,
    output: Path | None = None,
    progress: Progress | None = None,
    clean: bool = False,
    listing: Listing | None = None,
    output_intact: bool = False,
) -> Report:
    """Build into `output` (default: the configured folder); raises BuildError listing every mistake.

    Work the cache shows to be done already is skipped; `clean` ignores the cache. A caller that
    watches the disk may pass the content folder's `listing`, and vouch that the output is as the
    last build left it (`output_intact`), so neither is looked at file by file.
    """
    started = time.perf_counter()
    destination = (output or config.output_path).resolve()
    recover(destination)  # what a killed build left: undone or finished before anything is read
    check_destination(config, destination)
    damaged: set[Path] = set()  # cache files found damaged, reported once
    env = make_environment(config, damaged, clean=clean)
    articles, others = listing or content_files(config)
    skipped: list[BuildWarning] = []
    copies = static_files(config, others, skipped)
    now = build_now()
    inputs = articles | {str(source): file_stat(source) for source, _ in copies}
    key = inputs_key(env.globals["theme_key"], f"{drafts} {future}", inputs)
    if not clean and (report := _unchanged(config, destination, key, now, output_intact, damaged)):
        return replace(report, seconds=time.perf_counter() - started, notes=damage_note(config.root, damaged))
    cache = Cache.load(config, damaged, clean=clean)
    reading = read_articles(config, progress, cache, articles)
    cache.save_articles_soon()
    try:
        site, collisions = build_site(
            reading.articles, config.tz, now, drafts=drafts, future=future, known_related=cache.related
        )
        cache.remember_related(site)
        if reading.errors or collisions:
            raise BuildError(reading.errors + collisions)
        pages = plan_site(config, site)
        clashes = path_collisions(config, site, pages, copies)
        if clashes := clashes + missing_images(config, site.articles, copies):
            raise BuildError(clashes)
        replaced = REPLACEABLE.intersection(relative for _, relative in copies)  # e.g. the site's robots.txt
        previous = cache.manifest(destination)
        kept = _kept_pages(previous, destination, output_intact)
        page_jobs, feed_jobs = page_work(config, env, pages, kept), feed_work(config, site, kept)
        todo = [*feed_jobs.todo, *page_jobs.todo]  # feeds first: the slowest renders, spread over the workers
        cache.save()  # before the write-out: a cache that cannot be saved leaves the output as it was
        with Staging(destination) as staging:
            outputs = chain(
                page_jobs.kept,
                feed_jobs.kept,
                _counted(run_tasks(todo, staging.stage), len(todo), progress),
                [out for out in render_sitemap(config, pages) if out.path not in replaced],
            )
            written, manifest = write_site(outputs, copies, staging, previous, kept)
    except BaseException:
        cache.save()  # what did parse need not be parsed again after the fix (and a shard writer is reaped)
        raise
    cache.record(destination, manifest)
    cache.save()
    report = Report(
        articles=len(site.articles),
        files=len(manifest.paths()),
        written=written,
        seconds=time.perf_counter() - started,
        left_out=tuple(LeftOut(a.path, a.title, a.date) for a in site.left_out),
        warnings=(*_empty_content(config, articles), *reading.warnings, *skipped, *site.warnings),
        notes=damage_note(config.root, damaged),
    )
    pending = [*site.left_out, *(a for a in site.articles if a.scheduled)]  # these change as time passes
    due = min((a.date for a in pending), default=None)
    outputs = tuple(sorted(manifest.stats.items()))
    Snapshot(key, due and due.isoformat(), report, outputs).save(config, destination)
    return report


def _unchanged(
    config: SiteConfig, destination: Path, key: str, now: datetime, intact: bool, damaged: set[Path]
) -> Report | None:
    """The last build's report when no input changed, no article fell due and no output was touched."""
    snapshot = Snapshot.load(config, destination, key, damaged)
    if snapshot is None:
        return None
    if snapshot.due is not None and datetime.fromisoformat(snapshot.due) <= now:
        return None
    if not intact:
        present = present_in(destination)
        if not all(present(path, stat) for path, stat in snapshot.outputs):
            return None
    return replace(snapshot.report, written=0)


def _empty_content(config: SiteConfig, articles: dict[str, object]) -> list[BuildWarning]:
    """A content folder without a story builds an empty site: likely a mistake, so say so."""
    if articles:
        return []
    message = "no stories found in this folder — add Markdown (.md) files, or set `content_dir` in site.yml"
    return [BuildWarning(config.content_path, None, message)]


def _counted(outputs: Iterator[Output], total: int, progress: Progress | None) -> Iterator[Output]:
    """Report rendering progress as pages come out, for sites big enough to wait for."""
    for number, output in enumerate(outputs, 1):
        if progress:
            progress("rendering", number, total)
        yield output


def _kept_pages(manifest: Manifest, destination: Path, intact: bool) -> dict[str, str]:
    """Fingerprints of pages the last build wrote here and that are on disk as it wrote them."""
    if manifest.destination != str(destination):
        return {}
    if intact:
        return manifest.pages
    present, stats = present_in(destination), manifest.stats
    return {path: key for path, key in manifest.pages.items() if present(path, stats.get(path))}


def build_now() -> datetime:
    """The build's "now": SOURCE_DATE_EPOCH when set, so builds are reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return datetime.fromtimestamp(int(epoch), timezone.utc) if epoch else datetime.now(timezone.utc)


def check_destination(config: SiteConfig, destination: Path) -> None:
    """Refuse an output folder that would replace the site itself or anything it reads from."""
    if reason := output_clash(config, destination):
        raise DigestError(config.root / "site.yml", None, reason)
    if destination.is_dir() and not (destination / RECORD).is_file() and any(destination.iterdir()):
        raise DigestError(
            destination,
            None,
            f"not made by digest (it holds no {RECORD}), so nothing in it will be replaced — "
            "choose an empty or new folder, or remove its files",
        )
