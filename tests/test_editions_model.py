"""Editions: periods and numbers, placement by file, front matter and date, sections, and every mistake."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from conftest import SITE_YML, article

from digest.build import build_now
from digest.config.load import load_config
from digest.content.editions import read_edition_files
from digest.content.inputs import list_inputs
from digest.content.read import collect, parse_files
from digest.errors import BuildError
from digest.site.editions import Placed, place_editions
from digest.site.group import group, publish

WEEKLY = SITE_YML + "timezone: Europe/London\neditions:\n  cadence: weekly\n  first: 2022-09-12\n"
SECTIONS = (
    "  sections:\n    - title: Europe\n      tags: [Ukraine, Russia]\n"
    "    - title: Asia\n      tags: [China]\n  other_section: Elsewhere\n"
)


def _placed(root: Path, *, drafts: bool = False, future: bool = False, now: datetime | None = None) -> Placed:
    """A site's editions as the build places them."""
    config = load_config(root / "site.yml")
    inputs = list_inputs(config)
    reading = collect(inputs.articles, parse_files(config, list(inputs.articles)))
    assert not reading.errors, reading.errors
    now = now or build_now()
    published, left_out = publish(reading.articles, now, drafts=drafts, future=future)
    site = group(published, left_out, config.tz, None)
    files = read_edition_files(config, inputs.editions)
    assert not files.errors, files.errors
    return place_editions(config, site, reading.articles, files.files, now, drafts=drafts, future=future)


def _numbers(placed: Placed) -> dict[int, list[str]]:
    return {e.number: [a.slug for a in e.articles] for e in placed.editions}


def _story(day: str, **fields: str) -> str:
    return article(f"Story of {day}", f"{day}T12:00:00Z", **fields)


def test_weekly_numbers_count_weeks_from_first_and_skip_empty_weeks(make_site):
    root = make_site(
        {
            "content/a.md": _story("2022-09-12"),  # Monday of week 1
            "content/b.md": _story("2022-09-18"),  # Sunday of week 1
            "content/c.md": _story("2022-09-19"),  # week 2
            "content/d.md": _story("2022-10-05"),  # week 4; week 3 has no story
            "content/old.md": _story("2022-09-01"),  # before first's week: in no edition
        },
        WEEKLY,
    )
    placed = _placed(root)
    assert _numbers(placed) == {4: ["d"], 2: ["c"], 1: ["b", "a"]}
    one = placed.editions[-1]
    assert (one.start, one.end, one.date) == (date(2022, 9, 12), date(2022, 9, 18), date(2022, 9, 18))
    assert one.title == "No. 1 — Sunday 18 September 2022"
    assert one.url == "editions/1/" and one.email_url == "editions/1/email.html"
    assert one.text_url == "editions/1/email.txt" and one.note == "" and one.path is None
    assert [p.title for p in one.parts] == [None]
    assert "content/old.md" not in {a.path.as_posix() for e in placed.editions for a in e.articles}
    assert placed.edition_of["2022/09/b/"] is one


def test_week_starts_and_the_site_time_zone_decide_the_period(make_site):
    yml = SITE_YML + "timezone: Asia/Tokyo\neditions:\n  cadence: weekly\n  week_starts: sunday\n"
    yml += "  first: 2022-09-14\n  title: 'Week {number}: {start:%-d %b} to {end:%-d %b} ({site})'\n"
    # Saturday 17 Sept 20:00 UTC is already Sunday 18 Sept in Tokyo: the second week
    root = make_site({"content/a.md": article("A", "2022-09-17T20:00:00Z")}, yml)
    (edition,) = _placed(root).editions
    assert edition.number == 2
    assert edition.title == "Week 2: 18 Sep to 24 Sep (Test Digest)"


def test_daily_numbers_count_days(make_site):
    yml = SITE_YML + "editions:\n  cadence: daily\n  first: 2022-09-10\n"
    root = make_site({"content/a.md": _story("2022-09-10"), "content/b.md": _story("2022-09-15")}, yml)
    assert _numbers(_placed(root)) == {6: ["b"], 1: ["a"]}


