"""One owner per URL and output path: stories, generated pages and copied files never replace each other."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

from .config import SiteConfig
from .errors import DigestError
from .model import Article, Site
from .pages import Page

RESERVED = MappingProxyType(
    {  # the first part of a URL that digest's own pages use, and which pages they are
        "": "the front page",
        "index.html": "the front page",
        "page": "the front page's later pages",
        "tags": "the tag pages",
        "sources": "the source pages",
        "locations": "the location pages",
        "archive": "the archive",
        "static": "the theme's files",
        "404.html": "the not-found page",
    }
)
# Generated files a site's own static file may replace (a hand-written robots.txt is common).
REPLACEABLE = frozenset({"robots.txt"})
GENERATED = MappingProxyType(
    {
        "feed.xml": "the generated feed /feed.xml",
        "rss.xml": "the generated RSS feed /rss.xml",
        "feed.json": "the generated JSON feed /feed.json",
        "sitemap.xml": "the generated sitemap /sitemap.xml",
    }
)


def url_collisions(articles: list[Article]) -> list[DigestError]:
    """Two files claiming one URL, or an article URL that a generated page needs."""
    urls = {article.url for article in articles}
    if len(urls) == len(articles) and not any(u.split("/")[0] in RESERVED for u in urls):
        return []  # the usual case, seen without sorting 10,000 paths
    errors: list[DigestError] = []
    claimed: dict[str, Article] = {}
    for article in sorted(articles, key=lambda a: a.path.as_posix()):
        if (owner := RESERVED.get(article.url.split("/")[0])) is not None:
            errors.append(
                DigestError(
                    article.path,
                    None,
                    f"its URL /{article.url} belongs to {owner} — change its `slug` or the `permalink` "
                    "pattern in site.yml",
                )
            )
        elif article.url in claimed:
            errors.append(
                DigestError(
                    article.path,
                    None,
                    f"URL `/{article.url}` is also claimed by {claimed[article.url].path.as_posix()} — "
                    "give one of them a different `slug`",
                )
            )
        else:
            claimed[article.url] = article
    return errors


def path_collisions(
    config: SiteConfig, site: Site, pages: list[Page], copies: list[tuple[Path, str]]
) -> list[DigestError]:
    """Every copied file whose path a story, a generated page or feed, or another copy already claims.

    Stories among themselves and generated pages are kept apart by `url_collisions`; what remains
    is files published as they are (from `content/` or the static folder), seen here all at once.
    """
    static = config.root / config.static_dir
    mine = [(source, relative) for source, relative in copies if not _is_theme(relative, source, config)]
    if not mine:
        return []  # the usual site: theme assets only, which nothing else can claim
    claimed = dict(GENERATED)
    for term in (*site.tags, *site.sources, *site.locations):
        claimed[f"{term.url}feed.xml"] = f"the generated feed /{term.url}feed.xml"
    stories = {article.url: article for article in site.articles}
    for page in pages:
        story = stories.get(page.info.url) if page.info.kind == "article" else None
        owner = f"the story {config.shown(story.path).as_posix()} at" if story else "the generated page"
        claimed[page.path] = f"{owner} /{page.info.url}"
    errors = []
    for source, relative in mine:
        if relative in claimed:
            message = f"collides with {claimed[relative]} — rename or remove it"
            errors.append(DigestError(config.shown(source), None, message))
        elif source.is_relative_to(config.content_path) and (twin := static / relative).is_file():
            errors.append(
                DigestError(
                    config.shown(source),
                    None,
                    f"published at /{relative}, as is {config.shown(twin).as_posix()} from `static_dir` — "
                    "keep only one of the two files",
                )
            )
    return errors


def _is_theme(relative: str, source: Path, config: SiteConfig) -> bool:
    """A theme asset (the site may override these on purpose), or a static robots.txt (replaceable)."""
    return relative in REPLACEABLE or (
        relative.startswith("static/")
        and not source.is_relative_to(config.content_path)
        and not source.is_relative_to(config.root / config.static_dir)
    )
