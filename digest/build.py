"""build(config) = write(render(site(read(config)))): the whole pipeline, readable in one screen."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timezone
from itertools import chain
from pathlib import Path

from .cache import Cache, Manifest, damage_note
from .config import SiteConfig
from .errors import BuildError, DigestError
from .feeds import feed_work
from .keys import file_stat, inputs_key
from .model import LeftOut, Output, Report
from .pages import plan_site
from .parallel import run_tasks
from .read import Listing, Progress, content_files, read_articles
from .render import make_environment, page_work, theme_dirs
from .site import build_site
from .sitemap import render_sitemap
from .snapshot import Snapshot, present_in
from .write import Staging, write_site


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
    check_destination(config, destination)
    damaged: set[Path] = set()  # cache files found damaged, reported once
    env = make_environment(config, damaged, clean=clean)
    articles, others = listing or content_files(config)
    copies = static_files(config, others)
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
        previous = cache.manifest(destination)
        kept = _kept_pages(previous, destination, output_intact)
        page_jobs, feed_jobs = page_work(config, env, pages, kept), feed_work(config, site, kept)
        todo = [*feed_jobs.todo, *page_jobs.todo]  # feeds first: the slowest renders, spread over the workers
        with Staging(destination, previous) as staging:
            outputs = chain(
                page_jobs.kept,
                feed_jobs.kept,
                _counted(run_tasks(todo, staging.stage), len(todo), progress),
                render_sitemap(config, pages),
            )
            written, manifest = write_site(outputs, copies, staging, previous)
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
        warnings=tuple(reading.warnings),
        notes=damage_note(config.root, damaged),
    )
    pending = [*site.left_out, *(a for a in site.articles if a.scheduled)]  # these change as time passes
    due = min((a.date for a in pending), default=None)
    Snapshot(key, due and due.isoformat(), report, tuple(sorted(manifest.paths()))).save(config, destination)
    return report


def _unchanged(
    config: SiteConfig, destination: Path, key: str, now: datetime, intact: bool, damaged: set[Path]
) -> Report | None:
    """The last build's report when no input changed, no article fell due and no output went missing."""
    snapshot = Snapshot.load(config, destination, key, damaged)
    if snapshot is None:
        return None
    if snapshot.due is not None and datetime.fromisoformat(snapshot.due) <= now:
        return None
    if not intact and not all(map(present_in(destination), snapshot.outputs)):
        return None
    return replace(snapshot.report, written=0)


def _counted(outputs: Iterator[Output], total: int, progress: Progress | None) -> Iterator[Output]:
    """Report rendering progress as pages come out, for sites big enough to wait for."""
    for number, output in enumerate(outputs, 1):
        if progress:
            progress("rendering", number, total)
        yield output


def _kept_pages(manifest: Manifest, destination: Path, intact: bool) -> dict[str, str]:
    """Fingerprints of pages the last build wrote here and that are still on disk."""
    if manifest.destination != str(destination):
        return {}
    if intact:
        return manifest.pages
    present = present_in(destination)
    return {path: key for path, key in manifest.pages.items() if present(path)}


def build_now() -> datetime:
    """The build's "now": SOURCE_DATE_EPOCH when set, so builds are reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return datetime.fromtimestamp(int(epoch), timezone.utc) if epoch else datetime.now(timezone.utc)


def static_files(config: SiteConfig, content: list[Path]) -> list[tuple[Path, str]]:
    """Files copied as they are: theme assets under static/, the site's static/, then `content`'s files."""
    copies: list[tuple[Path, str]] = []
    for theme in reversed(theme_dirs(config)):  # the built-in first, so the site's theme overrides it
        copies += _tree(theme / "static", "static/")
    copies += _tree(config.root / config.static_dir, "")
    copies += [(path, path.relative_to(config.content_path).as_posix()) for path in content]
    return [(source, relative) for relative, source in {rel: src for src, rel in copies}.items()]


def _tree(folder: Path, prefix: str) -> list[tuple[Path, str]]:
    if not folder.is_dir():
        return []
    return [(p, prefix + p.relative_to(folder).as_posix()) for p in sorted(folder.rglob("*")) if p.is_file()]


def check_destination(config: SiteConfig, destination: Path) -> None:
    """Refuse an output folder that would replace the site itself or anything it reads from."""
    guarded = [config.root, config.content_path.resolve(), (config.root / "themes").resolve()]
    for folder in guarded:
        if destination == folder or folder.is_relative_to(destination):
            raise DigestError(
                config.root / "site.yml",
                None,
                f"output folder {destination} would replace {folder} — choose another `output_dir`",
            )
    if destination.is_dir() and any(destination.iterdir()) and not _looks_built(destination):
        raise DigestError(
            destination,
            None,
            "this folder is not empty and was not made by digest, so it will not be replaced — "
            "choose an empty or new output folder",
        )


def _looks_built(folder: Path) -> bool:
    """A previous digest output has these; anything else may be someone's files."""
    return all((folder / name).exists() for name in ("index.html", "404.html", "static"))
