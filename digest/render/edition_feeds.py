"""Editions → Atom, RSS and JSON feeds: one entry per edition, with the whole edition as its content.

A reader that follows the editions feed gets the issue as the site shows it: the editor's note, then
each story's headline, dateline, source link and summary, every link absolute.
"""

from __future__ import annotations

import html
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from datetime import datetime, time
from email.utils import format_datetime
from types import MappingProxyType

from digest.config.site_config import SiteConfig
from digest.content.article import EPOCH, newest
from digest.render.edition_pages import FEEDS
from digest.render.feeds import (
    ATOM_NS,
    GENERATOR,
    JSON_FEED_VERSION,
    Feed,
    _rfc3339,
    _sub,
    _xml,
    absolute_links,
    render_feed,
    site_author,
)
from digest.render.plan import Output
from digest.site.model import Edition, Site
from digest.urls import absolute_url


def plan_edition_feeds(config: SiteConfig, site: Site) -> list[Feed]:
    """The editions feeds of a site with editions: the newest `feed_size` editions in each format."""
    if config.editions is None:
        return []
    shown = site.editions[: config.feed_size]
    title = f"{config.title}: editions"
    return [Feed(title, "editions/", path, (), f"editions-{name}", shown) for path, name in _FORMATS]


def render_any_feed(config: SiteConfig, feed: Feed) -> Output:
    """A feed of stories, or of editions: each is made by its own serialiser."""
    make = EDITION_FORMATS.get(feed.format)
    return Output(feed.path, make(config, feed)) if make else render_feed(config, feed)


def published(config: SiteConfig, edition: Edition) -> datetime:
    """When an edition came out: the start of its day, in the site's time zone."""
    return datetime.combine(edition.date, time(), config.tz)


def updated(config: SiteConfig, edition: Edition) -> datetime:
    """When an edition last changed: its newest story's change, if after its day began."""
    changed = newest(edition.articles)
    return max(published(config, edition), changed) if changed else published(config, edition)


def content(config: SiteConfig, edition: Edition) -> str:
    """The edition as HTML for a feed reader: the note, then the stories by section, links absolute."""
    page = absolute_url(config.base_url, edition.url)
    parts = [absolute_links(edition.note, page)] if edition.note else []
    for part in edition.parts:
        if part.title is not None:
            parts.append(f"<h2>{html.escape(part.title)}</h2>")
        for article in part.articles:
            url = html.escape(absolute_url(config.base_url, article.url))
            where = f"{html.escape(article.location.name)} · " if article.location else ""
            source = html.escape(article.source.name)
            if article.source.url:
                source = f'<a href="{html.escape(article.source.url)}">Read the original at {source}</a>'
            day = article.date.astimezone(config.tz).strftime("%-d %B %Y")
            parts.append(
                f'<h3><a href="{url}">{html.escape(article.title)}</a></h3>\n'
                f"<p><small>{day} · {where}{source}</small></p>\n"
                + (f"<p>{html.escape(article.summary)}</p>" if article.summary else "")
            )
    return "\n".join(parts)


def _atom(config: SiteConfig, feed: Feed) -> bytes:
    root = ET.Element("feed", {"xmlns": ATOM_NS, "xml:lang": config.language})
    _sub(root, "title", feed.title, type="text")
    page, self_url = absolute_url(config.base_url, feed.page), absolute_url(config.base_url, feed.path)
    _sub(root, "link", rel="alternate", type="text/html", href=page)
    _sub(root, "link", rel="self", type="application/atom+xml", href=self_url)
    _sub(root, "id", page)
    _sub(root, "updated", _rfc3339(_newest(config, feed)))
    _sub(root, "generator", GENERATOR)
    _sub(_sub(root, "author"), "name", site_author(config))
    for edition in feed.editions:
        url = absolute_url(config.base_url, edition.url)
        entry = _sub(root, "entry")
        _sub(entry, "title", edition.link.name, type="text")
        _sub(entry, "link", rel="alternate", type="text/html", href=url)
        _sub(entry, "id", url)
        _sub(entry, "published", _rfc3339(published(config, edition)))
        _sub(entry, "updated", _rfc3339(updated(config, edition)))
        _sub(entry, "content", content(config, edition), type="html")
    return _xml(root)


def _rss(config: SiteConfig, feed: Feed) -> bytes:
    namespaces = {"xmlns:atom": ATOM_NS, "xmlns:content": "http://purl.org/rss/1.0/modules/content/"}
    rss = ET.Element("rss", {"version": "2.0", **namespaces})
    channel = _sub(rss, "channel")
    heads = {
        "title": feed.title,
        "link": absolute_url(config.base_url, feed.page),
        "description": config.description or feed.title,  # required by RSS 2.0
        "language": config.language,
        "generator": GENERATOR,
        "lastBuildDate": format_datetime(_newest(config, feed)),
    }
    for tag, text in heads.items():
        _sub(channel, tag, text)
    self_url = absolute_url(config.base_url, feed.path)
    _sub(channel, "atom:link", rel="self", type="application/rss+xml", href=self_url)
    for edition in feed.editions:
        url = absolute_url(config.base_url, edition.url)
        item = _sub(channel, "item")
        _sub(item, "title", edition.link.name)
        _sub(item, "link", url)
        _sub(item, "guid", url, isPermaLink="true")
        _sub(item, "pubDate", format_datetime(published(config, edition)))
        _sub(item, "description", ", ".join(a.title for a in edition.articles))
        _sub(item, "content:encoded", content(config, edition))
    return _xml(rss)


def _json(config: SiteConfig, feed: Feed) -> bytes:
    items = []
    for edition in feed.editions:
        url = absolute_url(config.base_url, edition.url)
        items.append(
            {
                "id": url,
                "url": url,
                "title": edition.link.name,
                "content_html": content(config, edition),
                "summary": ", ".join(a.title for a in edition.articles),
                "date_published": _rfc3339(published(config, edition)),
                "date_modified": _rfc3339(updated(config, edition)),
            }
        )
    document = {
        "version": JSON_FEED_VERSION,
        "title": feed.title,
        "home_page_url": absolute_url(config.base_url, feed.page),
        "feed_url": absolute_url(config.base_url, feed.path),
        "language": config.language,
        "authors": [{"name": site_author(config)}],
        "items": items,
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _newest(config: SiteConfig, feed: Feed) -> datetime:
    """A feed changes when an edition in it does; an empty one gets a fixed date, for reproducibility."""
    return max((updated(config, edition) for edition in feed.editions), default=EPOCH)


_FORMATS = tuple(zip((path for path, _, _ in FEEDS), ("atom", "rss", "json"), strict=True))
EDITION_FORMATS: Mapping[str, Callable[[SiteConfig, Feed], bytes]] = MappingProxyType(
    {"editions-atom": _atom, "editions-rss": _rss, "editions-json": _json}
)
