"""Two stories that cite the same source story: usually the same news curated twice."""

from __future__ import annotations

from collections.abc import Iterable

from digest.content.article import Article
from digest.curator.findings import Finding
from digest.curator.origins import Origins
from digest.urls import link_key


def same_source(articles: Iterable[Article], origins: Origins) -> list[Finding]:
    """A warning on every story whose source URL an older story (by date, then path) already cites."""
    first: dict[str, Article] = {}
    findings = []
    for article in sorted(articles, key=lambda a: (a.date, a.path.as_posix())):
        if not article.source.url:
            continue
        key = link_key(article.source.url)
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
