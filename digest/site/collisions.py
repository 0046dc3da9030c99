"""One owner per URL: two stories, or a story and a page digest makes, never claim the same address."""

from __future__ import annotations

from types import MappingProxyType

from digest.content.article import Article
from digest.errors import DigestError

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
        "search": "the search page",
        "pagefind": "the search index",
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
