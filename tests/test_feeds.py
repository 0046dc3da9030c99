"""Feeds read back as a reader does: with feedparser, lxml and json, not by string matching alone."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import feedparser
import pytest
from conftest import article, build_site, grouped
from lxml import etree
from lxml import html as lxml_html

from digest.build import build_now
from digest.config.load import load_config
from digest.config.site_config import Publisher, SiteConfig
from digest.content.article import EPOCH
from digest.render.feeds import plan_feeds, render_feed
from digest.site.model import Site
from digest.urls import absolute_url

BASE = "https://example.org/digest/"
SITE_YML = f"""title: Test Digest
base_url: {BASE}
description: Short summaries & links.
language: en-GB
timezone: Europe/London
feed_size: 20
publisher: Test Press
"""
TRICKY_TITLE = 'Oil <falls> & "markets" wobble'
SHOWN_TITLE = "Oil <falls> & \u201cmarkets\u201d wobble"  # typographic quotes, as the body would have
OFFSETS = ("+05:00", "-04:00", "Z", "")  # "" is a date without offset, in the site's time zone
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")
RFC822 = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$")
SPECIAL_BODY = """\
See [China coverage](/tags/china/) and [the map](/images/map.svg).

![Map of the region](/images/map.svg)

Jump to [the notes](#notes), write to [the desk](mailto:desk@example.org) or read
[the wire](https://example.com/wire?a=1&b=2).

Notes {#notes}
-----
"""


def _files(count: int = 25) -> dict[str, str | bytes]:
    """`count` articles a day apart with mixed offsets; the newest has markup, links, an image and more."""
    files: dict[str, str | bytes] = {"content/images/map.svg": b"<svg xmlns='http://www.w3.org/2000/svg'/>"}
    for n in range(1, count):
        offset = OFFSETS[n % len(OFFSETS)]
        when = f"2022-09-{n:02d}T10:00:00{offset}" if offset else f"2022-09-{n:02d} 10:00"
        tags = ["Markets"] + (["China"] if n % 3 == 0 else []) + (["Energy & Power"] if n % 4 == 0 else [])
        files[f"content/2022-09-{n:02d}-story-{n}.md"] = article(
            f"Story number {n}",
            when,
            source="Reuters" if n % 2 else "NYTIMES",
            location="Samarkand, Uzbekistan" if n % 2 else "Nairobi, Kenya",
            tags="[" + ", ".join(tags) + "]",
            body=f"First paragraph of story {n}.\n",
        )
    files[f"content/2022-09-{count:02d}-special.md"] = article(
        TRICKY_TITLE,
        f"2022-09-{count:02d}T18:30:00+05:00",
        source="{name: NYTIMES, url: 'https://www.nytimes.com/2022/09/oil.html'}",
        tags="[China, Markets]",
        author="Mira Halvorsen",
        image="images/map.svg",
        image_alt="A map",
        updated="2022-09-28T09:15:00-04:00",
        summary="'Prices < costs & more'",
        body=SPECIAL_BODY,
    )
    files["content/images/map.svg"] = "<svg xmlns='http://www.w3.org/2000/svg'/>"
    return files


def _render(root: Path, config: SiteConfig | None = None) -> tuple[dict[str, bytes], Site, SiteConfig]:
    """Read and group the scratch site as build.py does, then render only its feeds."""
    config = config or load_config(root / "site.yml")
    site = grouped(config, build_now())
    outputs = [render_feed(config, feed) for feed in plan_feeds(config, site)]
    paths = [o.path for o in outputs]
    assert len(paths) == len(set(paths)), "two feeds share a path"
    return {o.path: o.content for o in outputs}, site, config


def _parse(data: bytes) -> feedparser.FeedParserDict:
    """Parse like a reader, but keep content as written so relative links cannot hide."""
    parsed = feedparser.parse(data, resolve_relative_uris=False, sanitize_html=False)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


@pytest.fixture
def rendered(make_site) -> tuple[dict[str, bytes], Site, SiteConfig]:
    return _render(make_site(_files(), SITE_YML))


def test_site_feeds_parse_cleanly_and_hold_the_newest_feed_size_articles(rendered):
    feeds, site, _ = rendered
    assert len(site.articles) == 25
    newest = [absolute_url(BASE, a.url) for a in site.articles[:20]]
    for path in ("feed.xml", "rss.xml"):
        parsed = _parse(feeds[path])
        assert [e.id for e in parsed.entries] == newest, path
        assert [e.link for e in parsed.entries] == newest, path
    document = json.loads(feeds["feed.json"])
    assert [item["id"] for item in document["items"]] == newest
    assert _parse(feeds["feed.xml"]).version == "atom10"
    assert _parse(feeds["rss.xml"]).version == "rss20"


def test_feed_metadata_links_to_the_site_and_to_itself(rendered):
    feeds, site, _ = rendered
    atom = _parse(feeds["feed.xml"]).feed
    assert atom.title == "Test Digest" and atom.subtitle == "Short summaries & links."
    assert atom.id == BASE and atom.generator == "digest"
    links = {link.rel: link.href for link in atom.links}
    assert links == {"alternate": BASE, "self": BASE + "feed.xml"}
    assert datetime.fromisoformat(atom.updated) == max(a.modified for a in site.articles)
    rss = _parse(feeds["rss.xml"]).feed
    assert rss.link == BASE and rss.language == "en-GB" and rss.subtitle == "Short summaries & links."
    assert any(link.get("rel") == "self" and link.href == BASE + "rss.xml" for link in rss.links)


def test_titles_and_summaries_with_markup_characters_round_trip_as_text(rendered):
    feeds, _, _ = rendered
    for path in ("feed.xml", "rss.xml"):
        entry = _parse(feeds[path]).entries[0]
        assert entry.title == SHOWN_TITLE, path
        assert entry.summary == "Prices < costs & more", path
    item = json.loads(feeds["feed.json"])["items"][0]
    assert item["title"] == SHOWN_TITLE and item["summary"] == "Prices < costs & more"
    assert b"<falls>" not in feeds["feed.xml"] and b"<falls>" not in feeds["rss.xml"]


def test_dates_keep_the_articles_offsets(rendered):
    feeds, site, _ = rendered
    articles = site.articles[:20]
    atom, rss = _parse(feeds["feed.xml"]).entries, _parse(feeds["rss.xml"]).entries
    items = json.loads(feeds["feed.json"])["items"]
    offsets = set()
    for a, atom_entry, rss_entry, item in zip(articles, atom, rss, items, strict=True):
        for text, expected in (
            (atom_entry.published, a.date),
            (atom_entry.updated, a.modified),
            (rss_entry.updated, a.modified),
            (item["date_published"], a.date),
            (item["date_modified"], a.modified),
        ):
            assert RFC3339.match(text), text
            parsed = datetime.fromisoformat(text)
            assert parsed == expected and parsed.utcoffset() == expected.utcoffset(), (text, expected)
        assert RFC822.match(rss_entry.published), rss_entry.published
        pub = parsedate_to_datetime(rss_entry.published)
        assert pub == a.date and pub.utcoffset() == a.date.utcoffset()
        offsets.add(a.date.utcoffset())
    assert len(offsets) >= 4  # +05:00, -04:00, UTC and London summer time all went through
    special = atom[0]
    assert special.published == "2022-09-25T18:30:00+05:00"
    assert special.updated == "2022-09-28T09:15:00-04:00"
    root = etree.fromstring(feeds["feed.xml"])
    stamps = root.xpath("//a:published/text() | //a:updated/text()", namespaces={"a": _ATOM})
    assert stamps and all(RFC3339.match(s) for s in stamps)
    assert all(RFC822.match(s) for s in etree.fromstring(feeds["rss.xml"]).xpath("//pubDate/text()"))


def test_entries_carry_tags_author_source_and_image(rendered):
    feeds, site, _ = rendered
    for path in ("feed.xml", "rss.xml"):
        entries = _parse(feeds[path]).entries
        for a, entry in zip(site.articles, entries, strict=False):
            assert [t.term for t in entry.tags] == [t.name for t in a.tags], path
        assert entries[0].author == "Mira Halvorsen"
        assert entries[1].author == "Test Press"  # no author: the publisher speaks for the site
    categories = {t.term for e in _parse(feeds["feed.xml"]).entries for t in e.tags}
    assert "Energy & Power" in categories
    special = _parse(feeds["feed.xml"]).entries[0]
    links = {link.rel: link for link in special.links}
    assert links["related"].href == "https://www.nytimes.com/2022/09/oil.html"
    assert links["enclosure"].href == BASE + "images/map.svg"
    assert links["enclosure"].type == "image/svg+xml"
    rss_special = _parse(feeds["rss.xml"]).entries[0]
    assert rss_special.enclosures[0].href == BASE + "images/map.svg"
    assert "https://www.nytimes.com/2022/09/oil.html" in rss_special.content[0].value
    item = json.loads(feeds["feed.json"])["items"][0]
    assert item["external_url"] == "https://www.nytimes.com/2022/09/oil.html"
    assert item["image"] == BASE + "images/map.svg"
    assert item["tags"] == ["China", "Markets"] and item["authors"] == [{"name": "Mira Halvorsen"}]


def test_content_links_are_absolute_and_external_ones_untouched(rendered):
    feeds, site, _ = rendered
    page = absolute_url(BASE, site.articles[0].url)
    contents = [
        _parse(feeds["feed.xml"]).entries[0].content[0].value,
        _parse(feeds["rss.xml"]).entries[0].content[0].value,
        json.loads(feeds["feed.json"])["items"][0]["content_html"],
    ]
    for content in contents:
        doc = lxml_html.fragment_fromstring(content, create_parent="div")
        hrefs, srcs = doc.xpath("//a/@href"), doc.xpath("//img/@src")
        assert BASE + "tags/china/" in hrefs and BASE + "images/map.svg" in hrefs
        assert srcs == [BASE + "images/map.svg"]
        assert "#notes" in hrefs and "mailto:desk@example.org" in hrefs
        assert "https://example.com/wire?a=1&b=2" in hrefs
        for link in hrefs + srcs:
            assert link.startswith(("https://", "#", "mailto:")), link
        assert page.startswith(BASE)
    for path, data in feeds.items():  # no feed anywhere points at a page-relative URL
        assert b"../" not in data, path


def test_ids_are_unique_and_stable_across_builds(make_site):
    root = make_site(_files(), SITE_YML)
    first, _, _ = _render(root)
    second, _, _ = _render(root)
    assert first == second  # byte for byte: nothing depends on the build time
    for path, data in first.items():
        if path.endswith(".xml"):
            ids = [e.id for e in _parse(data).entries]
        else:
            ids = [item["id"] for item in json.loads(data)["items"]]
        assert len(ids) == len(set(ids)) and all(i.startswith(BASE) for i in ids), path


def test_term_feeds_hold_only_their_terms_articles(rendered):
    feeds, site, _ = rendered
    terms = site.tags + site.sources + site.locations
    assert {"China", "Markets", "Energy & Power", "Reuters", "NYTIMES"} <= {t.name for t in terms}
    assert len(feeds) == 3 + len(terms)
    labels = {"tags": "Stories tagged", "sources": "Stories from", "locations": "Stories datelined"}
    for term in terms:
        parsed = _parse(feeds[f"{term.url}feed.xml"])
        expected = [absolute_url(BASE, a.url) for a in term.articles[:20]]
        assert [e.id for e in parsed.entries] == expected, term.url
        assert parsed.feed.title == f"{labels[term.kind]} {term.name} — Test Digest"
        assert parsed.feed.id == BASE + term.url
        links = {link.rel: link.href for link in parsed.feed.links}
        assert links == {"alternate": BASE + term.url, "self": BASE + term.url + "feed.xml"}
    markets = next(t for t in site.tags if t.name == "Markets")
    assert markets.count == 25 and len(_parse(feeds["tags/markets/feed.xml"]).entries) == 20
    china = _parse(feeds["tags/china/feed.xml"])
    assert all("China" in [t.term for t in e.tags] for e in china.entries)


def test_json_feed_is_structurally_valid(rendered):
    feeds, _, _ = rendered
    document = json.loads(feeds["feed.json"].decode("utf-8"))
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert document["title"] == "Test Digest"
    assert document["home_page_url"] == BASE and document["feed_url"] == BASE + "feed.json"
    assert document["language"] == "en-GB" and document["description"] == "Short summaries & links."
    assert isinstance(document["items"], list) and len(document["items"]) == 20
    for item in document["items"]:
        assert isinstance(item["id"], str) and item["id"] and item["url"] == item["id"]
        assert isinstance(item["content_html"], str) and item["content_html"]
        assert RFC3339.match(item["date_published"]) and RFC3339.match(item["date_modified"])
        assert all(isinstance(a["name"], str) for a in item["authors"])


_ATOM = "http://www.w3.org/2005/Atom"


def test_xml_feeds_are_well_formed_utf8_in_the_right_namespaces(rendered):
    feeds, _, _ = rendered
    for path, data in feeds.items():
        if not path.endswith(".xml"):
            continue
        assert data.startswith(b'<?xml version="1.0" encoding="utf-8"?>'), path
        root = etree.fromstring(data)
        if path == "rss.xml":
            assert root.tag == "rss" and root.get("version") == "2.0"
        else:
            assert root.tag == f"{{{_ATOM}}}feed", path
            assert len(root.findall(f"{{{_ATOM}}}entry")) == len(_parse(data).entries)


def test_empty_feeds_are_valid_and_reproducible(make_site):
    root = make_site({"content/later.md": article("Not yet", "2099-01-01T10:00:00Z")}, SITE_YML)
    feeds, site, _ = _render(root)
    assert site.articles == () and set(feeds) == {"feed.xml", "rss.xml", "feed.json"}
    atom = _parse(feeds["feed.xml"])
    assert atom.entries == [] and datetime.fromisoformat(atom.feed.updated) == EPOCH
    assert _parse(feeds["rss.xml"]).entries == []
    assert json.loads(feeds["feed.json"])["items"] == []


def test_author_falls_back_to_site_author_then_publisher_then_title(make_site):
    root = make_site(_files(4), SITE_YML)
    config = load_config(root / "site.yml")
    for changed, expected in (
        (replace(config, author="The Desk"), "The Desk"),
        (replace(config, publisher=Publisher("Press Co", None)), "Press Co"),
        (replace(config, publisher=None), "Test Digest"),
    ):
        feeds, _, _ = _render(root, changed)
        entries = _parse(feeds["feed.xml"]).entries
        assert entries[0].author == "Mira Halvorsen"
        assert {e.author for e in entries[1:]} == {expected}
        assert json.loads(feeds["feed.json"])["authors"] == [{"name": expected}]


def test_build_writes_the_feeds(make_site):
    """A real build writes the feeds beside the pages."""
    root = make_site(_files(5), SITE_YML)
    build_site(root)
    public = root / "public"
    for path in ("feed.xml", "rss.xml", "feed.json", "tags/china/feed.xml", "sources/reuters/feed.xml"):
        assert (public / path).is_file(), path
    assert len(_parse((public / "feed.xml").read_bytes()).entries) == 5
