"""One owner per output path: a copied file never replaces a story, a generated page or another copy."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

from digest.config.site_config import SiteConfig
from digest.content.inputs import Copy
from digest.errors import DigestError
from digest.render.plan import OPML, Page
from digest.render.sitemap import REPLACEABLE
from digest.site.model import Site

GENERATED = MappingProxyType(
    {
        "feed.xml": "the generated feed /feed.xml",
        "rss.xml": "the generated RSS feed /rss.xml",
        "feed.json": "the generated JSON feed /feed.json",
        "sitemap.xml": "the generated sitemap /sitemap.xml",
    }
)


def path_collisions(
    config: SiteConfig, site: Site, pages: list[Page], copies: list[Copy]
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
    if any(entry.feed for entry in config.sources):
        claimed[OPML] = f"the generated list of sources /{OPML}"
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
