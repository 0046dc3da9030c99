"""Other people's HTML becomes plain text and Markdown in which nothing can run."""

from __future__ import annotations

from urllib.parse import urlsplit

import markdown as python_markdown
import pytest
from lxml import html as lxml_html

from digest.curator.feed_text import markdown, plain_text
from digest.curator.known_links import without_tracking
from digest.urls import link_key

EXTENSIONS = ["tables", "footnotes", "attr_list", "fenced_code", "smarty", "toc", "sane_lists"]

HOSTILE = [
    '<p onclick="alert(1)">tap</p>',
    '<a href="javascript:alert(1)">go</a>',
    '<a href=" JaVa\tScRiPt:alert(1)">go</a>',
    '<a href="vbscript:msgbox(1)">go</a>',
    '<a href="data:text/html,<script>alert(1)</script>">go</a>',
    "<script>alert(1)</script>",
    "<style>body{display:none}</style>",
    '<iframe src="https://evil.example/"></iframe>',
    '<img src="x" onerror="alert(1)">',
    '<svg onload="alert(1)"></svg>',
    '<p style="background:url(javascript:alert(1))">styled</p>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "[go](javascript:alert(1))",
    "<b>{: onclick=alert(1)}</b>",
]


@pytest.mark.parametrize("fragment", HOSTILE)
def test_nothing_executable_survives_into_the_rendered_body(fragment):
    html = python_markdown.markdown(markdown(fragment), extensions=EXTENSIONS)
    for element in lxml_html.fragment_fromstring(html, create_parent="div").iter():
        assert element.tag in ("div", "p", "a", "strong", "em", "ul", "li", "code", "pre")
        assert all(not name.startswith("on") and name != "style" for name in element.attrib)
        assert urlsplit(element.get("href", "https://x")).scheme in ("http", "https", "mailto")


def test_the_markdown_keeps_what_a_reader_needs():
    fragment = (
        "<h2>Results</h2><p>Turnout was <strong>high</strong> and <em>early</em>; see "
        '<a href="https://results.example.org/?q=(all)">the tables</a>.<br>More later.</p>'
        "<ul><li>North: 61%</li><li>South: 58%</li></ul><blockquote><p>A quiet day.</p></blockquote>"
        "<pre>count = 2\n```</pre>"
    )
    assert markdown(fragment) == (
        "**Results**\n\n"
        "Turnout was **high** and *early*; see [the tables](https://results.example.org/?q=%28all%29).  \n"
        "More later.\n\n"
        "- North: 61%\n- South: 58%\n\n"
        "> A quiet day.\n\n"
        "````\ncount = 2\n```\n````"
    )


def test_text_that_looks_like_markup_stays_text():
    written = markdown("<p># 1. *not* {{< shortcode >}} [x](y) &amp;copy; &lt;b&gt;</p>")
    html = python_markdown.markdown(written, extensions=EXTENSIONS)
    assert html == "<p># 1. *not* {{&lt; shortcode &gt;}} [x](y) &amp;copy; &lt;b&gt;</p>"


def test_relative_and_unsafe_links_keep_their_text_only():
    written = markdown('<a href="/local/page">here</a> <a href="javascript:x()">there</a> <a href="x">y</a>')
    assert written == "here there y"


def test_plain_text_drops_tags_and_scripts_and_decodes_entities():
    text = plain_text("<p>Fish &amp; chips</p><script>alert(1)</script><p>at&nbsp;noon</p>")
    assert text == "Fish & chips at noon"


def test_plain_text_is_cut_at_a_sentence_within_the_limit():
    text = plain_text("<p>" + "One short sentence. " * 30 + "</p>", limit=60)
    assert text == "One short sentence. One short sentence. One short sentence."


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("HTTPS://Example.ORG/story/", "https://example.org/story"),
        ("https://example.org:443/story?utm_source=rss&id=4", "https://example.org/story?id=4#top"),
        ("http://example.org/a?utm_medium=feed", "http://example.org/a"),
        ("https://example.org/story", "http://example.org/story"),  # moved to https: the same page
    ],
)
def test_one_story_however_its_link_is_spelt(a, b):
    assert link_key(a) == link_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://example.org/story?id=4", "https://example.org/story?id=5"),
        ("https://example.org:8443/story", "https://example.org/story"),
    ],
)
def test_different_stories_stay_different(a, b):
    assert link_key(a) != link_key(b)


def test_a_kept_link_loses_only_its_tracking_parameters():
    assert without_tracking("https://e.org/a/?utm_source=rss&x=%20y#p") == "https://e.org/a/?x=%20y#p"
    assert without_tracking("https://e.org/a?b=c&d") == "https://e.org/a?b=c&d"


def test_control_characters_never_reach_a_story_file():
    """A story file may not hold them (the build refuses it), and on a terminal they are commands."""
    assert plain_text("<p>red\x1b[31m alert\x07</p>") == "red[31m alert"
    written = markdown("<p>red\x1b[31m\x00 alert</p><pre>a\x1b\r\nb</pre>")
    assert written == "red\\[31m alert\n\n```\na\nb\n```"
