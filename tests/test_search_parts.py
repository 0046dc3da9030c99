"""The search index in parts by date: which part a page goes to, what an edit re-indexes, and the
results in date order across parts as a reader sees them in headless Chromium."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from browser import chromium
from conftest import SITE_YML, article, build_site, write_files
from http_server import serve
from pagefind.service import get_executable
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

from digest.render.plan import Page, PageInfo
from digest.write.search_parts import part_name, split
from digest.write.search_view import indexed_view

UTC = timezone.utc


def _page(url: str, published: datetime | None) -> Page:
    return Page("article.html", PageInfo(url, "", "article", url), published=published)


def test_a_page_goes_to_its_year_or_for_the_newest_year_to_its_newest_month_or_the_months_before():
    newest = datetime(2024, 5, 3, tzinfo=UTC)
    assert part_name(datetime(2021, 12, 31, tzinfo=UTC), newest) == "2021"
    assert part_name(datetime(2024, 1, 1, tzinfo=UTC), newest) == "2024"  # the newest year but its last month
    assert part_name(datetime(2024, 4, 30, tzinfo=UTC), newest) == "2024"
    assert part_name(datetime(2024, 5, 1, tzinfo=UTC), newest) == "2024-05"
    january = datetime(2025, 1, 9, tzinfo=UTC)
    assert part_name(datetime(2024, 12, 31, tzinfo=UTC), january) == "2024"  # a new year closes the last
    assert part_name(january, january) == "2025-01"


def test_parts_come_newest_first_in_the_sites_time_zone_and_undated_pages_stay_out():
    pages = [
        _page("a/", datetime(2023, 6, 1, tzinfo=UTC)),
        _page("b/", datetime(2024, 2, 29, 23, 30, tzinfo=UTC)),  # 1 March in Berlin: the newest month
        _page("c/", datetime(2024, 1, 10, tzinfo=UTC)),
        _page("tags/", None),
        _page("d/", datetime(2022, 1, 1, tzinfo=UTC)),
    ]
    parts = split(pages, ZoneInfo("Europe/Berlin"))
    assert [(part.name, [page.path for page in part.pages]) for part in parts] == [
        ("2024-03", ["b/index.html"]),
        ("2024", ["c/index.html"]),
        ("2023", ["a/index.html"]),
        ("2022", ["d/index.html"]),
    ]
    assert split(pages[3:4], UTC) == []


def test_a_parts_digest_changes_when_a_page_joins_or_leaves_it_and_not_otherwise():
    first = _page("a/", datetime(2023, 6, 1, tzinfo=UTC))
    second = _page("b/", datetime(2023, 6, 20, tzinfo=UTC))
    [both] = split([first, second], UTC)
    assert split([second, first], UTC)[0].members == both.members
    later = _page("b/", datetime(2023, 6, 21, tzinfo=UTC))  # the same page, its time changed
    assert split([first, later], UTC)[0].members == both.members
    assert split([first], UTC)[0].members != both.members


STORIES = {  # name: (date, title); every story mentions ferries
    "old": ("2021-06-10T09:00:00Z", "Ferries return to the northern islands"),
    "jan": ("2022-01-15T09:00:00Z", "Winter storms halt the ferry crossings"),
    "feb": ("2022-02-20T09:00:00Z", "A new ferry is launched at the yard"),
    "mar": ("2022-03-05T09:00:00Z", "Ferry fares rise for the summer"),
    "late": ("2022-03-25T09:00:00Z", "The night ferry gets a second ship"),
}


def _site(root: Path) -> Path:
    files = {
        f"content/{name}.md": article(title, date, body=f"{title}. The ferry company said more would follow.")
        for name, (date, title) in STORIES.items()
    }
    write_files(root, {"site.yml": SITE_YML, **files})
    return root


def _parts(output: Path) -> list[str]:
    return [part["name"] for part in json.loads((output / "pagefind/parts.json").read_text())["parts"]]


def _inodes(output: Path, part: str) -> dict[str, int]:
    folder = output / "pagefind" / part
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


def _words(output: Path, part: str) -> str:
    from test_search import _fragment

    return " ".join(_fragment(file)["content"] for file in (output / "pagefind" / part).glob("fragment/*"))


@pytest.fixture
def indexed(tmp_path, monkeypatch) -> Callable[[], list[str]]:
    """Which parts Pagefind indexed since last asked: the real program, behind a script that notes them."""
    log, program = tmp_path / "indexed.log", tmp_path / "pagefind"
    program.write_text(f'#!/bin/sh\nbasename "$PWD" >> {log}\nexec {get_executable()} "$@"\n')
    program.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(program))

    def parts() -> list[str]:
        names = log.read_text().split() if log.exists() else []
        log.unlink(missing_ok=True)
        return sorted(names)

    return parts


def test_an_edit_reindexes_its_part_only_and_a_new_month_closes_the_last(tmp_path, indexed):
    root = _site(tmp_path)
    output = root / "public"
    build_site(root)
    assert _parts(output) == ["2022-03", "2022", "2021"]
    assert indexed() == ["2021", "2022", "2022-03"]
    kept = {part: _inodes(output, part) for part in ("2022", "2021")}
    late = root / "content/late.md"
    late.write_text(late.read_text() + "\nA quokka was seen on the upper deck.\n")
    build_site(root)
    assert indexed() == ["2022-03"]
    assert {part: _inodes(output, part) for part in kept} == kept  # the same files, left in place
    assert "quokka" in _words(output, "2022-03")

    write_files(root, {"content/april.md": article("Ferry timetable for spring", "2022-04-02T09:00:00Z")})
    build_site(root)
    assert indexed() == ["2022", "2022-04"]
    assert _parts(output) == ["2022-04", "2022", "2021"]
    assert not (output / "pagefind/2022-03").exists()  # its stories joined their year, whose folder stays:
    fragments = {path: inode for path, inode in kept["2022"].items() if path.startswith("fragment/")}
    assert fragments.items() <= _inodes(output, "2022").items()  # January's and February's stay as they were
    assert "quokka" in _words(output, "2022") and "timetable" in _words(output, "2022-04")

    (root / "content/jan.md").unlink()  # a story leaves its part: the part is indexed again without it
    build_site(root)
    assert indexed() == ["2022"]
    assert "Winter storms" not in _words(output, "2022")
    assert "Ferry fares" in _words(output, "2022")
    assert _inodes(output, "2021") == kept["2021"]
    build_site(root)  # nothing changed
    assert indexed() == []


def test_a_damaged_parts_list_is_not_trusted_every_part_is_indexed_again(tmp_path, indexed):
    root = _site(tmp_path)
    output = root / "public"
    build_site(root)
    indexed()
    listing = (output / "pagefind/parts.json").read_bytes()
    (output / "pagefind/parts.json").write_text("{not json")
    late = root / "content/late.md"
    late.write_text(late.read_text() + "\nMore.\n")
    build_site(root)
    assert indexed() == ["2021", "2022", "2022-03"]
    assert (output / "pagefind/parts.json").read_bytes() == listing  # the same parts of the same pages


def test_parts_made_by_another_pagefind_are_made_again_when_one_part_is(tmp_path, indexed):
    """Pagefind's script refuses to merge an index of another version: after an upgrade, no part is kept."""
    root = _site(tmp_path)
    output = root / "public"
    build_site(root)
    indexed()
    entry = output / "pagefind/2021/pagefind-entry.json"
    made = json.loads(entry.read_text())
    entry.write_text(json.dumps({**made, "version": "0.0.1"}))  # as an older Pagefind left it
    late = root / "content/late.md"
    late.write_text(late.read_text() + "\nMore.\n")
    build_site(root)
    assert indexed() == ["2021", "2022-03"]  # the edited part, then the old one
    assert json.loads(entry.read_text())["version"] == made["version"]
    build_site(root)
    assert indexed() == []


