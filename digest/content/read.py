"""content/**/*.md → Articles: every file read, checked and rendered, every mistake collected."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from digest.config.site_config import SiteConfig
from digest.content import frontmatter
from digest.content.article import Article, Compact, Location, Source, Tag
from digest.content.dates import FILENAME_DATE
from digest.content.file_bytes import read_content, unreadable
from digest.content.inputs import Stat
from digest.content.markup import MarkdownRenderer, first_paragraph_text, word_count
from digest.errors import BuildError, BuildWarning, DigestError
from digest.urls import article_url, is_external, slugify
from digest.workers import start_forked_worker

Progress = Callable[[str, int, int], None]
PARALLEL_FROM = 64  # below this many files to parse, starting worker processes costs more than it saves


@dataclass(frozen=True, slots=True)
class FileState(Compact):
    """What a story file looked like when it was read: cheap to compare (stat), then sure (fingerprint)."""

    mtime_ns: int
    size: int
    fingerprint: str

    @property
    def stat(self) -> Stat:
        return self.mtime_ns, self.size


@dataclass(frozen=True, slots=True)
class Parsed(Compact):
    """A story file read without errors: its Article and the warnings it gave."""

    file: FileState
    article: Article
    warnings: tuple[BuildWarning, ...]


Result = Parsed | list[DigestError]  # a file's story, or every mistake found in it


@dataclass(slots=True)
class Reading:
    """What reading the content folder produced: articles, and every error and warning on the way."""

    articles: list[Article] = field(default_factory=list)
    errors: list[DigestError] = field(default_factory=list)
    warnings: list[BuildWarning] = field(default_factory=list)


def collect(files: Iterable[str], results: Mapping[str, Result]) -> Reading:
    """Every file's result, in the listing's order: the stories, and the mistakes all at once."""
    reading = Reading()
    for path in files:
        result = results[path]
        if isinstance(result, list):
            reading.errors.extend(result)
        else:
            reading.articles.append(result.article)
            reading.warnings.extend(result.warnings)
    return reading


def parse_files(config: SiteConfig, paths: list[str], progress: Progress | None = None) -> dict[str, Result]:
    """Read, check and render these story files, on all cores when there are enough to repay it."""
    results: dict[str, Result] = {}
    for number, (path, result) in enumerate(_parse_all(config, [Path(p) for p in paths]), 1):
        if progress:
            progress("reading", number, len(paths))
        results[path.as_posix()] = result
    return results


def file_state(path: Path, data: bytes | None = None) -> FileState:
    """A story file's stat and fingerprint (from `data` when it was already read)."""
    stat = path.stat()
    if data is None:
        data = path.read_bytes()
    return FileState(stat.st_mtime_ns, stat.st_size, hashlib.sha256(data).hexdigest())


def _parse_all(config: SiteConfig, paths: list[Path]) -> Iterator[tuple[Path, Result]]:
    """Parse files here, or in worker processes when there are enough to repay starting them."""
    if len(paths) < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
        renderer = MarkdownRenderer(config.markdown)
        yield from ((path, _parse_one(path, config, renderer)) for path in paths)
        return
    with ProcessPoolExecutor(initializer=_start_worker, initargs=(config, os.getpid())) as pool:
        yield from zip(paths, pool.map(_parse_in_worker, paths, chunksize=32), strict=True)


_WORKER: tuple[SiteConfig, MarkdownRenderer] | None = None  # set in each parse worker, never in the build


def _start_worker(config: SiteConfig, parent: int) -> None:
    """A parse worker: dies with the build, collects its own garbage, makes its Markdown converter once."""
    global _WORKER
    start_forked_worker(parent)
    _WORKER = (config, MarkdownRenderer(config.markdown))


def _parse_in_worker(path: Path) -> Result:
    assert _WORKER is not None
    return _parse_one(path, *_WORKER)


def _parse_one(path: Path, config: SiteConfig, renderer: MarkdownRenderer) -> Result:
    """One file → its Article and warnings, or the errors in it."""
    shown = config.shown(path)
    warnings: list[BuildWarning] = []
    try:
        data = read_content(path, shown, config.markdown.max_size)
        file = file_state(path, data)
        article = read_article(data, path, shown, config, renderer, warnings)
        return Parsed(file, replace(article, file_fingerprint=file.fingerprint), tuple(warnings))
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
        title=renderer.title(front.title),
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
        timed=front.timed,
        edition=front.edition,
        section=front.section,
        section_line=front.section_line,
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
