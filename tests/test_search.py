"""Search: the sample digest indexed by Pagefind and searched in headless Chromium under /digest/.

The index is made at the end of a build from the pages as they will be published, and goes out with
them all or nothing; a no-op build never runs Pagefind; `search: false` leaves no trace.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import CHROMIUM, chromium, missing
from conftest import ROOT, SITE_YML
from http_server import Served, serve
from pagefind.service import get_executable
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait
from test_serve import _get, _probe, _serving, _wait

from digest.build import Options, build
from digest.config.load import load_config
from digest.errors import BuildError
from digest.write.record import read_record

SAMARKAND = "2022/09/putin-xi-samarkand/"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[Served]:
    """The sample digest, built as CI builds it and served under its base_url's path."""
    output = tmp_path_factory.mktemp("search") / "public"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
        build(load_config(ROOT / "site.yml"), options=Options(output=output))
    with serve(output, "/digest/") as served:
        yield served


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with chromium(tmp_path_factory.mktemp("chromium-profile")) as driver:
        yield driver


def _status(browser, query: str | None = None) -> str:
    """Type `query` (if given) into the search page's field and wait for the announced outcome."""
    field = browser.find_element(By.ID, "search-query")
    if query is not None:
        browser.execute_script("document.getElementById('search-status').textContent = ''")
        field.clear()
        field.send_keys(query)
    wait = WebDriverWait(browser, 15)
    return wait.until(lambda b: b.find_element(By.ID, "search-status").text)