def test_an_older_story_added_later_renumbers_nothing(make_site):
    files = {f"content/s{d}.md": _story(f"2022-10-{d:02d}") for d in (3, 11, 20)}
    root = make_site(files, WEEKLY)
    before = _numbers(_placed(root))
    (root / "content/early.md").write_text(_story("2022-09-13"), encoding="utf-8")
    after = _numbers(_placed(root))
    assert after == {**before, 1: ["early"]}
    assert before == {6: ["s20"], 5: ["s11"], 4: ["s3"]}


def test_an_edition_file_orders_its_stories_under_headings_and_the_rest_follow_by_section(make_site):
    stories = {
        "content/kyiv.md": _story("2022-09-13", tags="[Ukraine]"),
        "content/moscow.md": _story("2022-09-14", tags="[Russia]"),
        "content/beijing.md": _story("2022-09-15", tags="[China]"),
        "content/lima.md": _story("2022-09-16", tags="[Peru]"),
        "content/oslo.md": _story("2022-09-17", tags="[Norway]", section="asia"),
        "content/later.md": _story("2022-10-20", edition="1", tags="[China]"),
        "content/dated.md": _story("2022-11-20", edition="2022-09-12", tags="[Russia]"),
        "content/listed.md": _story("2022-12-01"),
        "content/2022/nested.md": _story("2022-09-13"),
    }
    edition_file = (
        "---\ntitle: Summit week\nstories:\n  Top of the week:\n    - listed\n    - 2022/nested.md\n"
        "  europe:\n    - kyiv\n---\nThe editor's *note*.\n"
    )
    root = make_site({**stories, "content/editions/1.md": edition_file}, WEEKLY + SECTIONS)
    placed = _placed(root)
    (edition,) = [e for e in placed.editions if e.number == 1]
    parts = [(p.title, [a.slug for a in p.articles]) for p in edition.parts]
    assert parts == [
        ("Top of the week", ["listed", "nested"]),
        ("Europe", ["kyiv", "dated", "moscow"]),
        ("Asia", ["later", "oslo", "beijing"]),
        ("Elsewhere", ["lima"]),
    ]
    assert edition.title == "Summit week" and edition.path == Path("content/editions/1.md")
    assert edition.note == "<p>The editor&rsquo;s <em>note</em>.</p>"
    assert edition.link.name == "No. 1 — Summit week" and edition.link.count == 9
    assert {e.number for e in placed.editions} == {1}  # later stories all moved into No. 1


def test_a_flat_list_sets_the_order_without_headings(make_site):
    root = make_site(
        {
            "content/a.md": _story("2022-09-13"),
            "content/b.md": _story("2022-09-14"),
            "content/c.md": _story("2022-09-15"),
            "content/editions/first.md": "---\ndate: 2022-09-16\nstories: [a]\n---\n",
        },
        WEEKLY,
    )
    (edition,) = _placed(root).editions
    assert [(p.title, [a.slug for a in p.articles]) for p in edition.parts] == [(None, ["a", "c", "b"])]
    assert edition.number == 1 and edition.date == date(2022, 9, 16)


def test_manual_editions_exist_as_files_and_stories_join_by_edition_or_list(make_site):
    yml = SITE_YML + "editions:\n  cadence: manual\n"
    root = make_site(
        {
            "content/a.md": _story("2022-09-13", edition="7"),
            "content/b.md": _story("2022-09-14", edition="2022-10-01"),
            "content/c.md": _story("2022-09-15"),
            "content/d.md": _story("2022-09-16"),
            "content/editions/7.md": "---\ndate: 2022-09-20\nstories: [c]\n---\n",
            "content/editions/8.md": "---\ndate: 2022-10-01\n---\n",
        },
        yml,
    )
    placed = _placed(root)
    assert _numbers(placed) == {8: ["b"], 7: ["c", "a"]}
    assert "2022/09/d/" not in placed.edition_of
    assert placed.editions[1].start == placed.editions[1].end == date(2022, 9, 20)