def test_a_build_may_leave_the_index_behind_for_the_next_to_bring_up(tmp_path, indexed):
    """The preview's saves: pages first, parts as they were, and the next build (with nothing else to
    do, so no no-op answer) indexes what they put off."""
    root = _site(tmp_path)
    output = root / "public"
    build_site(root)
    indexed()
    late = root / "content/late.md"
    late.write_text(late.read_text() + "\nA quokka was seen on the upper deck.\n")
    report = build_site(root, search_later=True)
    assert report.search_behind and indexed() == []
    assert "quokka" in (output / "2022/03/late/index.html").read_text()
    assert "quokka" not in _words(output, "2022-03")  # the part as it was, marked out of date:
    listed = json.loads((output / "pagefind/parts.json").read_text())["parts"]
    assert listed[0] == {"name": "2022-03", "pages": "out of date"}
    report = build_site(root)
    assert not report.search_behind and indexed() == ["2022-03"]
    assert "quokka" in _words(output, "2022-03")
    write_files(root, {"content/april.md": article("Ferry timetable for spring", "2022-04-02T09:00:00Z")})
    assert build_site(root, search_later=True).search_behind  # a new part: none yet; 2022 as it was
    assert _parts(output) == ["2022", "2021"] and indexed() == []
    build_site(root)
    assert _parts(output) == ["2022-04", "2022", "2021"] and indexed() == ["2022", "2022-04"]


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with chromium(tmp_path_factory.mktemp("chromium-profile")) as driver:
        yield driver


