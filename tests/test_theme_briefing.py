"""The default theme as a news briefing, read as a reader gets it: where the original story is, what
time a story carries, meta lines that wrap cleanly, and a masthead that leaves a phone room for news."""

from __future__ import annotations

import tempfile
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from browser import chromium
from conftest import ROOT, article, build_site, page, text_of
from http_server import serve
from lxml import html as lxml_html

from digest.build import Options, build
from digest.config.load import load_config
from digest.content.dates import names_a_time

SITE = "title: Briefing Test\nbase_url: https://example.org/b/\ntimezone: Europe/London\n"
ORIGINAL = "https://news.example.com/2022/09/grain-deal.html"
FILES = {
    "content/grain.md": article(
        "Grain ships leave Odesa",
        "2022-09-15T18:30:00+05:00",
        source=f"{{name: Harbour Post, url: '{ORIGINAL}'}}",
        location="Odesa, Ukraine",
        tags="[Trade]",
    ),
    "content/rates.md": article(
        "Central bank holds rates", "2022-09-20", source="Ledger Daily", tags="[Trade]"
    ),
    "content/local.md": article("Ferry timetable changes", "2022-09-16 09:15", source="Ledger Daily"),
}
LISTS = ["", "tags/trade/", "sources/harbour-post/", "locations/odesa-ukraine/", "archive/2022/09/"]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("briefing")
    for name, text in {"site.yml": SITE, **FILES}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
        build_site(root)
    return root


def _card(doc: lxml_html.HtmlElement, title: str) -> lxml_html.HtmlElement:
    (card,) = doc.xpath(f"//article[contains(@class, 'card')][.//h2[normalize-space()='{title}']]")
    return card


def test_the_original_story_is_linked_under_the_headline_with_its_source_name(site):
    doc = page(site, "2022/09/grain/")
    links = doc.xpath(f"//a[@href='{ORIGINAL}']")
    assert len(links) == 1, "the page links the original once"
    (link,) = links
    assert link.xpath("ancestor::header[@class='story-header']")
    assert link.getparent().getprevious().tag == "h1"  # right under the headline
    assert text_of(link).startswith("Read the original at Harbour Post")
    assert "another site" in text_of(link)  # the accessible name says it leaves the site
    assert link.xpath(".//*[@aria-hidden='true' and normalize-space()='↗']")  # seen, not only coloured
    assert "external" in link.get("rel").split()
    main = text_of(doc.xpath("//main")[0])
    assert "original story" not in main.replace("Read the original at", "")
    assert doc.xpath("//footer[@class='story-footer']//a[@href='../../../sources/harbour-post/']")


def test_a_source_without_a_url_is_named_and_links_to_its_page(site):
    doc = page(site, "2022/09/rates/")
    (line,) = doc.xpath("//header[@class='story-header']/p[@class='story-source']")
    assert text_of(line) == "From Ledger Daily"
    assert line.xpath("a/@href") == ["../../../sources/ledger-daily/"]
    assert not doc.xpath("//main//a[starts-with(@href, 'http')]")


@pytest.mark.parametrize("url", LISTS)
def test_every_card_links_the_original_near_its_headline(site, url):
    doc = page(site, url)
    card = _card(doc, "Grain ships leave Odesa")
    (link,) = card.xpath(f".//a[@href='{ORIGINAL}']")
    assert text_of(link).startswith("Read the original at Harbour Post")
    assert link.xpath("ancestor::ul[@class='meta']/preceding-sibling::h2")  # in the line under the headline
    if url in ("", "tags/trade/", "archive/2022/09/"):
        other = _card(doc, "Central bank holds rates")
        assert not other.xpath(".//a[starts-with(@href, 'http')]")
        (name,) = other.xpath(".//ul[@class='meta']//a[normalize-space()='Ledger Daily']")
        assert name.get("href").endswith("sources/ledger-daily/")