def test_draft_and_future_edition_files_are_left_out_unless_asked_for(make_site):
    root = make_site(
        {
            "content/a.md": _story("2022-09-13"),
            "content/editions/1.md": "---\ndraft: true\n---\n",
            "content/editions/3.md": "---\ndate: 2022-09-30\n---\nComing.\n",
        },
        WEEKLY,
    )
    before = datetime(2022, 9, 20, tzinfo=timezone.utc)
    placed = _placed(root, now=before)
    assert placed.editions == () and placed.edition_of == {}
    assert placed.due == datetime(2022, 9, 30, tzinfo=load_config(root / "site.yml").tz)
    assert [e.number for e in _placed(root, now=before, drafts=True, future=True).editions] == [3, 1]
    assert [e.draft for e in _placed(root, drafts=True).editions] == [False, True]
    assert [e.number for e in _placed(root).editions] == [3]  # its day has come


def _errors(root: Path) -> list[str]:
    config = load_config(root / "site.yml")
    inputs = list_inputs(config)
    reading = collect(inputs.articles, parse_files(config, list(inputs.articles)))
    now = build_now()
    site = group(*publish(reading.articles, now), config.tz, None)
    files = read_edition_files(config, inputs.editions)
    placed = place_editions(config, site, reading.articles, files.files, now)
    errors = BuildError(reading.errors + files.errors + placed.errors).errors
    return [str(e) for e in errors]


def test_every_bad_reference_is_reported_at_once_with_its_line(make_site):
    root = make_site(
        {
            "content/early.md": _story("2022-09-13", edition="2022-09-01"),
            "content/sect.md": _story("2022-09-13", section="Eurpoe"),
            "content/own.md": _story("2022-09-13", edition="2"),
            "content/draft.md": _story("2022-09-13", draft="true"),
            "content/x/twin.md": _story("2022-09-13"),
            "content/y/twin.md": _story("2022-09-14"),
            "content/editions/1.md": (
                "---\nnumber: 1\nstories:\n  - own\n  - nothing-here\n  - draft\n  - early\n  - early\n"
                "  - twin\n---\n"
            ),
            "content/editions/one.md": "---\nnumber: 1\ndate: 2022-09-30\nstories: [sect]\n---\n",
            "content/editions/again.md": "---\ndate: 2022-09-14\nstories: [sect]\n---\n",
            "content/editions/nothing.md": "---\ntitle: Lost\n---\n",
            "content/editions/before.md": "---\ndate: 2022-01-01\n---\n",
        },
        WEEKLY + SECTIONS,
    )
    assert _errors(root) == [
        "content/early.md:5: `edition: 2022-09-01` is before the period of edition No. 1 (`first: 2022-09-12`"
        " in site.yml) — correct the day, or move `first` earlier",
        "content/editions/1.md:4: `own` is placed in another edition by its own `edition:` (content/own.md:5)"
        " — take it off this list, or change that line",
        "content/editions/1.md:5: no story `nothing-here` — name a story by its path under content/ or by its"
        " slug",
        "content/editions/1.md:6: `draft` is a draft (content/draft.md) — publish it (take out `draft: true`)"
        " or take it off this list",
        "content/editions/1.md:8: `early` is also listed in this file (line 7) — a story is in one edition:"
        " take it off one list",
        "content/editions/1.md:9: `twin` is the slug of 2 stories (content/x/twin.md, content/y/twin.md) —"
        " name one by its path",
        "content/editions/again.md:2: No. 1 is also claimed by content/editions/1.md — give one of them"
        " another number",
        "content/editions/before.md:2: `date: 2022-01-01` is before the period of edition No. 1 (`first:"
        " 2022-09-12` in site.yml) — correct the date, or move `first` earlier",
        "content/editions/nothing.md:1: this edition file has no number — name the file after its number"
        " (12.md) or add a line `number: 12`, or a `date` in its period",
        "content/editions/one.md:3: `date: 2022-09-30` is outside the period of No. 1 (2022-09-12 to"
        " 2022-09-18) — correct the date or the number, or leave one of them out",
        "content/sect.md:5: no section `Eurpoe` — did you mean `Europe`?",
    ]


