"""The original links a digest already has, compared as one story however the URL was spelt."""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from digest.config.site_config import SiteConfig
from digest.content.inputs import content_files
from digest.content.read import parse_files
from digest.errors import DigestError

_DEFAULT_PORTS = {"http": 80, "https": 443}


def link_key(url: str) -> str:
    """`url` compared as a story: scheme and host in any case, no default port, no trailing slash,
    no fragment and no utm_* tracking parameters."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:  # a port that is not a number: compare the URL as written
        return url.strip()
    host = (parts.hostname or "") + (f":{port}" if port and port != _DEFAULT_PORTS.get(scheme) else "")
    return urlunsplit((scheme, host, parts.path.rstrip("/"), _untracked(parts.query), ""))


def without_tracking(url: str) -> str:
    """`url` as a story keeps it: without utm_* parameters, otherwise exactly as written."""
    parts = urlsplit(url)
    if not any(k.lower().startswith("utm_") for k, _ in parse_qsl(parts.query, keep_blank_values=True)):
        return url
    return parts._replace(query=_untracked(parts.query)).geturl()


def _untracked(query: str) -> str:
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode([(k, v) for k, v in pairs if not k.lower().startswith("utm_")], quote_via=quote)


def known_links(config: SiteConfig) -> tuple[set[str], list[DigestError]]:
    """Every story's `source.url` as a link key (drafts too), and the errors of files that cannot be read."""
    results = parse_files(config, list(content_files(config).articles))
    links: set[str] = set()
    errors: list[DigestError] = []
    for result in results.values():
        if isinstance(result, list):
            errors.extend(result)
        elif result.article.source.url:
            links.add(link_key(result.article.source.url))
    return links, errors
