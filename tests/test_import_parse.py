"""RSS 2.0, Atom and JSON Feed read into entries; broken and hostile documents refused, quickly."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from digest.curator.feed_model import FeedError
from digest.curator.feed_parse import parse_feed
from tests.feed_server import Reply, feed_server

FEEDS = Path(__file__).parent / "import_feeds"


def test_rss():
    feed = parse_feed((FEEDS / "rss.xml").read_bytes(), None)
    assert feed.title == "The Harbour Gazette"
    first, second = feed.entries
    assert first.title == "Ferry timetable changes for the winter & spring"
    assert first.link.startswith("https://gazette.example.com/2024/03/ferry-timetable/?utm_source=rss")
    assert first.date == datetime(2024, 3, 12, 7, 45, tzinfo=timezone.utc)
    assert first.tags == ("Transport", "Islands")
    assert "<strong>twice a day</strong>" in first.summary
    assert second.title == "Lighthouse keepers\u2019 cottage reopens as a museum"
    assert second.date == datetime(2024, 3, 11, 15, 20, tzinfo=timezone.utc)


def test_atom():
    feed = parse_feed((FEEDS / "atom.xml").read_bytes(), None)
    assert feed.title == "Valley Science Notes"
    bees, weather = feed.entries
    assert bees.title == "Bees prefer blue flowers in cold springs"
    assert bees.date == datetime(2024, 4, 2, 7, 30, tzinfo=timezone.utc)  # published, not updated
    assert bees.tags == ("Biology",)
    assert weather.date == datetime(2024, 3, 28, 8, 0, tzinfo=timezone.utc)  # only updated given
    assert "Ten years of readings" in weather.summary  # content, when there is no summary


def test_json_feed():
    feed = parse_feed((FEEDS / "feed.json").read_bytes(), None)
    assert feed.title == "Market Square Weekly"
    bakery, bus = feed.entries
    assert bakery.title == "Corner bakery wins the regional bread prize"
    assert bakery.link == "https://square.example.org/items/77-bakery-award"
    assert bakery.date == datetime(2024, 5, 6, 10, 0, tzinfo=timezone.utc)
    assert bakery.tags == ("Food", "Local business")
    assert bus.title == ""
    assert bus.summary == "Route 4 will stop at the market on Saturdays &lt;for a trial>."


def test_relative_links_resolve_against_the_feed_url():
    atom = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>'
        b'<entry><title>A</title><link href="/notes/a"/></entry></feed>'
    )
    assert parse_feed(atom, "https://science.example.net/atom.xml").entries[0].link == (
        "https://science.example.net/notes/a"
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b'<?xml version="1.0"?>\n<rss version="2.0">\n<channel><title>x</b></channel></rss>',
            "line 3: not well-formed XML (mismatched tag) — the feed is broken; ask its publisher to fix it",
        ),
        (
            b'<rss version="2.0">\n\n<channel><title>x & y</title></channel></rss>',
            "line 3: not well-formed XML (not well-formed (invalid token)) — the feed is broken; "
            "ask its publisher to fix it",
        ),
        (
            b"<html><body><p>Our news</p></body></html>",
            "not an RSS, Atom or JSON feed — check that this is the feed's file or URL",
        ),
        (b"", "not an RSS, Atom or JSON feed — check that this is the feed's file or URL"),
        (
            b'{"title": "x",\n "items": [}',
            "line 2, column 12: not valid JSON (Expecting value) — fix the JSON",
        ),
        (
            b'{"version": "https://example.org/2", "items": []}',
            "JSON without a JSON Feed `version` (https://jsonfeed.org/version/1 or /1.1) — "
            "is this a JSON Feed?",
        ),
        (
            b'{"version": "https://jsonfeed.org/version/1.1", "items": {}}',
            "JSON Feed without an `items` list — every JSON Feed has one",
        ),
        (
            b'{"version": "https://jsonfeed.org/version/1", "items": [3]}',
            "items[0] is not an object — each item is a JSON object",
        ),
        (
            b'{"version": "https://jsonfeed.org/version/1", "\xff": 1}',
            "JSON Feed is not UTF-8 (byte 47) — save it as UTF-8",
        ),
    ],
)
def test_what_is_not_a_feed_is_refused_with_the_reason(data, message):
    with pytest.raises(FeedError) as refused:
        parse_feed(data, None)
    assert str(refused.value) == message


def test_a_json_feed_date_that_cannot_be_read_is_left_out():
    item = {
        "url": "https://e.org/1",
        "title": "t",
        "date_published": "last Tuesday",
        "date_modified": "2024-01-02",
    }
    data = json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": [item]}).encode()
    assert parse_feed(data, None).entries[0].date == datetime(2024, 1, 2, tzinfo=timezone.utc)


LIMITED = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (400 * 2**20, 400 * 2**20))
from digest.curator.feed_parse import parse_feed
from tests.feed_server import Reply, feed_server
from digest.curator.feed_model import FeedError
try:
    parse_feed(open(sys.argv[1], "rb").read(), None)
except FeedError as error:
    print(error)
"""


def test_a_billion_laughs_and_an_external_entity_are_refused_in_little_time_and_memory():
    """Expanded, lol9 would be 3 GB: the parse runs with 400 MB of address space and must end at once."""
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", LIMITED, str(FEEDS / "laughs.xml")], capture_output=True, text=True, timeout=20
    )
    assert time.monotonic() - started < 10
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        "not well-formed XML (its DTD declares entities, which digest never expands: they can grow to "
        "gigabytes) — the feed is broken; ask its publisher to fix it"
    )
    assert "root:" not in done.stdout


def test_feedparser_opens_nothing_it_is_given(tmp_path):
    """A document that is a URL or a path is text to parse, never something to fetch or open."""
    secret = tmp_path / "secret.xml"
    secret.write_text('<rss version="2.0"><channel><title>private</title></channel></rss>')
    with feed_server({"/f": Reply(body=secret.read_bytes())}) as server:
        for data in ((server.url + "/f").encode(), str(secret).encode()):
            with pytest.raises(FeedError, match="not well-formed XML"):
                parse_feed(data, None)
    assert server.asked == []