def test_manual_mistakes_name_the_missing_file_or_day(make_site):
    root = make_site(
        {
            "content/a.md": _story("2022-09-13", edition="4"),
            "content/b.md": _story("2022-09-13", edition="2022-09-20", section="Asia"),
            "content/editions/5.md": "---\ntitle: No date\n---\n",
        },
        SITE_YML + "editions:\n  cadence: manual\n",
    )
    assert _errors(root) == [
        "content/a.md:5: `edition: 4` names no edition — add content/editions/4.md",
        "content/b.md:5: `edition: 2022-09-20`: no edition file has `date: 2022-09-20` — add one, or correct"
        " the day",
        "content/b.md:6: no section `Asia` — site.yml's `editions` has no `sections` — add them there, or"
        " delete this line",
        "content/editions/5.md:1: missing `date` — a manual edition takes its day from its file: add a line"
        " like `date: 2022-09-18`",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "---\nnumber: 0\n---\n",
            "content/editions/x.md:2: `number` must be a whole number of at least 1, found `0`",
        ),
        (
            "---\nnumber: 3\n---\n",
            None,  # the name is not a number: `number` alone counts
        ),
        ("---\ndate: soon\n---\n", "content/editions/x.md:2: `date`: `soon` is not a date"),
        ("---\ndraft: maybe\n---\n", "content/editions/x.md:2: `draft` must be true or false, found `maybe`"),
        ("---\ntitle: [a]\n---\n", "content/editions/x.md:2: `title` must be text, found a list"),
        ("---\nstories: 3\n---\n", "content/editions/x.md:2: `stories` must be a list or a mapping"),
        ("---\nstories:\n  - [a]\n---\n", "content/editions/x.md:3: expected a story's path or slug"),
        ("---\nstories:\n  Top: 3\n---\n", "content/editions/x.md:3: `stories.Top` must be a list"),
    ],
)
def test_each_mistake_in_an_edition_file_names_its_line(make_site, text, message):
    root = make_site({"content/editions/x.md": text}, WEEKLY)
    config = load_config(root / "site.yml")
    found = read_edition_files(config, list_inputs(config).editions)
    if message is None:
        assert found.errors == [] and found.files[0].number == 3
    else:
        assert len(found.errors) == 1 and str(found.errors[0]).startswith(message)


def test_a_file_named_by_its_number_must_agree_with_number_and_unknown_keys_warn(make_site):
    root = make_site({"content/editions/4.md": "---\nnumber: 5\nsumary: x\n---\n"}, WEEKLY)
    config = load_config(root / "site.yml")
    found = read_edition_files(config, list_inputs(config).editions)
    assert [str(e) for e in found.errors] == [
        "content/editions/4.md:2: `number: 5` but the file is named 4.md — make them agree, or rename the"
        " file"
    ]
    assert [str(w) for w in found.warnings] == [
        "content/editions/4.md:3: unknown edition key `sumary` — an edition file takes number, date, title,"
        " draft, stories"
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "`edition` must be an edition number like `12` or a day like `2022-09-18`, found `0`"),
        ("soon", "`edition` must be an edition number like `12` or a day like `2022-09-18`, found `soon`"),
        ("[1]", "`edition` must be an edition number like `12` or a day like `2022-09-18`, found a list"),
    ],
)
def test_a_bad_edition_in_front_matter_is_an_error_on_its_line(make_site, value, message):
    root = make_site({"content/a.md": _story("2022-09-13", edition=value)}, WEEKLY)
    config = load_config(root / "site.yml")
    inputs = list_inputs(config)
    reading = collect(inputs.articles, parse_files(config, list(inputs.articles)))
    assert [str(e) for e in reading.errors] == [f"content/a.md:5: {message}"]


