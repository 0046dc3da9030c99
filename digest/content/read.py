"""content/**/*.md → Articles: every file read, checked and rendered, every mistake collected."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from digest.config.site_config import SiteConfig
from digest.content import frontmatter
from digest.content.dates import FILENAME_DATE
from digest.content.file_bytes import read_content, unreadable
from digest.content.inputs import content_files
from digest.content.markup import MarkdownRenderer, first_paragraph_text, word_count
from digest.errors import BuildError, BuildWarning, DigestError
from digest.incremental.cache import Cache, Cached
from digest.incremental.fingerprints import FileState, Stat, file_state
from digest.site.model import Article, Location, Source, Tag
from digest.urls import article_url, is_external, slugify
from digest.workers import start_forked_worker

Progress = Callable[[str, int, int], None]
PARALLEL_FROM = 64  # below this many files to parse, starting worker processes costs more than it saves


@dataclass(slots=True)
class Reading:
    """What reading the content folder produced: articles, and every error and warning on the way."""

    articles: list[Article] = field(default_factory=list)
    errors: list[DigestError] = field(default_factory=list)
    warnings: list[BuildWarning] = field(default_factory=list)


def read_articles(
    config: SiteConfig,
    progress: Progress | None = None,
    cache: Cache | None = None,
    files: dict[str, Stat] | None = None,
) -> Reading:
    """Read, check and render every article; errors are collected, never raised one at a time.

    Files whose stat or hash matches the cache are not parsed again; the rest are parsed on all cores.
    `files` is the content folder's articles when the caller has already listed them.
    """
    cache = cache or Cache(Path(), "")
    files = content_files(config)[0] if files is None else files
    results: dict[str, Cached | list[DigestError]] = {}
    todo: list[Path] = []
    for key, stat in files.items():
        cached = cache.articles.get(key)
        if cached and (cached.state.mtime_ns, cached.state.size) == stat:
            results[key] = cached
        elif cached and (state := _state(Path(key))) and state.sha == cached.state.sha:
            results[key] = Cached(state, cached.article, cached.warnings)  # touched, not changed
        else:
            todo.append(Path(key))
    for number, (path, result) in enumerate(_parse_all(config, todo), 1):
        if progress:
            progress("reading", number, len(todo))
        results[path.as_posix()] = result
    reading = Reading()
    for gone in set(cache.articles).difference(files):
        cache.put(gone, None)
    for key in files:
        result = results[key]
        if isinstance(result, list):
            cache.put(key, None)
            reading.errors.extend(result)
            continue
        if cache.articles.get(key) is not result:
            cache.put(key, result)
        reading.articles.append(result.article)
        reading.warnings.extend(result.warnings)
    return reading


def _state(path: Path) -> FileState | None:
    """A file's stat and hash, or None when it cannot be read (parsing it then reports why)."""
    try:
        return file_state(path)
    except OSError:
        return None


def _parse_all(config: SiteConfig, paths: list[Path]) -> Iterator[tuple[Path, Cached | list[DigestError]]]:
    """Parse files here, or in worker processes when there are enough to repay starting them."""
    if len(paths) < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
        _start_worker(config)
        yield from zip(paths, map(_parse_one, paths), strict=True)
        return
    with ProcessPoolExecutor(initializer=_start_pool_worker, initargs=(config, os.getpid())) as pool:
        yield from zip(paths, pool.map(_parse_one, paths, chunksize=32), strict=True)


_WORKER: tuple[SiteConfig, MarkdownRenderer] | None = None


def _start_worker(config: SiteConfig) -> None:
    """Each process builds its Markdown converter once (building one costs more than a short article)."""
    global _WORKER
    _WORKER = (config, MarkdownRenderer(config.markdown))


def _start_pool_worker(config: SiteConfig, parent: int) -> None:
    """A parse worker: dies with the build, collects its garbage (parsing makes cycles), makes a converter."""
    start_forked_worker(parent)
    _start_worker(config)


def _parse_one(path: Path) -> Cached | list[DigestError]:
    """One file → its Article and warnings (cacheable), or the errors in it."""
    assert _WORKER is not None
    config, renderer = _WORKER
    shown = config.shown(path)
    warnings: list[BuildWarning] = []
    try:
        data = read_content(path, shown, config.markdown.max_size)
        state = file_state(path, data)
        article = read_article(data, path, shown, config, renderer, warnings)
        return Cached(state, replace(article, digest=state.sha), warnings)
    except DigestError as error:
        return [error]
    except BuildError as failed:
        return failed.errors
    except OSError as error:
        return [unreadable(path, shown, error)]


def read_article(
    data: bytes,
    path: Path,
    shown: Path,
    config: SiteConfig,
    renderer: MarkdownRenderer,
    warnings: list[BuildWarning],
) -> Article:
    """One file's bytes → one Article; `shown` is the path used in messages (relative to the site)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DigestError(shown, line, "not UTF-8 text — save the file as UTF-8") from None
    relative = path.relative_to(config.content_path).as_posix()
    front, body = frontmatter.parse(text, shown, relative, config, warnings)
    source = Source(front.source_name, front.source_url, config.term_slug("sources", front.source_name))
    slug = slugify(front.slug or _file_slug(path))
    url = article_url(config.permalink, date=front.date.astimezone(config.tz), slug=slug, source=source.slug)
    html = renderer.render(body, url)
    return Article(
        path=shown,
        title=front.title,
        date=front.date,
        source=source,
        slug=slug,
        url=url,
        body=html,
        summary=front.summary or first_paragraph_text(html),
        words=word_count(html),
        location=_location(front.location, config),
        tags=_tags(front.tags, config),
        author=front.author,
        image=_image(front.image),
        image_alt=front.image_alt,
        updated=front.updated,
        draft=front.draft,
        extra=front.extra,
    )


def _file_slug(path: Path) -> str:
    """The slug a file name implies: `2022-09-15-putin-xi.md` → `putin-xi`; `story/index.md` → `story`."""
    stem = path.parent.name if path.stem == "index" else path.stem
    return FILENAME_DATE.sub("", stem) or stem


def _location(place: dict[str, Any] | None, config: SiteConfig) -> Location | None:
    if place is None:
        return None
    name = place.get("name") or ", ".join(place[k] for k in ("city", "region", "country") if place.get(k))
    return Location(
        name=name,
        slug=config.term_slug("locations", name),
        city=place.get("city"),
        region=place.get("region"),
        country=place.get("country"),
        lat=place.get("lat"),
        lon=place.get("lon"),
    )


def _tags(names: tuple[str, ...], config: SiteConfig) -> tuple[Tag, ...]:
    """Tags with repeats removed: "Energy" and "energy" in one file are one tag."""
    seen: dict[str, Tag] = {}
    for name in names:
        slug = config.term_slug("tags", name)
        seen.setdefault(slug, Tag(name, slug))
    return tuple(seen.values())


def _image(value: str | None) -> str | None:
    """An image path as a site-relative URL (content files are published at the site's root)."""
    if value is None:
        return None
    return value if is_external(value) else value.lstrip("/")
