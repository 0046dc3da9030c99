"""Titles get the typography their bodies get (smarty): on the page, in <title>, in feeds, as plain text."""

from __future__ import annotations

import html
import json
import re

import feedparser
import pytest
from conftest import article, build_site, page, text_of

from digest.config.site_config import MarkdownConfig
from digest.content.markup import MarkdownRenderer
from digest.content.titles import TitleTypography

# each title as written, and as a reader should see it
CASES = [
    ("'90s bands return", "\u201990s bands return"),  # a leading apostrophe: a decade, not a quote
    ("The '90s are back, aren't they?", "The \u201990s are back, aren\u2019t they?"),
    ("\"Not 'safe' yet,\" says the mayor", "\u201cNot \u2018safe\u2019 yet,\u201d says the mayor"),
    ("'The \"deal\" is off'", "\u2018The \u201cdeal\u201d is off\u2019"),
    ('"All of it quoted"', "\u201cAll of it quoted\u201d"),
    ('Talks stall -- "for now"', "Talks stall \u2013 \u201cfor now\u201d"),
    ('Markets fall---"a correction"', "Markets fall\u2014\u201ca correction\u201d"),
    ("Wait for it...", "Wait for it\u2026"),
    ('AT&T and "<b>" tags & more', "AT&T and \u201c<b>\u201d tags & more"),
    ("Prices < costs & wages > 3", "Prices < costs & wages > 3"),
    ("Already &amp; escaped", "Already &amp; escaped"),
    ("No quotes, no change", "No quotes, no change"),
]


def _body_text(renderer: MarkdownRenderer, text: str) -> str:
    """What a reader sees in the body for the same words: the paragraph's text."""
    body = renderer.render(text, "2022/09/story/")
    return html.unescape(re.sub(r"</?p>", "", body)).strip()


@pytest.mark.parametrize(("written", "shown"), CASES)
def test_title_typography_equals_the_body_for_the_same_words(written, shown):
    renderer = MarkdownRenderer(MarkdownConfig())
    assert renderer.title(written) == shown
    if "&amp;" not in written and "<b>" not in written:  # in a body these are markup, in a title text
        assert _body_text(renderer, written) == shown


def test_titles_follow_the_sites_smarty_settings():
    settings = {
        "smart_dashes": False,
        "substitutions": {"left-double-quote": "&bdquo;", "right-double-quote": "&ldquo;"},
    }
    config = MarkdownConfig(extension_configs={"smarty": settings})
    title = 'Berlin says "nein" -- again'
    shown = "Berlin says \u201enein\u201c -- again"
    assert TitleTypography(config)(title) == shown
    assert _body_text(MarkdownRenderer(config), title) == shown


def test_angled_quotes_when_the_site_asks_for_them():
    config = MarkdownConfig(extension_configs={"smarty": {"smart_angled_quotes": True}})
    assert TitleTypography(config)("Paris: <<non>> to the plan") == "Paris: \u00abnon\u00bb to the plan"


def test_smarty_named_by_its_module_path_counts():
    config = MarkdownConfig(extensions=("markdown.extensions.smarty",))
    assert TitleTypography(config)('A "quoted" word') == "A \u201cquoted\u201d word"


def test_without_smarty_titles_stay_as_written():
    config = MarkdownConfig(extensions=("tables", "footnotes"))
    assert TitleTypography(config)('\'90s "hits" -- live...') == '\'90s "hits" -- live...'


def test_markdown_in_a_title_stays_literal_text():
    title = '1. *Stars* and `code`: [a link](x) "here"'
    assert TitleTypography(MarkdownConfig())(title) == "1. *Stars* and `code`: [a link](x) \u201chere\u201d"


TITLE = '\'90s "grunge" is back -- & <so> is flannel...'
SHOWN = "\u201990s \u201cgrunge\u201d is back \u2013 & <so> is flannel\u2026"


def test_a_reader_sees_typographic_titles_on_the_page_and_in_the_feeds(make_site):
    root = make_site(
        {
            "content/grunge.md": article(
                "Placeholder", "2022-09-15T10:00:00Z", body=TITLE.replace("<so>", "&lt;so&gt;") + "\n"
            ).replace("'Placeholder'", json.dumps(TITLE))  # YAML reads a JSON string as written
        },
        "title: Test Digest\nbase_url: https://example.org/\n",
    )
    build_site(root)
    story = page(root, "2022/09/grunge/")
    assert text_of(story.xpath("//h1")[0]) == SHOWN
    assert SHOWN in [text_of(p) for p in story.xpath("//p")]  # the body shows the same words the same way
    assert story.xpath("//title")[0].text_content().startswith(SHOWN)
    (data,) = (json.loads(s.text) for s in story.xpath("//script[@type='application/ld+json']"))
    assert SHOWN in json.dumps(data, ensure_ascii=False)
    assert text_of(page(root, "").xpath(f"//a[contains(., '{SHOWN[:8]}')]")[0]) == SHOWN
    for name in ("feed.xml", "rss.xml"):
        feed = feedparser.parse((root / "public" / name).read_bytes(), sanitize_html=False)
        assert feed.entries[0].title == SHOWN, name
    items = json.loads((root / "public" / "feed.json").read_text(encoding="utf-8"))["items"]
    assert items[0]["title"] == SHOWN
