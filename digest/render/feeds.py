"""Site → Atom, RSS and JSON feeds: readers and aggregators follow the digest without visiting it."""

from __future__ import annotations

import html
import json
import mimetypes
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from types import MappingProxyType
from urllib.parse import urljoin

from digest.config.site_config import SiteConfig
from digest.content.article import EPOCH, Article, newest
from digest.render.plan import LABELS, Output
from digest.safeurl import runs_script
from digest.site.model import Edition, Site
from digest.urls import absolute_url, is_external

ATOM_NS = "http://www.w3.org/2005/Atom"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
GENERATOR = "digest"
FEED_TAGS = 12  # categories per entry: an entry is in the feed of each of its tags, so this bounds them
# a URL in an attribute, quoted or not (`/` separates attributes as a space does); the lookahead on
# the names' first letters makes the scan a fifth faster
_LINK = re.compile(
    r"""(?P<pre>[\s/](?=[hspafxbdc])(?:href|src|poster|action|formaction|xlink:href|background|data|cite)"""
    r"""\s*=\s*)"""
    r"""(?:(?P<q>["'])(?P<url>.*?)(?P=q)|(?P<bare>[^\s"'=<>`]+))""",
    re.IGNORECASE,
)
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True, slots=True)
class Feed:
    """One feed before serialisation: what it lists, where it lives and which page it mirrors."""

    title: str
    page: str  # site-relative URL of the HTML page the feed follows ("" for the front page)
    path: str  # site-relative path of the feed file
    articles: tuple[Article, ...]
    format: str = "atom"  # "atom", "rss" or "json": see FORMATS (and render/edition_feeds.py)
    editions: tuple[Edition, ...] = ()  # what an editions feed lists instead of stories


def plan_feeds(config: SiteConfig, site: Site) -> list[Feed]:
    """The site's Atom, RSS and JSON feeds, then one Atom feed per tag, source and location."""
    size = config.feed_size
    home = site.articles[:size]
    feeds = [
        Feed(config.title, "", "feed.xml", home),
        Feed(config.title, "", "rss.xml", home, "rss"),
        Feed(config.title, "", "feed.json", home, "json"),
    ]
    for kind, terms in (("tags", site.tags), ("sources", site.sources), ("locations", site.locations)):
        for term in terms:
            title = f"{LABELS[kind].format(term.name)} — {config.title}"
            feeds.append(Feed(title, term.url, f"{term.url}feed.xml", term.articles[:size]))
    return feeds


def render_feed(config: SiteConfig, feed: Feed) -> Output:
    return Output(feed.path, FORMATS[feed.format](config, feed))


def atom_feed(config: SiteConfig, feed: Feed) -> bytes:
    """Atom 1.0 (RFC 4287): ids are absolute article URLs, so entries stay the same across builds."""
    root = ET.Element("feed", {"xmlns": ATOM_NS, "xml:lang": config.language})
    _sub(root, "title", feed.title, type="text")
    if config.description:
        _sub(root, "subtitle", config.description, type="text")
    _sub(root, "link", rel="alternate", type="text/html", href=absolute_url(config.base_url, feed.page))
    _sub(root, "link", rel="self", type="application/atom+xml", href=absolute_url(config.base_url, feed.path))
    _sub(root, "id", absolute_url(config.base_url, feed.page))
    _sub(root, "updated", _rfc3339(_updated(feed.articles)))
    _sub(root, "generator", GENERATOR)
    for article in feed.articles:
        url = absolute_url(config.base_url, article.url)
        entry = _sub(root, "entry")
        _sub(entry, "title", article.title, type="text")
        _sub(entry, "link", rel="alternate", type="text/html", href=url)
        if article.source.url:
            _sub(entry, "link", rel="related", type="text/html", href=article.source.url)
        if article.image:
            image = absolute_url(config.base_url, article.image)
            _sub(entry, "link", rel="enclosure", href=image, **_image_type(image))
        _sub(entry, "id", url)
        _sub(entry, "published", _rfc3339(article.date))
        _sub(entry, "updated", _rfc3339(article.modified))
        _sub(_sub(entry, "author"), "name", author_of(config, article))
        for tag in article.tags[:FEED_TAGS]:
            _sub(entry, "category", term=tag.name, scheme=absolute_url(config.base_url, "tags/"))
        if article.summary:
            _sub(entry, "summary", article.summary, type="text")
        _sub(entry, "content", absolute_links(article.body, url), type="html")
    return _xml(root)


