"""Two stories that cite the same source story: usually the same news curated twice."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

from digest.content.article import Article
from digest.curator.findings import Finding
from digest.curator.origins import Origins


def same_source(articles: Iterable[Article], origins: Origins) -> list[Finding]:
    """A warning on every story whose source URL an older story (by date, then path) already cites."""
    first: dict[str, Article] = {}
    findings = []
    for article in sorted(articles, key=lambda a: (a.date, a.path.as_posix())):
        if not article.source.url:
            continue
        key = same_page(article.source.url)
        if key not in first:
            first[key] = article
            continue
        other = first[key]
        lines = origins.url_lines(article.path, [article.source.url])
        message = (
            f"source URL {article.source.url} is also the source of {other.path.as_posix()} "
            f"({other.title}) — merge the two stories, or correct the URL"
        )
        findings.append(Finding(article.path, lines[0] if lines else None, message, "duplicate", "warning"))
    return findings


def same_page(url: str) -> str:
    """The URL as one page: any scheme, the host in lower case, no fragment, no trailing slash."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url
    path = parts.path.rstrip("/")
    return urlunsplit(("", parts.netloc.lower(), path, parts.query, ""))  # http or https: one page
