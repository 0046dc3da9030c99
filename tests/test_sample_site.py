"""The repository's own sample digest: complete, and valid HTML by the Nu HTML Checker."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from conftest import IN_CI, ROOT, text_of
from lxml import html

from digest.build import Options, build
from digest.config.load import load_config

VNU = ROOT / "tests/tools/node_modules/vnu-jar/build/dist/vnu.jar"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    output = tmp_path_factory.mktemp("sample") / "public"
    report = build(load_config(ROOT / "site.yml"), options=Options(output=output))
    return report, output


def _doc(output, url):
    return html.fromstring((output / url / "index.html").read_bytes())


def test_sample_has_the_stories_a_digest_needs(sample):
    report, output = sample
    assert report.articles >= 15
    doc = _doc(output, "2022/09/putin-xi-samarkand")
    assert "Putin" in text_of(doc.xpath("//h1")[0]) and "Xi" in text_of(doc.xpath("//h1")[0])
    main = text_of(doc.xpath("//main")[0])
    assert "SAMARKAND, Uzbekistan —" in main
    assert "The New York Times" in main and "NYTIMES" not in main  # the source registry's name
    tags = {text_of(a) for a in doc.xpath("//a[@rel='tag']")}
    assert {"Russia", "China", "Ukraine", "diplomacy"} <= tags
    assert doc.xpath("//img[@alt!='']")
    image = doc.xpath("//img/@src")[0]
    assert (output / "2022/09/putin-xi-samarkand" / image).resolve().is_file()


def test_sample_covers_every_page_type_with_real_content(sample):
    _, output = sample
    for index in ("tags", "sources", "locations"):
        terms = _doc(output, index).xpath("//main//a")
        assert len(terms) >= 5, index
    multi = [
        p
        for p in (output / "tags").glob("*/index.html")
        if len(html.fromstring(p.read_bytes()).xpath("//main//h2/a")) >= 2
    ]
    assert len(multi) >= 5
    assert (output / "page/2/index.html").is_file()
    assert (output / "archive/2022/09/index.html").is_file()
    sources = list((output / "sources").glob("*/index.html"))
    assert len(sources) >= 4
    places = text_of(_doc(output, "locations").xpath("//main")[0])
    for country in ("Uzbekistan", "Uganda", "Brazil", "United States", "Germany", "Japan"):  # five continents
        assert country in places


def test_sample_keeps_drafts_out_and_has_coordinates_and_non_latin_text(sample):
    _, output = sample
    drafts = [p for p in (ROOT / "content").glob("*.md") if "\ndraft: true" in p.read_text()]
    assert drafts
    for draft in drafts:
        slug = draft.stem.split("-", 3)[3]
        assert not list(output.glob(f"*/*/{slug}/index.html"))
    all_text = " ".join(text_of(html.fromstring(p.read_bytes())) for p in output.glob("20*/*/*/index.html"))
    assert any(ord(ch) > 0x2FFF for ch in all_text)  # CJK or similar, not just accents
    assert "° N" in all_text or "° S" in all_text


def test_every_sample_page_is_valid_html(sample):
    _, output = sample
    java = shutil.which("java")
    if not (java and VNU.is_file()):
        if IN_CI:
            pytest.fail(
                "the Nu HTML Checker needs java and tests/tools/node_modules (see README: running the tests)"
            )
        pytest.skip("Nu HTML Checker not installed")
    pages = sorted(str(p) for p in output.rglob("*.html"))
    result = subprocess.run(
        [java, "-jar", str(VNU), "--format", "json", "--also-check-css", "--also-check-svg", *pages,
         *map(str, output.rglob("*.css")), *map(str, output.rglob("*.svg"))],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    problems = [
        f"{m.get('url')}:{m.get('lastLine')}: {m['message']}" for m in messages if m["type"] == "error"
    ]
    assert problems == []
    assert len(pages) > 40
