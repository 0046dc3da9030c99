"""`digest import` end to end: feed files and a real local server in, draft stories out, once."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import SITE_YML, article, page, text_of, write_files

from digest.cli import main
from digest.config.load import load_config
from digest.content.inputs import content_files
from digest.content.read import Parsed, parse_files
from tests.feed_server import Reply, feed_server

FEEDS = Path(__file__).parent / "import_feeds"
REGISTRY = """\
timezone: Europe/Paris
sources:
  gazette:
    name: The Harbour Gazette
    home: https://www.gazette.example.com/
  science:
    name: Valley Science
    feed: FEED_URL
"""


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A site with a source registry and one story, as the current folder."""
    write_files(
        tmp_path,
        {
            "site.yml": SITE_YML + REGISTRY.replace("FEED_URL", "https://science.example.net/atom.xml"),
            "content/2024-01-05-harbour-dredging-starts.md": article(
                "Harbour dredging starts",
                "2024-01-05T09:00:00Z",
                source="{name: gazette, url: 'HTTPS://Gazette.Example.com/2024/03/lighthouse-museum?utm_campaign=x'}",
            ),
        },
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def stories(root: Path) -> dict[str, Parsed]:
    """The site's story files as digest reads them, by file name."""
    config = load_config(root / "site.yml")
    results = parse_files(config, list(content_files(config).articles))
    assert all(isinstance(result, Parsed) for result in results.values()), results
    return {Path(path).name: result for path, result in results.items()}  # type: ignore[misc]


def build(*options: str) -> None:
    """`digest build` in a process of its own; the stories are dated after the tests' frozen today."""
    built = subprocess.run(
        [sys.executable, "-m", "digest.cli", "build", "--future", *options], capture_output=True, text=True
    )
    assert built.returncode == 0, built.stderr


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], list[str]]:
    code = main(["import", *args])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err.splitlines()


def test_rss_atom_and_json_feed_become_drafts_and_a_second_run_imports_nothing(site, capsys):
    feeds = [str(FEEDS / name) for name in ("rss.xml", "atom.xml", "feed.json")]
    code, out, err = run(capsys, *feeds)
    assert (code, err) == (0, [])
    assert out == [
        "wrote content/2024-03-12-ferry-timetable-changes-for-the-winter-spring.md",
        "wrote content/2024-04-02-bees-prefer-blue-flowers-in-cold-springs.md",
        "wrote content/2024-03-28-weather-station-data-now-open-to-schools.md",
        "wrote content/2024-05-07-route-4-will-stop-at-the-market-on-saturdays-for-a-trial.md",
        "wrote content/2024-05-06-corner-bakery-wins-the-regional-bread-prize.md",
        "imported 5 new stories as drafts from 3 feed(s); 1 already in the digest",
    ]  # the lighthouse story is already in the digest, its link spelt differently
    ferry = (site / "content/2024-03-12-ferry-timetable-changes-for-the-winter-spring.md").read_text()
    assert ferry == (
        "---\n"
        "title: Ferry timetable changes for the winter & spring\n"
        "date: 2024-03-12T08:45:00+01:00\n"
        "source:\n"
        "  name: gazette\n"
        "  url: https://gazette.example.com/2024/03/ferry-timetable/\n"
        "tags: [Transport, Islands]\n"
        "summary: The island ferry will sail twice a day from April, the operator said. Commuters asked for "
        "an earlier boat.\n"
        "draft: true\n"
        "---\n"
        "The island ferry will sail **twice a day** from April, the operator said.\n\n"
        "Commuters asked for an [earlier boat](https://gazette.example.com/letters/).\n"
    )
    read = stories(site)
    bees = read["2024-04-02-bees-prefer-blue-flowers-in-cold-springs.md"].article
    assert (bees.source.name, bees.draft, [t.name for t in bees.tags]) == (
        "Valley Science",
        True,
        ["Biology"],
    )
    bakery = read["2024-05-06-corner-bakery-wins-the-regional-bread-prize.md"].article
    assert bakery.source.name == "Market Square Weekly"  # not in the registry: the feed's own title
    assert "<li>a trip to the national final</li>" in bakery.body

    code, out, err = run(capsys, *feeds)
    assert (code, err) == (0, [])
    assert out == ["imported 0 new stories as drafts from 3 feed(s); 6 already in the digest"]
    assert len(stories(site)) == 6


def test_since_limit_tag_and_dry_run(site, capsys):
    feeds = [str(FEEDS / "rss.xml"), str(FEEDS / "feed.json")]
    code, out, _ = run(
        capsys, *feeds, "--since", "2024-05-07", "--dry-run", "--tag", "Weekly", "--tag", "weekly"
    )
    assert code == 0
    assert out == [
        "would write content/2024-05-07-route-4-will-stop-at-the-market-on-saturdays-for-a-trial.md",
        "would import 1 new story as drafts from 2 feed(s); 1 already in the digest, 2 older than --since; "
        "nothing was written (--dry-run)",
    ]
    assert len(stories(site)) == 1

    _, out, _ = run(capsys, *feeds, "--limit", "1", "--tag", "Weekly", "--tag", "weekly")
    assert (
        out[-1] == "imported 2 new stories as drafts from 2 feed(s); 1 already in the digest, 1 over --limit"
    )
    bus = stories(site)["2024-05-07-route-4-will-stop-at-the-market-on-saturdays-for-a-trial.md"].article
    assert [tag.name for tag in bus.tags] == ["Weekly"]
    assert bus.title == "Route 4 will stop at the market on Saturdays <for a trial>."  # untitled: its text