def rss_feed(config: SiteConfig, feed: Feed) -> bytes:
    """RSS 2.0 for older readers: the summary as description, the full story as content:encoded."""
    root = ET.Element(
        "rss",
        {
            "version": "2.0",
            "xmlns:atom": ATOM_NS,
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
            "xmlns:dc": "http://purl.org/dc/elements/1.1/",
        },
    )
    channel = _sub(root, "channel")
    _sub(channel, "title", feed.title)
    _sub(channel, "link", absolute_url(config.base_url, feed.page))
    _sub(channel, "description", config.description or feed.title)  # required by RSS 2.0
    _sub(channel, "language", config.language)
    _sub(channel, "generator", GENERATOR)
    _sub(channel, "lastBuildDate", format_datetime(_updated(feed.articles)))
    self_url = absolute_url(config.base_url, feed.path)
    _sub(channel, "atom:link", rel="self", type="application/rss+xml", href=self_url)
    for article in feed.articles:
        url = absolute_url(config.base_url, article.url)
        item = _sub(channel, "item")
        _sub(item, "title", article.title)
        _sub(item, "link", url)
        _sub(item, "guid", url, isPermaLink="true")
        _sub(item, "pubDate", format_datetime(article.date))
        _sub(item, "atom:updated", _rfc3339(article.modified))  # RSS 2.0 has no update date of its own
        _sub(item, "dc:creator", author_of(config, article))
        for tag in article.tags[:FEED_TAGS]:
            _sub(item, "category", tag.name, domain=absolute_url(config.base_url, "tags/"))
        if article.summary:
            _sub(item, "description", article.summary)
        content = absolute_links(article.body, url)
        if article.source.url and article.source.url not in article.body:  # RSS <source> is for feeds
            link = html.escape(article.source.url)
            content += f'\n<p>Source: <a href="{link}">{html.escape(article.source.name)}</a></p>'
        _sub(item, "content:encoded", content)
        if article.image:
            image = absolute_url(config.base_url, article.image)
            mime = _image_type(image).get("type", "application/octet-stream")
            _sub(item, "enclosure", url=image, length="0", type=mime)
    return _xml(root)


def json_feed(config: SiteConfig, feed: Feed) -> bytes:
    """JSON Feed 1.1, for readers that prefer JSON to XML."""
    document: dict[str, object] = {
        "version": JSON_FEED_VERSION,
        "title": feed.title,
        "home_page_url": absolute_url(config.base_url, feed.page),
        "feed_url": absolute_url(config.base_url, feed.path),
    }
    if config.description:
        document["description"] = config.description
    document["language"] = config.language
    document["authors"] = [{"name": site_author(config)}]
    items = []
    for article in feed.articles:
        url = absolute_url(config.base_url, article.url)
        item: dict[str, object] = {"id": url, "url": url}
        if article.source.url:
            item["external_url"] = article.source.url
        item["title"] = article.title
        item["content_html"] = absolute_links(article.body, url)
        if article.summary:
            item["summary"] = article.summary
        if article.image:
            item["image"] = absolute_url(config.base_url, article.image)
        item["date_published"] = _rfc3339(article.date)
        item["date_modified"] = _rfc3339(article.modified)
        item["authors"] = [{"name": author_of(config, article)}]
        if article.tags:
            item["tags"] = [tag.name for tag in article.tags[:FEED_TAGS]]
        items.append(item)
    document["items"] = items
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def site_author(config: SiteConfig) -> str:
    """Who speaks for the digest: the configured author, else the publisher, else the site itself."""
    return config.author or (config.publisher.name if config.publisher else None) or config.title


def author_of(config: SiteConfig, article: Article) -> str:
    """An entry's author: the article's curator, else whoever speaks for the site."""
    return article.author or site_author(config)


def absolute_links(body: str, page_url: str) -> str:
    """Resolve the body's page-relative href/src against the article's URL: feeds are read elsewhere.

    Links that would run a script (`javascript:`) become `#`, even when the site trusts raw HTML.
    """

    def resolve(match: re.Match[str]) -> str:
        target = html.unescape(match["url"] or match["bare"]).strip()
        if runs_script(target):  # whatever the site trusts, a feed reader gets no script links
            return f'{match["pre"]}"#"'
        if not target or target.startswith("#") or is_external(target):
            return match[0]
        quote = match["q"] or '"'
        return f"{match['pre']}{quote}{html.escape(urljoin(page_url, target))}{quote}"

    return _LINK.sub(resolve, body)


def _updated(articles: Sequence[Article]) -> datetime:
    """A feed changes when its newest entry does; an empty feed gets a fixed date, for reproducibility."""
    return newest(articles) or EPOCH  # never the build time


def _rfc3339(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _image_type(url: str) -> dict[str, str]:
    """The image's MIME type as an attribute, when its extension tells it."""
    mime = mimetypes.guess_type(url.split("?", 1)[0].split("#", 1)[0])[0]
    return {"type": mime} if mime else {}


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    """Add a child element; text and attributes are escaped by ElementTree, invalid XML chars dropped."""
    element = ET.SubElement(parent, tag, {k: _XML_INVALID.sub("", v) for k, v in attributes.items()})
    if text is not None:
        element.text = _XML_INVALID.sub("", text)
    return element


def _xml(root: ET.Element) -> bytes:
    """Serialise with a UTF-8 declaration and indentation, byte-identical for identical input."""
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n").encode("utf-8")


FORMATS: Mapping[str, Callable[[SiteConfig, Feed], bytes]] = MappingProxyType(
    {"atom": atom_feed, "rss": rss_feed, "json": json_feed}
)
