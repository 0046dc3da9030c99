"""End to end: scratch sites built into a temp folder and read back the way a reader sees them."""

from __future__ import annotations

import json
import posixpath
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

import pytest
from conftest import STYLE, article, build_site, page, text_of
from lxml import html

from digest.content.assets import hashed_name
from digest.errors import BuildError


def _articles(count: int) -> dict[str, str]:
    """`count` articles a day apart, with overlapping tags, two sources and two datelines."""
    files = {}
    for n in range(1, count + 1):
        tags = ["Energy" if n % 2 else "energy", "Markets"] + (["Climate"] if n % 3 == 0 else [])
        files[f"content/2022-09-{n:02d}-story-{n}.md"] = article(
            f"Story number {n}",
            f"2022-09-{n:02d}T10:00:00+02:00",
            source="Reuters" if n % 2 else "NYTIMES",
            location="Samarkand, Uzbekistan" if n % 2 else "Nairobi, Kenya",
            tags="[" + ", ".join(tags) + "]",
            body=f"First paragraph of story {n}.\n\n## Details\n\nMore words here.\n",
        )
    return files


def crawl(output: Path, start: str = "index.html") -> set[str]:
    """Follow every internal href/src from the front page; fail on any link to a missing file or id."""
    seen: set[str] = set()
    queue = [start]
    while queue:
        current = queue.pop()
        if current in seen:
            continue
        seen.add(current)
        if not current.endswith(".html"):
            continue
        doc = _parse(output / current)
        for element in doc.iter():
            for attribute in ("href", "src"):
                link = element.get(attribute)
                if not link or urlsplit(link).scheme or link.startswith("//"):
                    continue
                target, fragment = urldefrag(link)
                resolved = posixpath.normpath(posixpath.join(posixpath.dirname(current), unquote(target)))
                if target == "" or target.endswith("/") or (output / resolved).is_dir():
                    resolved = posixpath.join(resolved, "index.html") if target else current
                assert not resolved.startswith(".."), f"{current}: {link} leaves the site"
                assert (output / resolved).is_file(), f"{current}: broken link {link}"
                if fragment:
                    ids = _parse(output / resolved).xpath("//@id")
                    assert fragment in ids, f"{current}: {link} points at a missing #{fragment}"
                queue.append(posixpath.normpath(resolved))
    return seen


def _parse(path: Path) -> html.HtmlElement:
    return html.fromstring(path.read_bytes())


def test_every_page_is_reachable_and_no_link_is_broken(make_site):
    root = make_site(_articles(12), "title: T\nbase_url: https://example.org/digest/\nper_page: 5\n")
    report = build_site(root)
    assert report.articles == 12
    seen = crawl(root / "public")
    for n in range(1, 13):
        assert f"2022/09/story-{n}/index.html" in seen
    for expected in ("tags/index.html", "tags/energy/index.html", "sources/reuters/index.html",
                     "locations/samarkand-uzbekistan/index.html", "archive/2022/09/index.html",
                     "page/2/index.html", "page/3/index.html", STYLE):  # fmt: skip
        assert expected in seen


def test_front_page_is_paginated_newest_first_without_repeats(make_site):
    root = make_site(_articles(12), "title: T\nbase_url: https://example.org/\nper_page: 5\n")
    build_site(root)
    titles = []
    for url in ("", "page/2/", "page/3/"):
        doc = page(root, url)
        titles += [text_of(h) for h in doc.xpath("//main//h2/a")]
    assert titles == [f"Story number {n}" for n in range(12, 0, -1)]
    assert not (root / "public/page/4").exists()
    second = page(root, "page/2/")
    assert second.xpath("//a[@rel='prev']/@href") == ["../../"]
    assert second.xpath("//a[@rel='next']/@href") == ["../../page/3/"]
    assert "page 2" in text_of(second.xpath("//title")[0])


def test_tags_differing_in_case_or_accents_are_one_term_with_first_spelling(make_site):
    files = _articles(4)
    files["content/2022-09-20-accent.md"] = article(
        "Accented", "2022-09-20T10:00:00Z", tags="[ÉNERGY, énergy]", body="Text.\n"
    )
    root = make_site(files)
    build_site(root)
    tag_pages = sorted(p.parent.name for p in (root / "public/tags").glob("*/index.html"))
    assert tag_pages == ["climate", "energy", "markets"]
    doc = page(root, "tags/energy/")
    assert text_of(doc.xpath("//h1")[0]) == "Stories tagged Energy"  # story 1 wrote it first
    assert len(doc.xpath("//main//h2/a")) == 5  # ÉNERGY and énergy fold into the same term
    index = page(root, "tags/")
    assert next(text_of(a) for a in index.xpath("//main//a[contains(@href, 'energy')]")).startswith("Energy")