def test_a_timed_story_shows_its_time_and_zone_and_a_dated_one_only_its_day(site):
    timed = page(site, "2022/09/grain/").xpath("//header//ul[@class='meta']//time")[0]
    assert text_of(timed) == "September 15, 2022, 14:30 BST"  # 18:30 at +05:00, in the site's zone
    assert datetime.fromisoformat(timed.get("datetime")) == datetime(2022, 9, 15, 13, 30, tzinfo=timezone.utc)
    naive = page(site, "2022/09/local/").xpath("//header//ul[@class='meta']//time")[0]
    assert text_of(naive) == "September 16, 2022, 09:15 BST"
    dated = page(site, "2022/09/rates/").xpath("//header//ul[@class='meta']//time")[0]
    assert text_of(dated) == "September 20, 2022"
    assert dated.get("datetime") == "2022-09-20"
    front = page(site, "")
    assert text_of(_card(front, "Grain ships leave Odesa").xpath(".//time")[0]).endswith("14:30 BST")
    assert text_of(_card(front, "Central bank holds rates").xpath(".//time")[0]) == "September 20, 2022"


@pytest.mark.parametrize(
    ("written", "timed"),
    [
        ("2022-09-15", False),
        ("2022-09-15 18:30", True),
        ("2022-09-15T18:30:00+05:00", True),
        ("2016-05-23 10:00:16 -0400", True),
        ("2022-09-15Z", False),
        (date(2022, 9, 15), False),
        (datetime(2022, 9, 15, 18, 30), True),
    ],
)
def test_a_date_names_a_time_only_when_one_is_written(written, timed):
    assert names_a_time(written) is timed


def test_no_meta_line_has_a_dot_a_line_could_start_or_end_with(site):
    """Separators are drawn by the stylesheet before each item, never written as text between them."""
    pages = [*LISTS, "2022/09/grain/", "2022/09/rates/"]
    lines = 0
    for url in pages:
        for meta in page(site, url).xpath("//ul[contains(@class, 'meta')]"):
            lines += 1
            assert [child.tag for child in meta] == ["li"] * len(meta)
            texts = [t.strip() for t in meta.xpath(".//text()") if t.strip()]
            assert not [t for t in texts if t.startswith("·") or t.endswith("·")], (url, texts)
    assert lines >= 10


def test_on_a_phone_the_masthead_is_short_and_wrapped_meta_lines_start_without_a_dot(tmp_path):
    """Measured in Chromium at 360 by 640: a dot before an item that begins a line is clipped out of sight
    (the browser finds nothing there), while dots between items on one line are there to see."""
    output = tmp_path / "public"
    config = load_config(ROOT / "site.yml")
    build(config, options=Options(output=output))
    find_dot = """
      const found = {starts: 0, between: 0, shown: 0, lists: document.querySelectorAll('ul.meta').length,
        masthead: document.querySelector('.masthead').getBoundingClientRect().height};
      for (const list of document.querySelectorAll('ul.meta')) {
        let top = null;
        for (const item of list.children) {
          item.scrollIntoView({block: 'center'});  // the browser finds only what is on screen
          const box = item.getBoundingClientRect();
          const line = box.top - list.getBoundingClientRect().top;
          const dot = parseFloat(getComputedStyle(item, '::before').width);
          const hit = document.elementFromPoint(box.left + dot / 2, box.top + box.height / 2);
          const seen = hit !== null && item.contains(hit);
          if (top === null || line > top + 1) { found.starts += 1; if (seen) found.shown += 1; }
          else { found.between += 1; if (!seen) found.shown -= 100; }
          top = line;
        }
      }
      return found;
    """
    with serve(output, "/digest/") as served, chromium(Path(tempfile.mkdtemp(dir=tmp_path))) as driver:
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": 360, "height": 640, "deviceScaleFactor": 2, "mobile": True},
        )
        for url in ("", "2022/09/putin-xi-samarkand/"):
            driver.get(served.url + url)
            found = driver.execute_script(find_dot)
            assert found["masthead"] <= 120, f"{url}: the masthead takes {found['masthead']} px of 640"
            assert found["shown"] == 0, found
            assert found["between"] > 0
            if url == "":  # some card's meta line wraps at 360 px, so the rule is tried
                assert found["starts"] > found["lists"], found
