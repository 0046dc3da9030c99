"""Edition pages, feeds and metadata read as a reader (and a feed reader, and a crawler) gets them."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
import pytest
from conftest import SITE_YML, article, build_site, text_of, write_files
from lxml import html

from digest.errors import BuildError

BASE = "https://example.org/digest/"
SETTINGS = """timezone: Europe/London
per_page: 2
editions:
  cadence: weekly
  first: 2022-09-12
  sections:
    - title: Europe
      tags: [Ukraine]
  front_page: {front}
"""
NOTE = "This week the desk read *everything* so [you](https://example.com/why) need not."


def _stories() -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {}
    for day in (13, 14, 20, 27, 28, 29):
        files[f"content/s{day}.md"] = article(
            f"Story of the {day}th",
            f"2022-09-{day}T09:30:00Z",
            source=f"{{name: Wire, url: 'https://wire.example/{day}'}}",
            tags="[Ukraine]" if day % 2 else "[Markets]",
            location="Kyiv, Ukraine",
            summary=f"What happened on the {day}th.",
        )
    files["content/editions/2.md"] = f"---\ntitle: Two stories\nstories: [s27]\n---\n{NOTE}\n"
    return files


def _site(root: Path, front: str = "stories") -> Path:
    write_files(root, {"site.yml": SITE_YML + SETTINGS.format(front=front), **_stories()})
    build_site(root)
    return root


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
        return _site(tmp_path_factory.mktemp("editions"))


def _page(root: Path, url: str) -> html.HtmlElement:
    path = root / "public" / url
    doc = html.fromstring((path / "index.html" if url == "" or url.endswith("/") else path).read_bytes())
    doc.make_links_absolute(BASE + url)
    return doc


def _local(root: Path, href: str) -> Path:
    """The file a link to the site leads to, which must exist."""
    assert href.startswith(BASE), href
    path = root / "public" / urlsplit(href).path.removeprefix("/digest/")
    path = path / "index.html" if path.suffix == "" else path
    assert path.is_file(), href
    return path


def test_the_editions_index_lists_every_edition_newest_first_and_paginates(site):
    first = _page(site, "editions/")
    titles = [text_of(a) for a in first.xpath("//main//a[@class='edition-list-title']")]
    assert titles == ["No. 3 — Sunday 2 October 2022", "No. 2 — Two stories"]
    assert "2 stories" in text_of(first.xpath("//main//ul[@class='edition-list']/li")[0])
    (later,) = first.xpath("//nav[@aria-label='Pagination']//a[@rel='next']/@href")
    second = _page(site, urlsplit(later).path.removeprefix("/digest/"))
    assert [text_of(a) for a in second.xpath("//main//a[@class='edition-list-title']")] == [
        "No. 1 — Sunday 18 September 2022"
    ]
    for doc in (first, second):
        for href in doc.xpath("//main//a[@class='edition-list-title']/@href"):
            _local(site, href)
    assert first.xpath("//nav[@aria-label='Main']//a[text()='Editions']/@aria-current") == ["page"]


def test_an_edition_page_reads_note_then_sections_with_each_story_and_its_original(site):
    doc = _page(site, "editions/2/")
    main = doc.xpath("//main")[0]
    assert main.xpath(".//article[@data-pagefind-body]")
    assert text_of(main.xpath(".//h1")[0]) == "Two stories"
    assert "No. 2 · Sunday 25 September 2022 · 2 stories" in text_of(
        main.xpath(".//p[@class='edition-kicker']")[0]
    )
    note = main.xpath(".//div[@class='editor-note']")[0]
    assert "read everything so you need not" in text_of(note) and note.xpath(".//em")
    assert [text_of(h) for h in main.xpath(".//h2")] == ["Europe", "More stories"]
    items = main.xpath(".//article[contains(@class, 'card')]")
    assert [text_of(i.xpath(".//h3")[0]) for i in items] == ["Story of the 27th", "Story of the 20th"]
    first = items[0]
    assert "Kyiv, Ukraine" in text_of(first) and "What happened on the 27th." in text_of(first)
    assert first.xpath(".//a[@class='source-link']/@href") == ["https://wire.example/27"]
    assert "Read the original at Wire" in text_of(first.xpath(".//a[@class='source-link']")[0])
    story = _local(site, first.xpath(".//h3/a/@href")[0])
    assert "Story of the 27th" in text_of(html.fromstring(story.read_bytes()).xpath("//h1")[0])
    nav = doc.xpath("//nav[@aria-label='Newer and older editions']")[0]
    assert [urlsplit(h).path for h in nav.xpath(".//a/@href")] == [
        "/digest/editions/3/",
        "/digest/editions/1/",
    ]
    feeds = doc.xpath("//head/link[@rel='alternate' and contains(@title, 'editions')]/@href")
    assert sorted(urlsplit(f).path.rsplit("/", 1)[1] for f in feeds) == ["feed.json", "feed.xml", "rss.xml"]
    for href in feeds:
        _local(site, href)


def test_each_story_page_links_back_to_its_edition(site):
    doc = _page(site, "2022/09/s20/")
    (link,) = doc.xpath("//p[@class='story-edition']/a")
    assert text_of(doc.xpath("//p[@class='story-edition']")[0]) == "In No. 2 — Two stories"
    assert _local(site, link.get("href")) == site / "public/editions/2/index.html"
    assert _page(site, "2022/09/s13/").xpath("//p[@class='story-edition']/a/@href") == [BASE + "editions/1/"]


def test_the_edition_page_is_a_publication_issue_of_the_periodical(site):
    doc = _page(site, "editions/2/")
    (data,) = [json.loads(s.text) for s in doc.xpath("//script[@type='application/ld+json']")]
    assert data["@context"] == "https://schema.org" and data["@type"] == "PublicationIssue"
    assert data["issueNumber"] == "2" and data["datePublished"] == "2022-09-25"
    assert data["url"] == BASE + "editions/2/" and data["name"] == "Two stories"
    assert data["isPartOf"]["@type"] == "Periodical" and data["isPartOf"]["url"] == BASE
    assert data["isPartOf"]["name"] == "Test Digest"
    parts = data["hasPart"]
    assert [p["@type"] for p in parts] == ["NewsArticle", "NewsArticle"]
    assert [p["url"] for p in parts] == [BASE + "2022/09/s27/", BASE + "2022/09/s20/"]
    assert parts[0]["isBasedOn"] == "https://wire.example/27"


def test_the_editions_feeds_carry_each_whole_edition(site):
    for name in ("feed.xml", "rss.xml"):
        parsed = feedparser.parse((site / "public/editions" / name).read_bytes())
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert [e.title for e in parsed.entries] == [
            "No. 3 — Sunday 2 October 2022",
            "No. 2 — Two stories",
            "No. 1 — Sunday 18 September 2022",
        ]
        entry = parsed.entries[1]
        assert entry.link == BASE + "editions/2/" and entry.published_parsed
        body = html.fromstring(entry.content[0].value)
        assert "read everything so you need not" in text_of(body)
        links = body.xpath("//a/@href")
        assert BASE + "2022/09/s27/" in links and "https://wire.example/27" in links
        assert all(link.startswith(("https://example.", "https://wire.")) for link in links)
    data = json.loads((site / "public/editions/feed.json").read_text())
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert data["feed_url"] == BASE + "editions/feed.json"
    assert [i["id"] for i in data["items"]] == [BASE + f"editions/{n}/" for n in (3, 2, 1)]
    assert "Story of the 27th" in data["items"][1]["content_html"]


def test_the_sitemap_lists_the_edition_pages(site):
    sitemap = (site / "public/sitemap.xml").read_text()
    for url in ("editions/", "editions/page/2/", "editions/1/", "editions/2/", "editions/3/"):
        assert f"<loc>{BASE}{url}</loc>" in sitemap


def test_with_the_edition_as_front_page_the_stream_moves_and_every_link_still_leads_somewhere(tmp_path):
    root = _site(tmp_path, "edition")
    home = _page(root, "")
    assert text_of(home.xpath("//main//h1")[0]) == "No. 3 — Sunday 2 October 2022"
    assert home.xpath("//main//p[@class='edition-kicker']/a/@href") == [BASE + "editions/3/"]
    website, issue = json.loads(home.xpath("//script[@type='application/ld+json']")[0].text)
    assert (website["@type"], issue["@type"], issue["url"]) == (
        "WebSite",
        "PublicationIssue",
        BASE + "editions/3/",
    )
    labels = [text_of(a) for a in home.xpath("//nav[@aria-label='Main']//a")]
    assert labels[:3] == ["Front page", "Editions", "All stories"]
    stream = _page(root, "stories/")
    assert len(stream.xpath("//main//h2[@class='card-title']")) == 2
    assert stream.xpath("//p[@class='feed-link']/a/@href") == [BASE + "feed.xml"]
    assert stream.xpath("//nav[@aria-label='Main']//a[text()='All stories']/@aria-current") == ["page"]
    assert not (root / "public/page").exists()
    seen, todo = set(), [BASE]
    while todo:  # every page reachable from the front page, every link on them leading to a file
        url = todo.pop()
        seen.add(url)
        doc = html.fromstring(_local(root, url).read_bytes())
        for href in doc.xpath("//a/@href"):
            target = urljoin(url, href).split("#")[0]
            if target.startswith(BASE) and target not in seen:
                if target.endswith((".xml", ".json")):
                    _local(root, target)
                    seen.add(target)
                else:
                    todo.append(target)
    assert {BASE + "editions/1/", BASE + "stories/page/3/", BASE + "2022/09/s29/"} <= seen


def test_a_story_under_the_editions_url_is_an_error(tmp_path):
    files = {"content/a.md": article("A", "2022-09-13", slug="x")}
    write_files(
        tmp_path,
        {
            "site.yml": SITE_YML + SETTINGS.format(front="edition") + 'permalink: "/editions/{slug}/"\n',
            **files,
        },
    )

    with pytest.raises(BuildError) as failed:
        build_site(tmp_path)
    assert [str(e) for e in failed.value.errors] == [
        "content/a.md: its URL /editions/x/ belongs to the editions pages — change its `slug` or the"
        " `permalink`"
    ]


def test_an_edited_story_remakes_its_edition_page_and_no_other_edition_page(site):
    pages = sorted((site / "public/editions").rglob("index.html"))
    before = {p: p.stat().st_mtime_ns for p in pages}
    story = site / "content/s27.md"
    time.sleep(0.01)
    story.write_text(story.read_text().replace("What happened", "What really happened"), encoding="utf-8")
    build_site(site)
    changed = [p.relative_to(site / "public").as_posix() for p in pages if p.stat().st_mtime_ns != before[p]]
    assert changed == ["editions/2/index.html"]
    # a story's headline is on its edition page and in the editions feeds, nowhere else of the editions
    story.write_text(story.read_text().replace("Story of the 27th", "The 27th, retold"), encoding="utf-8")
    build_site(site)
    assert "The 27th, retold" in text_of(_page(site, "editions/2/"))
    assert "The 27th, retold" in (site / "public/editions/feed.xml").read_text()
    assert [p for p in pages if p.stat().st_mtime_ns != before[p]] == [site / "public/editions/2/index.html"]


def test_an_edited_edition_file_is_rebuilt_not_answered_from_the_last_build(site):
    edition = site / "content/editions/2.md"
    edition.write_text(edition.read_text().replace("Two stories", "Twice told"), encoding="utf-8")
    os.utime(edition, ns=(edition.stat().st_atime_ns, edition.stat().st_mtime_ns + 1_000_000_000))
    report = build_site(site)
    assert report.written > 0
    assert text_of(_page(site, "editions/2/").xpath("//h1")[0]) == "Twice told"
    assert "In No. 2 — Twice told" in text_of(_page(site, "2022/09/s20/"))


def test_a_site_without_editions_has_no_edition_pages_links_or_feeds(tmp_path):
    files = {"content/editions/a.md": article("Not an edition", "2022-09-13"), **_stories()}
    del files["content/editions/2.md"]
    write_files(tmp_path, {"site.yml": SITE_YML + "per_page: 2\n", **files})
    build_site(tmp_path)
    assert not (tmp_path / "public/editions").exists() and not (tmp_path / "public/stories").exists()
    assert (tmp_path / "public/2022/09/a/index.html").is_file()  # content/editions/ holds stories, as before
    home = _page(tmp_path, "")
    labels = [text_of(a) for a in home.xpath("//nav[@aria-label='Main']//a")]
    assert labels == ["Front page", "Tags", "Sources", "Locations", "Archive", "Search"]
    assert not _page(tmp_path, "2022/09/s20/").xpath("//p[@class='story-edition']")
    assert "edition" not in (tmp_path / "public/index.html").read_text().lower()
