"""A feed's bytes → Feed: RSS 2.0 and Atom through feedparser, JSON Feed read here."""

from __future__ import annotations

import calendar
import io
import re
import time
import xml.sax
from datetime import datetime, timezone
from typing import Any

import feedparser

from digest.curator.feed_model import Entry, Feed, FeedError
from digest.curator.feed_text import plain_text
from digest.curator.json_feed import looks_like_json, parse_json_feed

_BROKEN = "the feed is broken; ask its publisher to fix it"
_HEAD = 4096  # a DOCTYPE comes before the root element


def parse_feed(data: bytes, url: str | None) -> Feed:
    """The feed in `data`; `url`, where it was downloaded from, resolves relative links in it.

    feedparser is given a stream, never a URL or a name, so it fetches and opens nothing. It drops
    a DTD's entity declarations except plain character ones before expat sees them, so a
    billion-laughs or external-entity document ends up with an undefined entity, and is refused.
    """
    if looks_like_json(data):
        return parse_json_feed(data)
    headers = {"content-location": url} if url else {}
    # a stream, not bytes: feedparser opens bytes that name a file (`/etc/passwd`) and parses that
    parsed = feedparser.parse(io.BytesIO(data), response_headers=headers, sanitize_html=False)
    problem = parsed.get("bozo_exception")
    if isinstance(problem, xml.sax.SAXParseException):
        raise FeedError(_not_well_formed(problem, data))
    if not parsed.get("version"):
        raise FeedError("not an RSS, Atom or JSON feed — check that this is the feed's file or URL")
    entries = tuple(_entry(item) for item in parsed.entries)
    return Feed(_title(parsed.feed), entries)


def _not_well_formed(problem: xml.sax.SAXParseException, data: bytes) -> str:
    """Where the XML breaks; with a DTD, feedparser has cut it out, so lines no longer match the file."""
    if re.search(rb"<!DOCTYPE", data[:_HEAD], re.IGNORECASE):
        why = "its DTD declares entities, which digest never expands: they can grow to gigabytes"
        if problem.getMessage() != "undefined entity":
            why = problem.getMessage()
        return f"not well-formed XML ({why}) — {_BROKEN}"
    declared = data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<?xml")
    # feedparser puts an XML declaration first when there is none: one line more than the file has
    line = problem.getLineNumber() if declared else max(1, problem.getLineNumber() - 1)
    return f"line {line}: not well-formed XML ({problem.getMessage()}) — {_BROKEN}"


def _entry(item: Any) -> Entry:
    content = item.get("content") or []
    summary = item.get("summary") or (content[0].get("value", "") if content else "")
    return Entry(
        title=_title(item),
        link=item.get("link") or "",
        date=_date(item.get("published_parsed") or item.get("updated_parsed")),
        summary=summary,
        tags=tuple(plain_text(tag.get("term") or tag.get("label") or "") for tag in item.get("tags") or ()),
    )


def _title(item: Any) -> str:
    """A title as plain text: feeds that call it text still put tags and entities in it."""
    return plain_text(item.get("title") or "")


def _date(parsed: time.struct_time | None) -> datetime | None:
    """feedparser's dates are struct_time in UTC."""
    if parsed is None:
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed), timezone.utc)
