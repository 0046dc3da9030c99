"""What crawlers and link previews read: titles, descriptions, Open Graph, JSON-LD, sitemap, robots."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import feedparser
import pytest
from conftest import ROOT
from lxml import etree, html

from digest.build import Options, build
from digest.config.load import load_config

BASE = "https://example.org/digest/"


@pytest.fixture(scope="module")
def output(tmp_path_factory):
    out = tmp_path_factory.mktemp("meta") / "public"
    build(load_config(ROOT / "site.yml"), options=Options(output=out))
    return out


def _doc(output, url: str) -> html.HtmlElement:
    return html.fromstring((output / url / "index.html").read_bytes())


def _meta(doc: html.HtmlElement, key: str) -> list[str]:
    return doc.xpath(f"//meta[@property='{key}' or @name='{key}']/@content")


def _json_ld(doc: html.HtmlElement) -> list[dict]:
    found = []
    for script in doc.xpath("//script[@type='application/ld+json']"):
        data = json.loads(script.text)
        found += data if isinstance(data, list) else [data]
    return found


def test_article_carries_news_article_json_ld(output):
    doc = _doc(output, "2022/09/putin-xi-samarkand")
    (data,) = _json_ld(doc)
    assert data["@type"] == "NewsArticle"
    assert data["headline"].startswith("Putin and Xi meet in Samarkand")
    assert data["datePublished"] == "2022-09-15T18:30:00+05:00"
    assert data["dateModified"] == "2022-09-15T18:30:00+05:00"
    assert data["author"]["name"]
    assert data["publisher"] == {"@type": "Organization", "name": "The World in Brief", "url": BASE}
    assert data["keywords"] == ["Russia", "China", "Ukraine", "diplomacy"]
    assert data["locationCreated"] == {"@type": "Place", "name": "Samarkand, Uzbekistan"}
    assert data["isBasedOn"].startswith("https://www.nytimes.com/")
    assert data["image"] == BASE + "images/samarkand-map.svg"
    assert data["url"] == BASE + "2022/09/putin-xi-samarkand/"


def test_coordinates_become_geo_and_updates_date_modified(output):
    (with_geo,) = _json_ld(_doc(output, "2022/09/uganda-ebola-outbreak"))
    geo = with_geo["locationCreated"]["geo"]
    assert geo["@type"] == "GeoCoordinates" and isinstance(geo["latitude"], float)
    (updated,) = _json_ld(_doc(output, "2022/09/sweden-election-right-bloc"))
    assert updated["dateModified"] > updated["datePublished"]


def test_front_page_has_website_and_item_list(output):
    doc = html.fromstring((output / "index.html").read_bytes())
    website, items = _json_ld(doc)
    assert website["@type"] == "WebSite" and website["url"] == BASE
    shown = [BASE + urlsplit(a).path.lstrip("/") for a in doc.xpath("//main//h2/a/@href")]
    assert [i["position"] for i in items["itemListElement"]] == list(range(1, len(shown) + 1))
    assert items["@type"] == "ItemList" and len(items["itemListElement"]) == len(shown) > 0


def test_open_graph_and_twitter_on_articles(output):
    doc = _doc(output, "2022/09/putin-xi-samarkand")
    assert _meta(doc, "og:type") == ["article"]
    assert _meta(doc, "og:url") == [BASE + "2022/09/putin-xi-samarkand/"]
    assert _meta(doc, "og:title")[0].startswith("Putin and Xi")
    assert _meta(doc, "og:description") == _meta(doc, "description")
    assert _meta(doc, "og:image") == [BASE + "images/samarkand-map.svg"]
    assert _meta(doc, "article:published_time") == ["2022-09-15T18:30:00+05:00"]
    assert _meta(doc, "article:tag") == ["Russia", "China", "Ukraine", "diplomacy"]
    assert _meta(doc, "twitter:card") == ["summary_large_image"]
    assert doc.xpath("//link[@rel='canonical']/@href") == [BASE + "2022/09/putin-xi-samarkand/"]
    assert _meta(_doc(output, "tags/china"), "og:type") == ["website"]


def test_every_page_has_a_unique_title_a_description_and_lang(output):
    titles: dict[str, str] = {}
    for path in sorted(output.rglob("*.html")):
        if path.name == "email.html":
            continue  # an edition's email: mail, not a page on the web (noindex, out of the sitemap)
        doc = html.fromstring(path.read_bytes())
        assert doc.get("lang") == "en"
        title = doc.xpath("//title")[0].text
        assert title not in titles, f"{path} repeats the title of {titles.get(title)}"
        titles[title] = str(path)
        assert _meta(doc, "description") and _meta(doc, "description")[0].strip(), path
    assert _meta(_doc(output, "page/2"), "description") == ["The World in Brief — page 2"]
    assert _meta(_doc(output, "tags/russia"), "description") == ["Stories tagged Russia"]


def test_sitemap_is_valid_and_lists_every_page(output):
    schema = etree.XMLSchema(etree.parse(str(ROOT / "tests/schemas/sitemap.xsd")))
    sitemap = etree.parse(str(output / "sitemap.xml"))
    schema.assertValid(sitemap)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = sitemap.xpath("//s:loc/text()", namespaces=ns)
    assert len(locs) == len(sitemap.xpath("//s:lastmod", namespaces=ns))
    for loc in locs:
        assert loc.startswith(BASE)
        assert (output / loc.removeprefix(BASE) / "index.html").is_file(), loc
    pages = {p.parent.relative_to(output).as_posix() for p in output.rglob("index.html")}
    assert {loc.removeprefix(BASE).rstrip("/") or "." for loc in locs} == pages
    assert (output / "robots.txt").read_text().splitlines()[-1] == f"Sitemap: {BASE}sitemap.xml"


def test_every_feed_of_the_sample_parses_cleanly(output):
    feeds = [*sorted(output.rglob("feed.xml")), output / "rss.xml"]
    assert len(feeds) > 30  # the site feed plus one per tag, source and location
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
        assert parsed.entries, path
        for entry in parsed.entries:
            assert entry.link.startswith(BASE) and entry.published_parsed and entry.updated_parsed
    data = json.loads((output / "feed.json").read_text())
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert data["feed_url"] == BASE + "feed.json" and data["items"]