def test_article_page_shows_what_a_reader_needs(make_site):
    files = _articles(8)
    root = make_site(files)
    build_site(root)
    doc = page(root, "2022/09/story-5/")
    assert text_of(doc.xpath("//h1")[0]) == "Story number 5"
    assert "SAMARKAND, Uzbekistan —" in text_of(doc.xpath("//main")[0])
    shown = datetime.fromisoformat(doc.xpath("//time/@datetime")[0])  # in the site's time zone, UTC
    assert shown == datetime(2022, 9, 5, 8, tzinfo=timezone.utc) and shown.utcoffset() == timedelta(0)
    main = text_of(doc.xpath("//main")[0])
    assert "min read" in main
    assert doc.xpath("//a[@href='../../../sources/reuters/']")
    assert doc.xpath("//a[@href='../../../tags/energy/']")
    assert doc.xpath("//a[@href='../../../locations/samarkand-uzbekistan/']")
    assert doc.xpath("//a[@href='../../../2022/09/story-6/']")
    assert doc.xpath("//a[@href='../../../2022/09/story-4/']")
    related = doc.xpath("//section[.//h2[contains(., 'Related')]]//li")
    assert 1 <= len(related) <= 5


def test_drafts_and_future_articles_are_left_out_unless_asked(make_site):
    files = _articles(2)
    files["content/draft.md"] = article("Work in progress", "2022-09-10T10:00:00Z", draft="true")
    files["content/later.md"] = article("Not yet", "2099-01-01T10:00:00Z")
    root = make_site(files)
    report = build_site(root)
    assert report.articles == 2
    assert [a.title for a in report.left_out] == ["Not yet"]
    assert not (root / "public/2022/09/draft").exists()
    report = build_site(root, drafts=True, future=True)
    assert report.articles == 4
    later = text_of(page(root, "2099/01/later/").xpath("//main")[0])
    assert "Scheduled" in later or "scheduled" in later
    assert "raft" in text_of(page(root, "2022/09/draft/").xpath("//main")[0])


