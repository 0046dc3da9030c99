"""The stories a digest already has: their original links, compared however spelt, and their URLs."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from digest.config.site_config import SiteConfig
from digest.config.themes import theme_dirs
from digest.content.inputs import content_files
from digest.content.read import parse_files
from digest.errors import DigestError
from digest.incremental.state import BuildState
from digest.urls import link_key, untracked


def without_tracking(url: str) -> str:
    """`url` as a story keeps it: without utm_* parameters, otherwise exactly as written."""
    parts = urlsplit(url)
    if not any(k.lower().startswith("utm_") for k, _ in parse_qsl(parts.query, keep_blank_values=True)):
        return url
    return parts._replace(query=untracked(parts.query)).geturl()


@dataclass(frozen=True, slots=True)
class Known:
    """What the digest already has: its stories' original links (as link keys) and their URLs."""

    links: set[str]
    urls: set[str]
    errors: list[DigestError]  # story files that cannot be read: their link and URL are unknown


def known_stories(config: SiteConfig) -> Known:
    """Every story's link and URL, drafts too, read as the build reads them.

    Stories the last build parsed and that did not change since come from its cache (10,000 stories
    in about a second); the others are parsed, on all cores.
    """
    files = content_files(config).articles
    state = BuildState.load(config.root)
    state.begin(config, theme_dirs(config), drafts=False, future=False)
    cached, todo = state.known_articles(files)
    articles = [parsed.article for parsed in cached.values()]
    errors: list[DigestError] = []
    for result in parse_files(config, todo).values():
        if isinstance(result, list):
            errors.extend(result)
        else:
            articles.append(result.article)
    links = {link_key(article.source.url) for article in articles if article.source.url}
    return Known(links, {article.url for article in articles}, errors)