def test_an_entry_without_a_date_is_dated_now_in_the_site_time_zone(site, capsys):
    rss = (
        '<rss version="2.0"><channel><title>Undated</title><item><title>Quay repairs</title>'
        "<link>https://undated.example.com/quay</link></item></channel></rss>"
    )
    (site / "undated.xml").write_text(rss)
    _, out, _ = run(capsys, "undated.xml")
    (story,) = [p.article for p in stories(site).values() if p.article.title == "Quay repairs"]
    now = datetime.fromtimestamp(1700000000, ZoneInfo("Europe/Paris"))  # SOURCE_DATE_EPOCH in tests
    assert (story.date, story.date.utcoffset()) == (now, now.utcoffset())
    assert out[0] == f"wrote content/{story.date:%Y-%m-%d}-quay-repairs.md"


def test_one_headline_twice_on_a_day_gets_a_second_name(site, capsys):
    item = "<item><title>Tide tables</title><link>https://tides.example.com/{}</link>"
    item += "<pubDate>Tue, 12 Mar 2024 07:45:00 +0000</pubDate></item>"
    rss = f'<rss version="2.0"><channel><title>Tides</title>{item.format(1)}{item.format(2)}</channel></rss>'
    (site / "tides.xml").write_text(rss)
    _, out, _ = run(capsys, "tides.xml")
    assert out[:2] == ["wrote content/2024-03-12-tide-tables.md", "wrote content/2024-03-12-tide-tables-2.md"]


def test_a_headline_whose_url_another_story_has_gets_a_second_name(site, capsys):
    """With /{year}/{month}/{slug}/, one headline on two days of a month would share a page."""
    item = "<item><title>Harbour dredging starts</title><link>https://dredge.example.com/</link>"
    item += "<pubDate>Sat, 20 Jan 2024 07:45:00 +0000</pubDate></item>"
    (site / "dredge.xml").write_text(f'<rss version="2.0"><channel><title>D</title>{item}</channel></rss>')
    _, out, _ = run(capsys, "dredge.xml")
    assert out[0] == "wrote content/2024-01-20-harbour-dredging-starts-2.md"
    assert {p.article.url for p in stories(site).values()} == {
        "2024/01/harbour-dredging-starts/",
        "2024/01/harbour-dredging-starts-2/",
    }


def test_hostile_entries_come_out_harmless_and_build(site, capsys):
    code, out, err = run(capsys, str(FEEDS / "hostile.xml"))
    assert code == 0
    assert out == [
        "wrote content/2024-05-01-council-approves-the-budget.md",
        "imported 1 new story as drafts from 1 feed(s); 2 refused (see above)",
    ]
    feed = FEEDS / "hostile.xml"
    assert err == [
        f"{feed}: skipped “A story whose link runs a script”: it links to `javascript:alert('link')`, not to "
        "an http(s) URL — only entries with a web link are imported",
        f"{feed}: skipped “A story whose link is data”: it links to "
        "`data:text/html,<script>alert(1)</script>`, not to an http(s) URL — only entries with a web link "
        "are imported",
    ]
    text = (site / "content/2024-05-01-council-approves-the-budget.md").read_text()
    for sign in (
        "<script",
        "<style",
        "<iframe",
        "<img",
        "<svg",
        "<form",
        "onclick",
        "onerror",
        "javascript:alert(1",
    ):
        assert sign not in text
    build("--drafts")
    story = page(site, "2024/05/council-approves-the-budget/")
    body = story.xpath("//main")[0]
    assert "The vote was close." in text_of(body)
    assert [a.get("href") for a in body.xpath(".//a[contains(., 'the minutes')]")] == [
        "https://normal.example.com/minutes"
    ]
    for element in body.iter():
        assert element.tag not in ("script", "style", "iframe", "img", "svg", "form", "input")
        assert not [name for name in element.attrib if name.startswith("on") or name == "style"]
        assert not element.get("href", "").lower().lstrip().startswith(("javascript", "data"))


def test_imported_drafts_build_and_read_right(site, capsys):
    run(capsys, str(FEEDS / "rss.xml"))
    build("--drafts")
    ferry = page(site, "2024/03/ferry-timetable-changes-for-the-winter-spring/")
    assert text_of(ferry.xpath("//h1")[0]) == "Ferry timetable changes for the winter & spring"
    hrefs = ferry.xpath("//a/@href")
    assert "https://gazette.example.com/2024/03/ferry-timetable/" in hrefs
    assert "https://gazette.example.com/letters/" in hrefs
    assert "The Harbour Gazette" in text_of(ferry)
    build()
    assert not (site / "public/2024/03/ferry-timetable-changes-for-the-winter-spring/index.html").exists()