def test_titles_are_escaped_never_executed(make_site):
    root = make_site({"content/x.md": article("<script>alert(1)</script> & co", "2022-09-01T10:00:00Z")})
    build_site(root)
    doc = page(root, "2022/09/x/")
    assert text_of(doc.xpath("//h1")[0]) == "<script>alert(1)</script> & co"
    assert not doc.xpath("//script[not(@type='application/ld+json')]")
    (data,) = doc.xpath("//script[@type='application/ld+json']/text()")
    assert "<" not in data and json.loads(data)["headline"] == "<script>alert(1)</script> & co"
    raw = (root / "public/2022/09/x/index.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in raw


@pytest.mark.parametrize(
    "field", ["slug: ../../../../escaped", "tags: ['../../../escaped']", "source: ../../escaped"]
)
def test_no_front_matter_value_writes_outside_the_output_folder(make_site, field):
    key, value = field.split(": ", 1)
    fields = {key: value} if key != "source" else {}
    text = article("Traversal", "2022-09-01T10:00:00Z", **fields)
    if key == "source":
        text = text.replace("source: Reuters", field)
    root = make_site({"content/x.md": text})
    build_site(root)
    outside = [p for p in root.rglob("*escaped*") if not p.is_relative_to(root / "public")]
    assert outside == []
    assert list((root / "public").rglob("*escaped*"))


def test_errors_from_all_files_are_reported_together_and_old_output_survives(make_site):
    root = make_site(_articles(3))
    build_site(root)
    before = {p: p.read_bytes() for p in (root / "public").rglob("*") if p.is_file()}
    (root / "content/bad1.md").write_text("---\ndate: 2022-09-01\nsource: X\n---\nNo title.\n")
    (root / "content/bad2.md").write_text("---\ntitle: Bad date\ndate: someday\nsource: X\n---\n")
    with pytest.raises(BuildError) as failed:
        build_site(root)
    messages = [str(e) for e in failed.value.errors]
    assert messages[0].startswith("content/bad1.md:2: missing `title`")
    assert messages[1].startswith("content/bad2.md:3: `date`: `someday` is not a date")
    after = {p: p.read_bytes() for p in (root / "public").rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in root.iterdir() if p.name.startswith(".public")] == []


def test_two_articles_claiming_one_url_name_both_files(make_site):
    root = make_site({
        "content/a/2022-09-01-same.md": article("One", "2022-09-01T10:00:00Z"),
        "content/b/2022-09-02-same.md": article("Two", "2022-09-02T10:00:00Z"),
    })  # fmt: skip
    with pytest.raises(BuildError) as failed:
        build_site(root)
    (error,) = failed.value.errors
    assert str(error).startswith(
        "content/b/2022-09-02-same.md: URL `/2022/09/same/` is also claimed by content/a/"
    )


def test_archives_group_by_year_and_month_in_site_time_zone(make_site):
    files = {"content/late.md": article("Late night", "2022-09-30T23:30:00-05:00"),
             "content/early.md": article("Early", "2022-08-15T08:00:00Z")}  # fmt: skip
    root = make_site(files, "title: T\nbase_url: https://example.org/\ntimezone: Asia/Tokyo\n")
    build_site(root)
    october = page(root, "archive/2022/10/")  # 23:30 in Chicago is October 1 in Tokyo
    assert [text_of(a) for a in october.xpath("//main//h2/a")] == ["Late night"]
    archive = text_of(page(root, "archive/").xpath("//main")[0])
    assert "October 2022" in archive and "August 2022" in archive


def test_not_found_page_links_from_the_site_root(make_site):
    root = make_site(_articles(1))
    build_site(root)
    doc = page(root, "404.html")
    hrefs = doc.xpath("//a/@href") + doc.xpath("//link/@href")
    assert f"/digest/{STYLE}" in hrefs
    assert all(h.startswith(("/digest/", "#", "http")) for h in hrefs), hrefs


def test_site_templates_and_theme_override_the_default(make_site):
    files = _articles(1)
    files["templates/404.html"] = "<!DOCTYPE html><title>x</title><p>Custom {{ site.title }}</p>"
    files["themes/default/static/style.css"] = "body { color: red }"
    root = make_site(files)
    build_site(root)
    assert "Custom Test Digest" in (root / "public/404.html").read_text()
    red = hashed_name("static/style.css", b"body { color: red }")
    assert (root / "public" / red).read_text() == "body { color: red }"
    assert f'href="{red}"' in (root / "public/index.html").read_text()
    assert not (root / "public" / STYLE).exists()
    assert (root / "public/static/favicon.svg").is_file()  # the rest still comes from the built-in theme


def test_template_mistakes_name_the_template_and_line(make_site):
    from digest.errors import DigestError

    files = _articles(1)
    files["templates/404.html"] = "<!DOCTYPE html>\n<title>x</title>\n{{ site.titel }}\n"
    root = make_site(files)
    with pytest.raises(DigestError) as failed:
        build_site(root)
    assert str(failed.value).startswith(f"{root / 'templates/404.html'}:3: ")
    assert "titel" in str(failed.value)


def test_content_images_are_published(make_site):
    files = _articles(1)
    files["content/images/map.svg"] = "<svg xmlns='http://www.w3.org/2000/svg'/>"
    files["content/with-image.md"] = article(
        "Pictured",
        "2022-09-03T10:00:00Z",
        image="images/map.svg",
        image_alt="A map",
        body="![Inline](images/map.svg)\n",
    )
    root = make_site(files)
    build_site(root)
    doc = page(root, "2022/09/with-image/")
    assert doc.xpath("//img[@alt='A map']/@src") == ["../../../images/map.svg"]
    assert doc.xpath("//img[@alt='Inline']/@src") == ["../../../images/map.svg"]
    assert (root / "public/images/map.svg").is_file()


def test_output_folder_may_not_replace_the_site(make_site):
    from digest.errors import BuildError, DigestError

    root = make_site(_articles(1), "title: T\nbase_url: https://example.org/\noutput_dir: .\n")
    with pytest.raises(BuildError) as failed:
        build_site(root)
    (error,) = failed.value.errors
    assert "would replace" in error.message
    (root / "site.yml").write_text("title: T\nbase_url: https://example.org/\n")
    with pytest.raises(DigestError, match="would replace"):
        build_site(root, output=root / "content")
    (root / "elsewhere").mkdir()
    (root / "elsewhere/precious.txt").write_text("keep me")
    with pytest.raises(DigestError, match="not made by digest"):
        build_site(root, output=root / "elsewhere")
    assert (root / "elsewhere/precious.txt").read_text() == "keep me"