def test_without_editions_the_editions_folder_and_keys_are_as_before(make_site):
    root = make_site({"content/editions/a.md": _story("2022-09-13", edition="1", section="x")}, SITE_YML)
    config = load_config(root / "site.yml")
    inputs = list_inputs(config)
    assert config.editions is None and inputs.editions == {} and len(inputs.articles) == 1
    reading = collect(inputs.articles, parse_files(config, list(inputs.articles)))
    (story,) = reading.articles
    assert story.edition is None and story.section is None
    assert {str(w).split(": ", 1)[1].split(" —")[0] for w in reading.warnings} == {
        "unknown front matter key `edition`",
        "unknown front matter key `section`",
    }


def test_every_wrong_editions_setting_is_reported_at_once_on_its_own_line(tmp_path):
    (tmp_path / "content").mkdir()
    (tmp_path / "site.yml").write_text(
        SITE_YML
        + "editions:\n  cadence: weakly\n  week_starts: mon\n  first: 2022-13-01\n"
        + "  title: 'No. {numbr}'\n  sections:\n    - title: Europe\n      tag: [x]\n"
        + "    - tags: [y]\n  front_page: editon\n  colour: red\n",
        encoding="utf-8",
    )
    with pytest.raises(BuildError) as failed:
        load_config(tmp_path / "site.yml")
    assert [str(e).replace(str(tmp_path / "site.yml"), "site.yml") for e in failed.value.errors] == [
        "site.yml:4: `editions.cadence`: `weakly` is not a cadence — did you mean `weekly`?",
        "site.yml:5: `editions.week_starts`: `mon` is not a weekday — one of: friday, monday, saturday, "
        "sunday, thursday, tuesday, wednesday",
        "site.yml:6: `editions.first`: `2022-13-01` is not a real day (month must be in 1..12)",
        "site.yml:7: `editions.title`: unknown field `{numbr}` — did you mean `number`?",
        "site.yml:9: `editions.sections[0]`: a section needs `tags` — e.g. `- title: Europe` then "
        "`  tags: [Ukraine]`",
        "site.yml:10: `editions.sections[0].tag`: unknown key `tag` — did you mean `tags`?",
        "site.yml:11: `editions.sections[1]`: a section needs `title` — e.g. `- title: Europe` then "
        "`  tags: [Ukraine]`",
        "site.yml:12: `editions.front_page`: `editon` is not a front page — did you mean `edition`?",
        "site.yml:13: `editions.colour`: unknown key `colour` — valid keys: cadence, first, front_page, "
        "other_section, sections, title, week_starts",
    ]


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ("  cadence: daily\n", "`editions`: `daily` editions need `first`"),
        ("  first: 2022-09-12\n  title: '{date:%Y'\n", "`editions.title`: "),
        ("  first: 2022-09-12\n  title: '{number:%Y}'\n", "`editions.title`: cannot be filled in"),
        ("  first: 2022-09-12\n  sections: Europe\n", "`editions.sections`: expected a list"),
        ("  first: 2022-09-12\n  sections:\n    - {title: A, tags: 3}\n", "`editions.sections[0].tags`:"),
        ("  first: [1]\n", "`editions.first`: expected text, found a list"),
        ("  first: 12 Sept\n", "`editions.first`: expected a day like 2022-09-12, found `12 Sept`"),
    ],
)
def test_each_editions_setting_is_checked(tmp_path, settings, message):
    (tmp_path / "content").mkdir()
    (tmp_path / "site.yml").write_text(SITE_YML + "editions:\n" + settings, encoding="utf-8")
    with pytest.raises(BuildError) as failed:
        load_config(tmp_path / "site.yml")
    assert [e.message for e in failed.value.errors if e.message.startswith(message)], failed.value.errors
