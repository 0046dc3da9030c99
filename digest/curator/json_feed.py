"""JSON Feed 1.0 and 1.1 (feedparser reads only XML), checked field by field."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from digest.curator.feed_model import Entry, Feed, FeedError
from digest.curator.feed_text import plain_text

VERSIONS = ("https://jsonfeed.org/version/1", "https://jsonfeed.org/version/1.1")


def looks_like_json(data: bytes) -> bool:
    """JSON Feeds start with `{`; XML never does."""
    return data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def parse_json_feed(data: bytes) -> Feed:
    """A JSON Feed's title and items; anything that is not one is refused with the reason."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise FeedError(f"JSON Feed is not UTF-8 (byte {error.start}) — save it as UTF-8") from None
    except json.JSONDecodeError as error:
        raise FeedError(
            f"line {error.lineno}, column {error.colno}: not valid JSON ({error.msg}) — fix the JSON"
        ) from None
    if not isinstance(document, dict) or document.get("version") not in VERSIONS:
        raise FeedError(
            "JSON without a JSON Feed `version` (https://jsonfeed.org/version/1 or /1.1) — "
            "is this a JSON Feed?"
        )
    items = document.get("items")
    if not isinstance(items, list):
        raise FeedError("JSON Feed without an `items` list — every JSON Feed has one")
    entries = [_entry(item, number) for number, item in enumerate(items)]
    return Feed(_text(document.get("title")), tuple(entries))


def _entry(item: Any, number: int) -> Entry:
    if not isinstance(item, dict):
        raise FeedError(f"items[{number}] is not an object — each item is a JSON object")
    html = _text(item.get("content_html")) or _text(item.get("summary"))
    if not html:  # content_text is plain text: escaped, it reads the same once cleaned
        html = _text(item.get("content_text")).replace("&", "&amp;").replace("<", "&lt;")
    tags = item.get("tags")
    return Entry(
        title=plain_text(_text(item.get("title"))),
        link=_text(item.get("url")) or _text(item.get("external_url")),
        date=_date(item.get("date_published")) or _date(item.get("date_modified")),
        summary=html,
        tags=tuple(t for t in tags if isinstance(t, str)) if isinstance(tags, list) else (),
    )


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _date(value: Any) -> datetime | None:
    """An RFC 3339 date, or None (as feedparser gives for a date it cannot read); no offset means UTC."""
    try:
        date = datetime.fromisoformat(value.strip()) if isinstance(value, str) else None
    except ValueError:
        return None
    if date is None:
        return None
    return date if date.tzinfo else date.replace(tzinfo=timezone.utc)