def _links(browser) -> list[str]:
    return [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#search-results h2 a")]


def _requests(browser) -> list[str]:
    return browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")


def test_a_query_finds_the_right_story_first_and_its_link_works_under_the_sub_path(browser, site):
    browser.get(site.url + "search/")
    assert "found for “Putin Xi Samarkand”" in _status(browser, "Putin Xi Samarkand")
    links = _links(browser)
    assert links[0] == site.url + SAMARKAND
    assert site.url + "editions/3/" in links  # the edition that carries it is found too, after it
    browser.find_element(By.CSS_SELECTOR, "#search-results h2 a").click()
    WebDriverWait(browser, 10).until(lambda b: b.current_url == site.url + SAMARKAND)
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Putin and Xi meet in Samarkand")


def test_the_search_box_on_every_page_leads_to_the_results(browser, site):
    browser.get(site.url + "tags/russia/")
    box = browser.find_element(By.ID, "site-search-query")
    assert browser.find_element(By.CSS_SELECTOR, "label[for=site-search-query]").get_attribute("textContent")
    box.send_keys("Samarkand", Keys.ENTER)
    WebDriverWait(browser, 10).until(lambda b: "/search/" in b.current_url)
    assert browser.current_url == site.url + "search/?q=Samarkand"
    assert "found" in _status(browser)
    assert _links(browser)[0] == site.url + SAMARKAND


def test_a_source_filter_narrows_the_results(browser, site):
    browser.get(site.url + "search/")
    everything = _status(browser, "Russia")
    total = len(_links(browser))
    assert total > 2, everything
    source = Select(browser.find_element(By.CSS_SELECTOR, "select[data-filter=source]"))
    browser.execute_script("document.getElementById('search-status').textContent = ''")
    source.select_by_value("The New York Times")
    narrowed = _status(browser)
    links = _links(browser)
    assert 0 < len(links) < total, (everything, narrowed)
    metas = browser.find_elements(By.CSS_SELECTOR, "#search-results .meta")
    assert all(meta.text.endswith("The New York Times") for meta in metas)
    assert "source=The+New+York+Times" in browser.current_url  # the filtered search can be linked


def test_date_order_finds_what_best_match_finds_editions_too(browser, site):
    browser.get(site.url + "search/")
    best = _status(browser, "Samarkand")
    found = set(_links(browser))
    assert site.url + "editions/3/" in found
    for order in ("newest", "oldest"):
        browser.execute_script("document.getElementById('search-status').textContent = ''")
        Select(browser.find_element(By.ID, "search-sort")).select_by_value(order)
        assert _status(browser) == best
        assert set(_links(browser)) == found


def test_a_query_without_a_result_says_so(browser, site):
    browser.get(site.url + "search/")
    assert _status(browser, "xylophonist") == "No story found for “xylophonist”."
    assert _links(browser) == []


def test_nothing_is_loaded_before_the_search_is_used_and_nothing_from_elsewhere(browser, site):
    browser.get(site.url)
    assert not any("pagefind" in url for url in _requests(browser))
    browser.get(site.url + "search/")
    assert not any("pagefind" in url for url in _requests(browser))
    browser.find_element(By.ID, "search-query").click()
    WebDriverWait(browser, 10).until(lambda b: any(u.endswith("pagefind.js") for u in _requests(b)))
    _status(browser, "Samarkand")
    assert all(url.startswith(site.url) for url in _requests(browser)), _requests(browser)


LIGHTHOUSE = ROOT / "tests/tools/node_modules/.bin/lighthouse"


@pytest.mark.parametrize("page", ["search/?q=Samarkand", "editions/3/"], ids=["search", "edition"])
def test_lighthouse_scores_100_on_the_search_page_with_a_query_and_on_an_edition(site, tmp_path, page):
    """Accessibility, best practices and SEO at 100 with results shown (performance is machine noise)."""
    if not LIGHTHOUSE.is_file():
        missing("Lighthouse in tests/tools/node_modules")
    report = tmp_path / "report.json"
    done = subprocess.run(
        [
            str(LIGHTHOUSE),
            site.url + page,
            "--quiet",
            "--only-categories=accessibility,best-practices,seo",
            "--chrome-flags=--headless --no-sandbox --disable-gpu",
            "--output=json",
            f"--output-path={report}",
        ],
        env={**os.environ, "CHROME_PATH": str(CHROMIUM)},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(report.read_text())
    scores = {name: category["score"] for name, category in result["categories"].items()}
    failing = [
        f"{name}: {audit['title']}"
        for name, audit in result["audits"].items()
        if audit.get("score") is not None and audit["score"] < 1 and audit["scoreDisplayMode"] == "binary"
    ]
    assert scores == {"accessibility": 1, "best-practices": 1, "seo": 1}, failing
    assert result["finalDisplayedUrl"] == site.url + page
    assert result["audits"]["errors-in-console"]["score"] == 1  # on the search page: the index loaded and ran


def test_the_index_holds_the_stories_and_editions_only_with_their_filters(site, tmp_path):
    output = _build(ROOT, tmp_path / "public")
    parts = [part["name"] for part in json.loads((output / "pagefind/parts.json").read_text())["parts"]]
    assert parts == ["2022-10", "2022"]  # newest first: the newest month, then the rest of its year
    counts = [_entry(output, part)["languages"]["en"]["page_count"] for part in parts]
    stories = [page for page in output.rglob("*.html") if 'class="kind-article' in page.read_text()]
    editions = list(output.glob("editions/*/index.html"))
    assert sum(counts) == len(stories) + len(editions) == 17 + 7
    fragments = [_fragment(file) for file in output.glob("pagefind/*/fragment/*")]
    urls = {fragment["url"] for fragment in fragments}
    assert len(urls) == len(fragments) == 24  # each page in one part only
    assert "/" + SAMARKAND in urls and "/" not in urls and "/tags/russia/" not in urls
    samarkand = next(f for f in fragments if f["url"] == "/" + SAMARKAND)
    assert samarkand["filters"]["source"] == ["The New York Times"]
    assert samarkand["filters"]["edition"] == ["No. 3 — Summit week"]
    assert samarkand["filters"]["location"] == ["Samarkand, Uzbekistan"]
    assert "Russia" in samarkand["filters"]["tag"]
    assert samarkand["meta"]["title"].startswith("Putin and Xi meet in Samarkand")
    assert samarkand["content"].startswith("Putin and Xi meet in Samarkand")
    for navigation in ("min read", "More from", "Read the original", "Related stories", "Older story"):
        assert navigation not in samarkand["content"]
    index = {file.relative_to(output).as_posix() for file in output.glob("pagefind/**/*") if file.is_file()}
    assert not {"pagefind-ui.js", "pagefind-highlight.js"} & {path.rpartition("/")[2] for path in index}
    record = read_record(output)
    assert record and index <= record  # digest replaces these files, and no other


def _entry(output: Path, part: str) -> dict:
    return json.loads((output / "pagefind" / part / "pagefind-entry.json").read_text())


def _fragment(file: Path) -> dict:
    """A Pagefind fragment: gzip, then a signature, then the page's JSON."""
    data = gzip.decompress(file.read_bytes())
    return json.loads(data[data.index(b"{") :])


def _build(root: Path, output: Path, *args: str, env: dict[str, str] | None = None) -> Path:
    done = subprocess.run(
        [sys.executable, "-m", "digest.cli", "build", "-q", "--output", str(output), *args],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000", **(env or {})},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return output


STORY = """---
title: Quiet harbour reopens
date: 2023-03-01T09:00:00Z
source: Harbour Gazette
tags: [Shipping]
---
The harbour reopened to ferries on Friday after a winter of repairs.
"""
FAILING = "#!/bin/sh\necho 'Error: the disk said no' >&2\nexit 3\n"


def _sample(root: Path, search: str = "") -> Path:
    """A small site of two stories in `root`, with `search:` as given."""
    (root / "content").mkdir(parents=True)
    (root / "site.yml").write_text(SITE_YML + search, encoding="utf-8")
    (root / "content/harbour.md").write_text(STORY, encoding="utf-8")
    other = STORY.replace("Quiet harbour reopens", "Lighthouse keeper retires").replace("harbour", "cape")
    (root / "content/keeper.md").write_text(other, encoding="utf-8")
    return root


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _run(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000", **(env or {})},
        check=False,
    )


def _words(output: Path) -> str:
    """Every word the index holds, as the fragments give them."""
    return " ".join(_fragment(file)["content"] for file in output.glob("pagefind/*/fragment/*"))


def test_search_false_builds_no_index_no_page_and_no_box_and_removes_an_old_index(tmp_path):
    root = _sample(tmp_path)
    output = _build(root, root / "public")
    assert (output / "pagefind/2023-03/pagefind.js").is_file() and (output / "search/index.html").is_file()
    assert 'id="site-search-query"' in (output / "index.html").read_text()
    (root / "site.yml").write_text(SITE_YML + "search: false\n", encoding="utf-8")
    _build(root, output)
    files = _files(output)
    assert not any(path.startswith(("pagefind/", "search/")) for path in files), sorted(files)
    pages = [data for path, data in files.items() if path.endswith(".html")]
    assert pages and not any(b"site-search" in data or b'type="module"' in data for data in pages)
    assert b"pagefind" not in files[".digest-record"] and b"search/" not in files["sitemap.xml"]


def test_search_must_be_true_or_false(tmp_path):
    root = _sample(tmp_path, "search: sometimes\n")
    with pytest.raises(BuildError) as caught:
        load_config(root / "site.yml")
    [error] = caught.value.errors
    assert str(error).endswith("site.yml:3: `search`: expected `true` or `false`, found `sometimes`")


def test_a_no_op_build_never_indexes_and_an_edit_reindexes(tmp_path):
    root = _sample(tmp_path)
    output = _build(root, root / "public")
    indexed = _files(output / "pagefind")
    broken = {"PAGEFIND_BINARY_PATH": str(tmp_path / "no-such-pagefind")}
    _build(root, output, env=broken)  # nothing changed: answered without Pagefind
    (output / "index.html").write_text("")  # a page that is not indexed, rewritten: the index is kept
    _build(root, output, env=broken)
    assert _files(output / "pagefind") == indexed
    story = root / "content/harbour.md"
    story.write_text(STORY + "A quokka was seen on the quay.\n", encoding="utf-8")
    before = _files(output)
    failed = _run(root, "-m", "digest.cli", "build", "--output", str(output), env=broken)
    assert failed.returncode == 1
    assert "site.yml: search needs the Pagefind program, but there is no " in failed.stderr
    assert "run `pip install 'pagefind[bin]'` (or set `search: false`" in failed.stderr
    assert _files(output) == before  # the edit was not published without its index
    _build(root, output)
    assert "quokka" in _words(output) and "quokka" not in " ".join(map(str, indexed.values()))


def test_pagefind_failing_fails_the_build_and_leaves_the_last_site(tmp_path):
    root = _sample(tmp_path)
    output = _build(root, root / "public")
    program = tmp_path / "pagefind"
    program.write_text(FAILING)
    program.chmod(0o755)
    (root / "content/harbour.md").write_text(STORY + "More.\n", encoding="utf-8")
    before = _files(output)
    failed = _run(root, "-m", "digest.cli", "build", env={"PAGEFIND_BINARY_PATH": str(program)})
    assert failed.returncode == 1
    assert failed.stderr.startswith(
        "site.yml: Pagefind could not index the site: Error: the disk said no "
        "(or set `search: false` to build the site without search)"
    )
    assert _files(output) == before


@pytest.mark.parametrize(
    "moment",
    ["subprocess.Popen:pagefind", "open:pagefind/2023-03/fragment/"],
    ids=["while-pagefind-runs", "while-staging-the-index"],
)
def test_a_build_killed_while_indexing_leaves_the_last_site_whole(tmp_path, moment):
    root = _sample(tmp_path)
    output = _build(root, root / "public")
    before = _files(output)
    (root / "content/harbour.md").write_text(STORY + "A quokka was seen on the quay.\n", encoding="utf-8")
    halt = str(ROOT / "tests/halt_digest.py")
    killed = _run(root, halt, "--at", moment, "--then", "kill:0.002", "--", "build")
    assert killed.returncode == -9, killed.stderr
    _wait(lambda: not _running_in(tmp_path), what="Pagefind to die with the build (SIGKILL from the kernel)")
    after = _files(output)
    assert after == before or b"quokka" in after["2023/03/harbour/index.html"]  # old site, or new
    assert (after == before) == ("quokka" not in _words(output))  # each with its own index, whole
    _build(root, output)
    assert "quokka" in _words(output)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".public.")]  # leftovers removed


def _running_in(folder: Path) -> list[str]:
    """Command lines of live processes started in `folder` (so a test sees an orphaned indexer)."""
    found = []
    for process in Path("/proc").iterdir():
        try:
            cwd = (process / "cwd").resolve()
        except OSError:
            continue
        if process.name.isdigit() and cwd.is_relative_to(folder) and cwd != folder:
            found.append((process / "cmdline").read_text())
    return found


GATED = """#!/bin/sh
touch {started}
while [ ! -e {gate} ]; do sleep 0.05; done
exec {program} "$@"
"""


def _eventually(browser, address: str, expected: str) -> str:
    """Open `address` until the search page's status says `expected` (the index catches up while idle)."""

    def found() -> str | None:
        browser.get(address)
        status = _status(browser)
        return status if expected in status else None

    return _wait(found, timeout=60, what=f"“{expected}” at {address}")


def test_the_preview_shows_a_save_first_and_indexes_it_while_idle(tmp_path, monkeypatch):
    """Pagefind runs behind a gate: what the preview shows while the gate is shut did not wait for it."""
    root = _sample(tmp_path / "site")
    gate, started, program = tmp_path / "gate", tmp_path / "started", tmp_path / "pagefind"
    program.write_text(GATED.format(started=started, gate=gate, program=get_executable()))
    program.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(program))
    gate.touch()
    with _serving(root) as (url, _), chromium(tmp_path / "profile") as browser:
        _wait(lambda: _probe(url), what="the preview server")
        _eventually(browser, url + "search/?q=harbour", "1 story found")
        assert _links(browser)[0] == url + "2023/03/harbour/"
        gate.unlink()
        started.unlink()
        (root / "content/keeper.md").write_text(STORY.replace("harbour", "quokka"), encoding="utf-8")
        _wait(lambda: "quokka" in _get(url + "2023/03/keeper/")[1], what="the save shown, Pagefind held")
        _wait(started.exists, what="the index to start catching up, once idle")
        # a save while it catches up (held at the gate, with the site's lock): shown all the same
        (root / "content/harbour.md").write_text(STORY + "A wombat came aboard.\n", encoding="utf-8")
        _wait(lambda: "wombat" in _get(url + "2023/03/harbour/")[1], what="the save shown, catch-up held")
        gate.touch()
        _eventually(browser, url + "search/?q=quokka", "1 story found")
        assert _links(browser) == [url + "2023/03/keeper/"]
        _eventually(browser, url + "search/?q=wombat", "1 story found")
