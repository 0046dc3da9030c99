"""Source pages as a reader sees them, the sources index, and sources.opml as a feed reader reads it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SITE_YML, article, build_site, page, text_of
from lxml import etree
from test_source_registry import REGISTRY as NAMED

from digest.errors import BuildError

REGISTRY = (  # the registry's tests' outlets, and one with a feed inside the site and a name to escape
    "per_page: 2\n"
    + NAMED
    + '  ft:\n    name: "Financial Times & Co <London>"\n'
    + "    home: https://www.ft.com/\n    feed: /partners/ft.xml\n"
)


def stories() -> dict[str, str]:
    """Three stories from one outlet spelt three ways, each with its original link, and one from elsewhere."""
    files = {
        f"content/2022-09-0{n}-story-{n}.md": article(
            f"Story {n}",
            f"2022-09-0{n}",
            source=f"{{name: {spelling}, url: 'https://www.nytimes.com/2022/09/0{n}/story.html'}}",
        )
        for n, spelling in ((1, "nytimes"), (2, "NYTIMES"), (3, "The New York Times"))
    }
    files["content/2022-09-04-wire.md"] = article("Wire story", "2022-09-04", source="Harbour Post")
    return files


@pytest.fixture
def site(make_site) -> Path:
    root = make_site(stories(), SITE_YML + REGISTRY)
    build_site(root)
    return root


def test_a_source_page_shows_the_outlet_and_every_story_with_its_original(site: Path) -> None:
    first = page(site, "sources/nytimes/")
    assert text_of(first.xpath("//h1")[0]) == "Stories from The New York Times"
    assert text_of(first.xpath("//p[@class='intro']")[0]) == "A New York daily with a large foreign desk."
    assert first.xpath("//meta[@name='description']/@content") == [
        "A New York daily with a large foreign desk."
    ]
    links = first.xpath("//ul[@class='source-links']//a")
    assert [(a.get("href"), a.get("rel"), text_of(a)) for a in links] == [
        ("https://www.nytimes.com/", "external noopener", "The New York Times home page (another site)↗"),
        (
            "https://rss.nytimes.com/services/xml/rss/nyt/World.xml",
            "external noopener",
            "The New York Times feed (another site)↗",
        ),
    ]
    originals = []
    for url in ("sources/nytimes/", "sources/nytimes/page/2/"):  # two a page: every story, over two pages
        for card in page(site, url).xpath("//main//article"):
            link = card.xpath(".//a[@class='source-link']")[0]
            originals.append((text_of(card.xpath(".//h2")[0]), link.get("href")))
            assert text_of(link).startswith("Read the original at The New York Times")
    assert originals == [
        (f"Story {n}", f"https://www.nytimes.com/2022/09/0{n}/story.html") for n in (3, 2, 1)
    ]


def test_a_source_page_carries_the_outlet_as_schema_org_data(site: Path) -> None:
    (script,) = page(site, "sources/nytimes/").xpath("//script[@type='application/ld+json']/text()")
    assert json.loads(script) == {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": "The New York Times",
        "url": "https://www.nytimes.com/",
        "description": "A New York daily with a large foreign desk.",
    }


def test_a_source_outside_the_registry_keeps_a_plain_page(site: Path) -> None:
    plain = page(site, "sources/harbour-post/")
    assert text_of(plain.xpath("//h1")[0]) == "Stories from Harbour Post"
    assert (
        plain.xpath(
            "//ul[@class='source-links'] | //p[@class='intro'] | //script[@type='application/ld+json']"
        )
        == []
    )


def test_the_sources_index_names_sources_as_the_registry_does_and_links_the_opml(site: Path) -> None:
    index = page(site, "sources/")
    assert [text_of(n) for n in index.xpath("//span[@class='term-name']")] == [
        "Harbour Post",
        "The New York Times",
    ]
    assert index.xpath("//link[@rel='outline']/@href") == ["../sources.opml"]
    assert index.xpath("//link[@rel='outline']/@type") == ["text/x-opml"]
    (visible,) = index.xpath("//main//a[@href='../sources.opml']")
    assert text_of(visible) == "Follow these sources in your feed reader (OPML)"
    assert page(site, "tags/").xpath("//link[@rel='outline'] | //a[contains(@href, 'opml')]") == []


def test_sources_opml_lists_every_source_with_a_feed_as_opml_2(site: Path) -> None:
    """The structure OPML 2.0 requires (opml.org/spec2), checked on the parsed file."""
    document = etree.parse(str(site / "public/sources.opml"), etree.XMLParser(resolve_entities=False))
    assert document.docinfo.encoding.upper() == "UTF-8"
    root = document.getroot()
    assert (root.tag, root.get("version")) == ("opml", "2.0")
    assert [child.tag for child in root] == ["head", "body"]
    assert root.findtext("head/title") == "Sources of Test Digest"
    assert root.findtext("head/docs") == "http://opml.org/spec2.opml"
    outlines = root.findall("body/outline")
    assert all(o.get("type") == "rss" and o.get("text") and o.get("xmlUrl") for o in outlines)
    assert all(len(o) == 0 for o in outlines)  # one level: a flat subscription list
    assert [dict(o.attrib) for o in outlines] == [
        {  # sorted by name; `&` and `<` escaped; a path in the site made absolute under base_url
            "type": "rss",
            "text": "Financial Times & Co <London>",
            "title": "Financial Times & Co <London>",
            "xmlUrl": "https://example.org/digest/partners/ft.xml",
            "htmlUrl": "https://www.ft.com/",
        },
        {
            "type": "rss",
            "text": "The New York Times",
            "title": "The New York Times",
            "xmlUrl": "https://rss.nytimes.com/services/xml/rss/nyt/World.xml",
            "htmlUrl": "https://www.nytimes.com/",
            "description": "A New York daily with a large foreign desk.",
        },
    ]  # Reuters has no feed, so it is not listed


def test_without_a_feed_in_the_registry_there_is_no_opml(site: Path) -> None:
    (site / "site.yml").write_text(SITE_YML + "sources:\n  reuters: {name: Reuters}\n")
    build_site(site)
    assert not (site / "public/sources.opml").exists()  # the earlier build's file is gone too
    assert page(site, "sources/").xpath("//link[@rel='outline'] | //a[contains(@href, 'opml')]") == []


def test_an_edited_registry_shows_on_the_next_build(site: Path) -> None:
    text = (site / "site.yml").read_text().replace("A New York daily", "A Manhattan daily")
    (site / "site.yml").write_text(text)
    build_site(site)
    assert text_of(page(site, "sources/nytimes/").xpath("//p[@class='intro']")[0]).startswith(
        "A Manhattan daily"
    )
    assert b"A Manhattan daily" in (site / "public/sources.opml").read_bytes()


def test_a_site_file_may_not_take_the_place_of_sources_opml(site: Path) -> None:
    (site / "static").mkdir()
    (site / "static/sources.opml").write_text("<opml/>")
    with pytest.raises(BuildError) as failed:
        build_site(site)
    assert [str(e) for e in failed.value.errors] == [
        "static/sources.opml: collides with the generated list of sources /sources.opml — rename or remove it"
    ]
