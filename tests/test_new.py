"""`digest new`: the story file it writes, where, what it refuses and warns about, and never a half file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from conftest import SITE_YML, article, needs_mounts, page, text_of, write_files
from test_config import digest

from digest.cli import main
from digest.config.load import load_config
from digest.content.frontmatter import parse
from digest.curator.story_file import NewStory, story_text

KILL_AT = Path(__file__).parent / "faults" / "kill_at.py"
FAILED = "new failed; nothing was written"
REGISTRY = """\
timezone: Asia/Tokyo
sources:
  nytimes:
    name: The New York Times
    home: https://www.nytimes.com/
    aliases: [NYT]
  ap: {name: Associated Press, home: https://apnews.com/}
"""
NYT_LINK = "https://www.nytimes.com/2023/11/14/world/asia/typhoon-okinawa.html"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    write_files(tmp_path, {"site.yml": SITE_YML + REGISTRY})
    (tmp_path / "content").mkdir()
    return tmp_path


def stories(site: Path) -> list[str]:
    return sorted(p.name for p in (site / "content").iterdir())


def test_a_story_is_written_where_the_conventions_say_and_builds(site: Path) -> None:
    made = digest(
        "new",
        'Typhoon: Okinawa\'s "long" night',
        "--url",
        NYT_LINK,
        "--location",
        "Naha, Japan",
        "--tags",
        "weather, Japan,,",
        "--summary",
        "Winds of #200 km/h.",
        cwd=site,
    )
    assert made.returncode == 0, made.stderr
    assert made.stderr == ""
    # SOURCE_DATE_EPOCH is 2023-11-14 22:13:20 UTC: already the 15th in the site's time zone
    assert made.stdout == "content/2023-11-15-typhoon-okinawa-s-long-night.md\n"
    assert (site / made.stdout.strip()).read_text() == (
        "---\n"
        'title: "Typhoon: Okinawa\'s \\"long\\" night"\n'
        "date: 2023-11-15T07:13:20+09:00\n"
        "source:\n"
        "  name: nytimes\n"  # the registry's entry, found by the link's host
        f"  url: {NYT_LINK}\n"
        "location: Naha, Japan\n"
        "tags: [weather, Japan]\n"
        'summary: "Winds of #200 km/h."\n'
        "---\n"
    )
    built = digest("build", cwd=site)
    assert built.returncode == 0, built.stderr
    story = page(site, "2023/11/typhoon-okinawa-s-long-night/")
    assert text_of(story.xpath("//h1")[0]) == "Typhoon: Okinawa\u2019s \u201clong\u201d night"  # smart quotes
    link = story.xpath("//a[@class='source-link']")[0]
    assert link.get("href") == NYT_LINK
    assert text_of(link).startswith("Read the original at The New York Times")


def test_source_alias_date_edition_and_draft_are_written_as_given(site: Path) -> None:
    made = digest(
        "new",
        "Ports reopen",
        "--url",
        "https://example.com/ports",
        "--source",
        "NYT",
        "--date",
        "2022-09-15",
        "--edition",
        "12",
        "--draft",
        cwd=site,
    )
    assert made.returncode == 0, made.stderr
    text = (site / "content/2022-09-15-ports-reopen.md").read_text()
    assert "date: 2022-09-15\n" in text
    assert "  name: nytimes\n" in text
    assert "edition: 12\n" in text
    assert "draft: true\n" in text
    dated = digest(
        "new",
        "Ports close",
        "--url",
        "https://apnews.com/x",
        "--date",
        "2022-09-16 18:30",
        "--edition",
        "2022-09-16",
        cwd=site,
    )
    text = (site / "content/2022-09-16-ports-close.md").read_text()
    assert dated.returncode == 0, dated.stderr
    assert "date: 2022-09-16T18:30:00+09:00\n" in text  # read in the site's time zone
    assert "edition: 2022-09-16\n" in text
    assert "  name: ap\n" in text


def test_a_source_outside_the_registry_is_kept_with_a_warning(site: Path) -> None:
    made = digest("new", "Harvest", "--url", "https://www.farmweekly.example/harvest", cwd=site)
    assert made.returncode == 0
    assert made.stderr == (
        "warning: content/2023-11-15-harvest.md: no source in the registry is on farmweekly.example, so the "
        "story names farmweekly.example as its source — pass --source, or add the outlet under `sources:` "
        "in site.yml\n"
    )
    assert "  name: farmweekly.example\n" in (site / "content/2023-11-15-harvest.md").read_text()
    named = digest("new", "Harvest two", "--url", "https://x.example/h", "--source", "Farm Weekly", cwd=site)
    assert named.stderr == (
        "warning: content/2023-11-15-harvest-two.md: the source `Farm Weekly` is not in the source registry "
        "— add it under `sources:` in site.yml\n"
    )


def test_an_existing_file_is_never_overwritten(site: Path) -> None:
    write_files(site, {"content/2023-11-15-harvest.md": "mine\n"})
    made = digest("new", "Harvest", "--url", "https://apnews.com/h", cwd=site)
    assert made.returncode == 1
    assert made.stdout == ""
    assert made.stderr.splitlines() == [
        "content/2023-11-15-harvest.md: already exists — digest never overwrites a story: edit that file, "
        "or give the new one another headline or --slug",
        FAILED,
    ]
    assert (site / "content/2023-11-15-harvest.md").read_text() == "mine\n"


def test_a_url_another_story_of_the_month_has_is_refused(site: Path) -> None:
    write_files(site, {"content/2023-11-02-harvest.md": article("Old harvest", "2023-11-02")})
    made = digest("new", "Harvest", "--url", "https://apnews.com/h", cwd=site)
    assert made.stderr.splitlines() == [
        "content/2023-11-15-harvest.md: its URL /2023/11/harvest/ is taken by content/2023-11-02-harvest.md "
        "— pass --slug with another name",
        FAILED,
    ]
    assert stories(site) == ["2023-11-02-harvest.md"]
    again = digest("new", "Harvest", "--url", "https://apnews.com/h", "--slug", "Harvest ends", cwd=site)
    assert again.stdout == "content/2023-11-15-harvest-ends.md\n"


def test_a_link_another_story_has_is_named_with_its_line(site: Path) -> None:
    write_files(
        site,
        {
            "content/old.md": article("Old", "2023-11-02", source=f"{{name: ap, url: '{NYT_LINK}'}}"),
            "content/longer.md": article("Longer", "2023-11-03", body=f"See {NYT_LINK}2.\n"),
        },
    )
    made = digest("new", "Typhoon", "--url", NYT_LINK, cwd=site)
    assert made.returncode == 0
    assert (
        made.stderr == f"warning: content/old.md:4: already links {NYT_LINK} — the new story may repeat it\n"
    )


def test_a_link_spelt_another_way_is_the_same_link(site: Path) -> None:
    other = NYT_LINK.replace("https://", "http://").rstrip("/") + "?utm_source=rss"
    write_files(site, {"content/old.md": article("Old", "2023-11-02", body=f"\nSee <{other}>.\n")})
    made = digest("new", "Typhoon", "--url", NYT_LINK, cwd=site)
    line = (site / "content/old.md").read_text().splitlines().index(f"See <{other}>.") + 1
    said = f"warning: content/old.md:{line}: already links {NYT_LINK} — the new story may repeat it\n"
    assert made.stderr == said


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        (
            "--url",
            "ftp://example.org/x",
            "argument --url: `ftp://example.org/x` is not a web address — give "
            "the original story's link, like https://example.org/news/1",
        ),
        (
            "--url",
            "https://exa mple.org/",
            "argument --url: `https://exa mple.org/` has a space or an "
            "invisible character — write spaces as %20, delete the others",
        ),
        (
            "--date",
            "2022-02-30",
            "argument --date: `2022-02-30` is not a real date (day is out of range for month)",
        ),
        (
            "--date",
            "yesterday",
            "argument --date: `yesterday` is not a date — write it like 2022-09-15, "
            "2022-09-15 18:30 or 2022-09-15T18:30:00+05:00",
        ),
        (
            "--edition",
            "0",
            "argument --edition: `0` is not an edition — give a number like 12 or a date like 2022-09-15",
        ),
        (
            "--edition",
            "2022-9-1",
            "argument --edition: `2022-9-1` is not an edition — give a number like 12 "
            "or a date like 2022-09-15",
        ),
    ],
)
def test_each_bad_argument_is_named_and_nothing_is_written(
    site: Path, option, value, message, capsys, monkeypatch
) -> None:
    monkeypatch.chdir(site)
    with pytest.raises(SystemExit) as exited:
        main(["new", "Harvest", "--url", "https://apnews.com/h", option, value])
    assert exited.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == f"digest new: error: {message}"
    assert stories(site) == []


def test_edit_opens_the_editor_on_the_new_file(site: Path) -> None:
    editor = site / "editor.sh"
    editor.write_text(
        '#!/bin/sh\nprintf "%s\\n" "$1" > "$(dirname "$0")/opened"\necho "Rain at last." >> "$1"\n'
    )
    editor.chmod(0o755)
    env = {**os.environ, "EDITOR": f"{editor} ", "VISUAL": ""}
    args = [sys.executable, "-m", "digest.cli", "new", "Rain", "--url", "https://apnews.com/r", "--edit"]
    made = subprocess.run(args, cwd=site, capture_output=True, text=True, env=env)
    assert made.returncode == 0, made.stderr
    assert (site / "opened").read_text() == "content/2023-11-15-rain.md\n"
    assert (site / "content/2023-11-15-rain.md").read_text().endswith("---\nRain at last.\n")
    failing = {**env, "EDITOR": "false"}
    args[4], args[6] = "Rain again", "https://apnews.com/r2"
    made = subprocess.run(args, cwd=site, capture_output=True, text=True, env=failing)
    assert made.returncode == 1
    assert made.stderr == (
        "content/2023-11-15-rain-again.md: the editor `false` exited with status 1 — the story is kept\n"
    )


def test_help_shows_an_example() -> None:
    shown = subprocess.run(
        [sys.executable, "-m", "digest.cli", "new", "--help"], capture_output=True, text=True
    )
    assert "example:\n  digest new " in shown.stdout


@pytest.mark.parametrize(
    "title",
    [
        "Plain words",
        "Yes",
        "null",
        "- a list?",
        "Key: value",
        "# not a comment",
        "[bracketed]",
        "'quoted'",
        "Ça va, 東京 — “quotes”",
        "100",
        "2022-09-15",
        "a\\b",
        "@handle",
        "{brace} and &anchor",
        "tab\tin",
    ],
)
def test_every_value_reads_back_as_written(site: Path, title: str) -> None:
    story = NewStory(
        title,
        datetime(2022, 9, 15, 8, 0, tzinfo=timezone.utc),
        "https://apnews.com/a?b=1#c",
        title,
        title,
        (title, "x"),
        title,
        edition=date(2022, 9, 15),
    )
    config = load_config(site / "site.yml")
    front, _ = parse(story_text(story), Path("a.md"), "a.md", config, [])
    expected = " ".join(title.split())
    assert (front.title, front.source_name, front.location, front.summary) == (
        expected,
        expected,
        {"name": expected},
        expected,
    )
    assert front.tags == (expected, "x")
    assert front.source_url == "https://apnews.com/a?b=1#c"


def test_a_kill_at_any_moment_leaves_no_story_file(site: Path, tmp_path_factory) -> None:
    """Killed before each file operation of a real run: the story is whole or absent, and the site builds."""
    log = tmp_path_factory.mktemp("log") / "events.json"
    args = ["new", "Harvest", "--url", "https://apnews.com/h"]
    counted = subprocess.run(
        [sys.executable, str(KILL_AT), "0", "SIGKILL", *args],
        cwd=site,
        env={**os.environ, "KILL_AT_LOG": str(log)},
        capture_output=True,
        text=True,
    )
    assert counted.returncode == 0, counted.stderr
    events = json.loads(log.read_text())
    linked = next(n for n, event in enumerate(events, 1) if event.startswith("os.link"))
    (site / "content" / "2023-11-15-harvest.md").unlink()
    for point in range(1, linked + 1):
        killed = subprocess.run([sys.executable, str(KILL_AT), str(point), "SIGKILL", *args], cwd=site)
        assert killed.returncode == -9
        assert not (site / "content" / "2023-11-15-harvest.md").exists(), events[point - 1]
    built = digest("build", cwd=site)
    assert built.returncode == 0 and "built 0 articles" in built.stdout  # leftovers are hidden files


@needs_mounts
def test_a_full_disk_leaves_no_file(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    summary = "word " * 20_000  # 100 kB: more than the disk has left
    script = (
        f"mount -t tmpfs -o size=64k tmpfs {disk} && mkdir {disk}/content && cd {disk} && "
        f"printf 'title: T\\nbase_url: https://example.org/\\n' > site.yml && "
        f"{sys.executable} -m digest.cli new Harvest --url https://apnews.com/h --summary '{summary}'; "
        f"echo exit=$?; ls -A {disk}/content"
    )
    done = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, timeout=60)
    assert done.stdout.splitlines() == ["exit=1"]  # and nothing in content/
    line, last = done.stderr.splitlines()[-2:]
    assert "no space left on device" in line, done.stderr
    assert last == FAILED
