"""content/**/*.md → Articles: every file read, checked and rendered, every mistake collected."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

from . import frontmatter
from .config import SiteConfig
from .dates import FILENAME_DATE
from .errors import BuildError, BuildWarning, DigestError
from .markup import MarkdownRenderer, first_paragraph_text, word_count
from .model import Article, Location, Source, Tag
from .urls import article_url, is_external, slugify

Progress = Callable[[str, int, int], None]


@dataclass(slots=True)
class Reading:
    """What reading the content folder produced: articles, and every error and warning on the way."""

    articles: list[Article] = field(default_factory=list)
    errors: list[DigestError] = field(default_factory=list)
    warnings: list[BuildWarning] = field(default_factory=list)


def is_ignored(relative: Path, patterns: tuple[str, ...]) -> bool:
    """Whether any part of a content path matches an `ignore` glob (`_index.md`, `.drafts/`)."""
    return any(fnmatch(part, pattern) for part in relative.parts for pattern in patterns)


def content_files(config: SiteConfig, suffix: str = ".md") -> list[Path]:
    """The content folder's files, sorted so every build reads them in the same order."""
    root = config.content_path
    if not root.is_dir():
        return []
    return sorted(
        path
        for path in root.rglob("*")
        if path.is_file()
        and (path.suffix == ".md") == (suffix == ".md")
        and not is_ignored(path.relative_to(root), config.ignore)
    )


def read_articles(config: SiteConfig, progress: Progress | None = None) -> Reading:
    """Read, check and render every article; errors are collected, never raised one at a time."""
    reading = Reading()
    renderer = MarkdownRenderer(config.markdown)
    files = content_files(config)
    for number, path in enumerate(files, 1):
        if progress:
            progress("reading", number, len(files))
        shown = path.relative_to(config.root) if path.is_relative_to(config.root) else path
        try:
            reading.articles.append(read_article(path, shown, config, renderer, reading.warnings))
        except DigestError as error:
            reading.errors.append(error)
        except BuildError as failed:
            reading.errors.extend(failed.errors)
    return reading


def read_article(
    path: Path, shown: Path, config: SiteConfig, renderer: MarkdownRenderer, warnings: list[BuildWarning]
) -> Article:
    """One file → one Article; `shown` is the path used in messages (relative to the site)."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DigestError(shown, line, "not UTF-8 text — save the file as UTF-8") from None
    relative = path.relative_to(config.content_path).as_posix()
    front, body = frontmatter.parse(text, shown, relative, config, warnings)
    source = Source(front.source_name, front.source_url, slugify(front.source_name))
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
        location=_location(front.location),
        tags=_tags(front.tags),
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


def _location(place: dict[str, Any] | None) -> Location | None:
    if place is None:
        return None
    name = place.get("name") or ", ".join(place[k] for k in ("city", "region", "country") if place.get(k))
    return Location(
        name=name,
        slug=slugify(name),
        city=place.get("city"),
        region=place.get("region"),
        country=place.get("country"),
        lat=place.get("lat"),
        lon=place.get("lon"),
    )


def _tags(names: tuple[str, ...]) -> tuple[Tag, ...]:
    """Tags with repeats removed: "Energy" and "energy" in one file are one tag."""
    seen: dict[str, Tag] = {}
    for name in names:
        seen.setdefault(slugify(name), Tag(name, slugify(name)))
    return tuple(seen.values())


def _image(value: str | None) -> str | None:
    """An image path as a site-relative URL (content files are published at the site's root)."""
    if value is None:
        return None
    return value if is_external(value) else value.lstrip("/")
