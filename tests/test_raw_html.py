"""Raw HTML in bodies: trusted by default, cleaned with `markdown: {sanitize: true}`; feeds run no scripts."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest
from conftest import article, build_site, page

from digest.config.load import load_config
from digest.config.site_config import MarkdownConfig
from digest.content.markup import MarkdownRenderer
from digest.errors import BuildError
from digest.render.feeds import absolute_links

BODY = """\
Intro with <span onclick="steal()">a span</span> and [a bad link](javascript:alert(1)).

<script>alert("body")</script>
<a href=JaVaScRiPt:alert(2)>bare</a> <a href='jav&#x61;script:alert(3)'>encoded</a>
<img src="images/map.svg" onerror="alert(4)" alt="Map"> [fine](/tags/x/) [mail](mailto:desk@example.org)

| left | right |
|:-----|------:|
| 1    | 2     |
"""


def _site(make_site, sanitize: bool) -> Path:
    site_yml = "title: T\nbase_url: https://example.org/\n" + (
        "markdown: {sanitize: true}\n" if sanitize else ""
    )
    return make_site(
        {
            "content/story.md": article("Story", "2022-09-01T10:00:00Z", body=BODY),
            "content/images/map.svg": "<svg/>",
        },
        site_yml,
    )


def test_by_default_the_curator_is_trusted_and_raw_html_passes_to_the_page(make_site):
    root = _site(make_site, sanitize=False)
    build_site(root)
    text = (root / "public/2022/09/story/index.html").read_text()
    assert 'onclick="steal()"' in text and '<script>alert("body")</script>' in text


def test_sanitize_keeps_markdown_html_and_drops_scripts_handlers_and_script_links(make_site):
    root = _site(make_site, sanitize=True)
    build_site(root)
    body = page(root, "2022/09/story/")
    text = (root / "public/2022/09/story/index.html").read_text()
    for gone in ("steal()", 'alert("body")', "alert(1)", "alert(2)", "alert(3)", "alert(4)"):
        assert gone not in text
    assert body.xpath("//a[text()='fine']/@href") == ["../../../tags/x/"]
    assert body.xpath("//a[text()='mail']/@href") == ["mailto:desk@example.org"]
    assert body.xpath("//img[@alt='Map']/@src") == ["images/map.svg"]
    assert body.xpath("//td[@style='text-align: right;']/text()") == ["2"]


@pytest.mark.parametrize("sanitize", [False, True])
def test_feeds_never_carry_a_script_link(make_site, sanitize):
    root = _site(make_site, sanitize)
    build_site(root)
    feeds = [root / "public" / name for name in ("feed.xml", "rss.xml", "feed.json")]
    assert all(path.is_file() for path in feeds)
    for path in feeds:
        text = path.read_text().lower()
        assert (
            "javascript:" not in text and "javascript&#58;" not in text and "jav&amp;#x61;script" not in text
        )
    content = json.loads((root / "public/feed.json").read_text())["items"][0]["content_html"]
    assert 'src="https://example.org/2022/09/story/images/map.svg"' in content


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('<a href="javascript:x()">a</a>', '<a href="#">a</a>'),
        ("<a/href='javascript:x()'>a</a>", '<a/href="#">a</a>'),
        ("<a href=javascript:x()>a</a>", '<a href="#">a</a>'),
        ('<a title="1>0" href=" java\tscript:x">a</a>', '<a title="1>0" href="#">a</a>'),
        ('<a href="javascript&colon;x">a</a>', '<a href="#">a</a>'),
        ('<svg><a xlink:href="vbscript:x">a</a></svg>', '<svg><a xlink:href="#">a</a></svg>'),
        ('<form action="javascript:x"></form>', '<form action="#"></form>'),
        ("<img src=a.png>", '<img src="https://example.org/p/a.png">'),
        ('<a href="https://x.org/">a</a>', '<a href="https://x.org/">a</a>'),
    ],
)
def test_feed_links_lose_scripts_and_become_absolute(body, expected):
    assert absolute_links(body, "https://example.org/p/") == expected


def test_the_allow_list_keeps_what_markdown_makes():
    text = "# Head {#top}\n\nA[^1] *b* **c** `d` ~~e~~\n\n> q\n\n1. one\n\n```\ncode\n```\n\n[^1]: Note.\n"
    plain = MarkdownRenderer(MarkdownConfig()).render(text, "a/")
    clean = MarkdownRenderer(MarkdownConfig(sanitize=True)).render(text, "a/")
    assert html.unescape(clean) == html.unescape(plain)  # the same markup; entities may be spelt otherwise
    assert '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">' in clean


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("{sanitize: yes}", "site.yml:3: `markdown`: `sanitize` must be true or false, found `yes`"),
        (
            "{max_size: 2}",
            "site.yml:3: `markdown`: `max_size` must be a size like `2 MB` or `800 KB`, not `2`",
        ),
        (
            "{max_size: 0 MB}",
            "site.yml:3: `markdown`: `max_size` must be a size like `2 MB` or `800 KB`, not `0 MB`",
        ),
        ("{max_sise: 2 MB}", "site.yml:3: `markdown`: unknown key `max_sise` — did you mean `max_size`?"),
    ],
)
def test_markdown_settings_are_checked(tmp_path, setting, expected):
    (tmp_path / "content").mkdir()
    (tmp_path / "site.yml").write_text(f"title: T\nbase_url: https://example.org/\nmarkdown: {setting}\n")
    with pytest.raises(BuildError) as failed:  # site.yml reports every mistake at once: this is the one
        load_config(tmp_path / "site.yml")
    assert [str(e).replace(f"{tmp_path}/", "") for e in failed.value.errors] == [expected]


@pytest.mark.parametrize(
    ("setting", "size"), [("2 MB", 2_000_000), ("800 KB", 800_000), ("1.5mb", 1_500_000)]
)
def test_max_size_reads_sizes_with_units(tmp_path, setting, size):
    (tmp_path / "content").mkdir()
    (tmp_path / "site.yml").write_text(
        f"title: T\nbase_url: https://example.org/\nmarkdown: {{max_size: {setting}}}\n"
    )
    assert load_config(tmp_path / "site.yml").markdown.max_size == size