@pytest.mark.parametrize("order", ["newest", "oldest"])
def test_results_in_date_order_run_across_the_parts(tmp_path, browser, order):
    root = _site(tmp_path)
    build_site(root)
    by_date = [
        f"{date[:4]}/{date[5:7]}/{name}/" for name, (date, _) in sorted(STORIES.items(), key=lambda s: s[1])
    ]
    expected = by_date[::-1] if order == "newest" else by_date
    with serve(root / "public", "/digest/") as served:
        browser.get(served.url + "search/")
        field = browser.find_element(By.ID, "search-query")
        field.click()
        WebDriverWait(browser, 15).until(lambda b: b.find_elements(By.CSS_SELECTOR, "#search-sort"))
        Select(browser.find_element(By.ID, "search-sort")).select_by_value(order)
        field.send_keys("ferry")
        assert _shown(browser, "5 stories found") == [served.url + path for path in expected]
        menus = [
            s.get_attribute("name") for s in browser.find_elements(By.CSS_SELECTOR, "select[data-filter]")
        ]
        assert "index-part" not in menus  # how the index is split is not the reader's business


def _shown(browser, status: str) -> list[str]:
    """The results' links, once the search page announces `status`."""
    from test_search import _links

    WebDriverWait(browser, 15).until(lambda b: status in b.find_element(By.ID, "search-status").text)
    return _links(browser)


FILLER = "The council met on {day} to discuss the harbour budget, the ferry timetable and the new quay."


def test_best_match_weighs_a_word_as_rare_in_every_part_as_in_the_whole_index(tmp_path, browser):
    """Pagefind scores a word by its rarity within one part: once in a big part would outscore three
    times in the small newest month, though one index would rank the three times first."""
    files = {
        f"content/filler-{n}.md": article(
            f"Council meeting {n}", f"2021-{1 + n % 12:02d}-10T09:00:00Z", body=FILLER.format(day=n)
        )
        for n in range(40)
    }
    files["content/once.md"] = article(
        "Island visitors", "2021-07-01T09:00:00Z", body=FILLER.format(day="Friday") + " A quokka was seen."
    )
    files["content/thrice.md"] = article(
        "Island wildlife",
        "2022-03-02T09:00:00Z",
        body=FILLER.format(day="Monday") + " A quokka, a quokka, a quokka.",
    )
    write_files(tmp_path, {"site.yml": SITE_YML, **files})
    build_site(tmp_path)
    assert _parts(tmp_path / "public") == ["2022-03", "2021"]
    with serve(tmp_path / "public", "/") as served:
        browser.get(served.url + "search/?q=quokka")
        assert _shown(browser, "2 stories found") == [
            served.url + "2022/03/thrice/",
            served.url + "2021/07/once/",
        ]


def test_a_filter_alone_lists_every_part_newest_first(tmp_path, browser):
    root = _site(tmp_path)
    build_site(root)
    with serve(root / "public", "/") as served:
        browser.get(served.url + "search/?source=Reuters")
        links = _shown(browser, "5 stories found")
        assert links[0] == served.url + "2022/03/late/" and links[-1] == served.url + "2021/06/old/"


STORY_PAGE = """<!doctype html><html lang="en"><head><title>A story</title>
<meta property="article:tag" content="Shipping" data-pagefind-filter="tag[content]"></head>
<body><nav><a href="/">Home</a></nav>
<article data-pagefind-body data-pagefind-sort="date:100">
<h1>Ferries return</h1><p class="by" data-pagefind-ignore data-pagefind-filter="source:Gazette">Read it</p>
<P title="a>b">The ferries came back.</P><!-- <p>a note</p> --><script>const s = "</p>";</script>
<br/><footer data-pagefind-ignore><a href="/newer/">Newer story</a></footer>
</article><aside data-pagefind-filter="author">Ann Lee</aside></body></html>"""


@pytest.mark.parametrize(
    ("old", "new", "alike"),
    [
        ('<a href="/newer/">Newer story</a>', '<a href="/newest/">A newer story</a>', True),
        ('<nav><a href="/">Home</a></nav>', "<nav><a href='/'>Home</a><a href='/x/'>X</a></nav>", True),
        ("<title>A story</title>", "<title>Another</title>", True),
        (">Read it<", ">Read the original<", True),
        ("The ferries came back.", "The ferries came back at last.", False),
        ("source:Gazette", "source:Herald", False),
        ('content="Shipping"', 'content="Ports"', False),
        ("date:100", "date:200", False),
        ("Ann Lee", "Bo Chen", False),  # a filter whose value is the element's text
        ("a note", "another note", True),  # in a comment
        ('"</p>"', '"</div>"', True),  # in a script
        ('title="a>b"', 'title="a>c"', False),
        ('lang="en"', 'lang="fr"', False),
    ],
)
def test_a_pages_view_is_what_pagefind_reads_of_it(old, new, alike):
    assert old in STORY_PAGE
    before, after = STORY_PAGE.encode(), STORY_PAGE.replace(old, new).encode()
    assert (indexed_view(before) == indexed_view(after)) is alike


def test_a_page_that_does_not_ask_to_be_indexed_has_no_view():
    assert indexed_view(STORY_PAGE.replace(" data-pagefind-body", "").encode()) is None
