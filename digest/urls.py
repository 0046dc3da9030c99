"""Slugs and every URL rule in one place, so links are right wherever the site is deployed."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import datetime
from types import MappingProxyType
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from slugify import slugify as _slugify

_SAFE = "/#?=&.-_~%"  # characters left as they are when a path is percent-encoded
_DEFAULT_PORTS = MappingProxyType({"http": 80, "https": 443})


def slugify(text: str) -> str:
    """A stable, ASCII, URL- and filesystem-safe slug; "Énergie" and "energie" give the same one."""
    slug = _slugify(text, max_length=80, word_boundary=True)
    if not slug:  # nothing transliterable (emoji, symbols): a stable name derived from the text
        slug = "x-" + hashlib.sha1(text.strip().casefold().encode()).hexdigest()[:10]
    return slug


def article_url(pattern: str, *, date: datetime, slug: str, source: str) -> str:
    """The site-relative URL of an article from the `permalink` pattern (`/{year}/{month}/{slug}/`)."""
    url = pattern.format(
        year=f"{date.year:04d}", month=f"{date.month:02d}", day=f"{date.day:02d}", slug=slug, source=source
    )
    return url.lstrip("/")


def output_file(url: str) -> str:
    """The file that serves a site-relative URL: pretty URLs end in `/` and get an index.html."""
    return url + "index.html" if url == "" or url.endswith("/") else url


_SCHEME = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)")
_UNSAFE = re.compile(r"[^A-Za-z0-9/#?=&.\-_~%]")


def is_external(target: str) -> bool:
    """Whether a link leaves the site (has a scheme like https: or mailto:, or starts with //)."""
    return _SCHEME.match(target) is not None


def linker(page: str) -> Callable[[str], str]:
    """The function making hrefs on the page at `page`: relative, so the site works under any sub-path.

    Every href climbs to the site's root and goes down to the target (`../../tags/x/`), so a piece
    of a page (a story card) links alike from every page at the same depth and can be rendered once
    for all of them. Called for every link of every page, so it works on plain strings.
    """
    up = "../" * page.lstrip("/").count("/")  # "2022/09/x/" → 3 levels, "b/c.html" → 1, "404.html" → 0

    def link(target: str) -> str:
        if target.startswith("#") or is_external(target):
            return target
        return _quoted(up + target.lstrip("/") or "./")

    return link


def _quoted(url: str) -> str:
    """`url` percent-encoded where needed; most URLs need nothing, and looking is cheaper than quoting."""
    return quote(url, safe=_SAFE) if _UNSAFE.search(url) else url


def relative_url(target: str, page: str) -> str:
    """The href from page URL `page` to site-relative `target`."""
    return linker(page)(target)


def absolute_url(base_url: str, target: str) -> str:
    """The absolute URL of a site-relative target under `base_url` (for feeds, canonical links)."""
    if is_external(target):
        return target
    return base_url + encoded(target)


def encoded(target: str) -> str:
    """A site-relative target as it follows `base_url` in an absolute URL: percent-encoded."""
    return _quoted(target.lstrip("/"))


def root_url(base_url: str, target: str) -> str:
    """A root-relative href (`/digest/tags/`), for pages served at any path such as the 404 page."""
    if is_external(target):
        return target
    return urlsplit(base_url).path + encoded(target)


def link_key(url: str) -> str:
    """An original story's link as one story, however spelt: http or https, the host in any case, no
    default port, trailing slash, fragment or utm_* tracking parameter. Finds a story curated twice."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:  # a port that is not a number: compare the URL as written
        return url.strip()
    host = (parts.hostname or "") + (f":{port}" if port and port != _DEFAULT_PORTS.get(scheme) else "")
    kind = "" if scheme in _DEFAULT_PORTS else scheme  # a page moved to https is the same page
    return urlunsplit((kind, host, parts.path.rstrip("/"), untracked(parts.query), ""))


def untracked(query: str) -> str:
    """A query string without utm_* parameters, which say where a reader came from, not what they read."""
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode([(k, v) for k, v in pairs if not k.lower().startswith("utm_")], quote_via=quote)