def test_feeds_from_a_local_server_each_failure_named_and_the_rest_imported(site):
    atom = (FEEDS / "atom.xml").read_bytes()
    routes = {
        "/moved": Reply(301, headers={"Location": "/atom.xml"}),
        "/atom.xml": Reply(body=atom, headers={"Content-Type": "application/atom+xml"}),
        "/gone.xml": Reply(404),
        "/loop": Reply(302, headers={"Location": "/loop"}),
        "/huge.xml": Reply(body=b"<rss>", flood=50 * 1024 * 1024),
        "/broken.xml": Reply(body=b"<rss version='2.0'><channel><title>Oops</channel></rss>"),
    }
    with feed_server(routes) as server:
        (site / "site.yml").write_text(SITE_YML + REGISTRY.replace("FEED_URL", server.url + "/atom.xml"))
        urls = [server.url + path for path in ("/gone.xml", "/moved", "/loop", "/huge.xml", "/broken.xml")]
        done = subprocess.run(
            [sys.executable, "-m", "digest.cli", "import", *urls], capture_output=True, text=True, timeout=60
        )
        assert server.sent["/huge.xml"] < 25 * 1024 * 1024
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        "wrote content/2024-04-02-bees-prefer-blue-flowers-in-cold-springs.md",
        "wrote content/2024-03-28-weather-station-data-now-open-to-schools.md",
        "imported 2 new stories as drafts from 1 of 5 feed(s); 4 feed(s) could not be read",
    ]
    assert done.stderr.splitlines() == [
        f"{urls[0]}: the server answered 404 Not Found — check the URL",
        f"{urls[2]}: redirects in a loop ({urls[2]} → {urls[2]}) — fix the feed's URL",
        f"{urls[3]}: the answer is 50 MB, over the 10 MB limit for a feed — is this the feed's URL?",
        f"{urls[4]}: line 1: not well-formed XML (mismatched tag) — the feed is broken; "
        "ask its publisher to fix it",
    ]
    bees = stories(site)["2024-04-02-bees-prefer-blue-flowers-in-cold-springs.md"].article
    assert bees.source.name == "Valley Science"  # the registry's entry for the feed's URL, after a redirect


def test_a_story_that_cannot_be_read_is_named_and_the_import_goes_on(site, capsys):
    (site / "content/broken.md").write_text("no front matter here\n")
    code, out, err = run(capsys, str(FEEDS / "atom.xml"))
    assert code == 0
    assert len(out) == 3
    assert err == [
        "content/broken.md:1: no front matter — start the file with a `---` line, then `title: …`, "
        "`date: …`, `source: …`, then another `---` line (its link is not known, so a feed entry linking "
        "it would be imported again)"
    ]


def test_a_missing_site_is_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, str(FEEDS / "rss.xml"))
    assert code == 1
    assert err[-1] == "import stopped; only the stories listed above were written"
    assert err[0].startswith("site.yml: ")


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--limit", "0"], "argument --limit: `0` is not a whole number of stories, 1 or more"),
        (["--limit", "many"], "argument --limit: `many` is not a whole number of stories, 1 or more"),
        (
            ["--since", "2024-13-01"],
            "argument --since: `2024-13-01` is not a real date (month must be in 1..12)",
        ),
    ],
)
def test_options_are_checked(option, message, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["import", "feed.xml", *option])
    assert stopped.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == f"digest import: error: {message}"


def test_an_import_killed_while_writing_leaves_whole_stories_and_the_next_run_finishes_it(site):
    """SIGKILL as the third story is linked into place: two whole stories, then the rest, each once."""
    feeds = [str(FEEDS / name) for name in ("rss.xml", "atom.xml", "feed.json")]
    halt = [sys.executable, str(Path(__file__).with_name("halt_digest.py")), "--at", "os.link", "--nth", "3"]
    with subprocess.Popen(
        [*halt, "--", "import", *feeds], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as held:
        assert held.stderr is not None and held.stdout is not None
        assert held.stderr.readline() == b"stalled\n"  # about to link the third story into place
        held.kill()
        assert held.wait(timeout=10) == -9
        assert len(held.stdout.read().splitlines()) == 2
    assert len(stories(site)) == 3  # every file there reads as a whole story
    again = subprocess.run(
        [sys.executable, "-m", "digest.cli", "import", *feeds], capture_output=True, text=True
    )
    assert again.stdout.splitlines()[-1] == (
        "imported 3 new stories as drafts from 3 feed(s); 3 already in the digest"
    )
    assert len(stories(site)) == 6
    build("--drafts")


def test_paths_are_shown_from_the_current_folder(site, capsys, monkeypatch):
    monkeypatch.chdir(site.parent)
    _, out, _ = run(capsys, str(FEEDS / "atom.xml"), "--config", f"{site.name}/site.yml", "--limit", "1")
    assert out[0] == f"wrote {site.name}/content/2024-04-02-bees-prefer-blue-flowers-in-cold-springs.md"
