"""Dates in every shape real sites use, slugs, and the URL rules that keep links right under any sub-path."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from digest.config.lined_yaml import load_fields
from digest.content.dates import filename_date, parse_date
from digest.urls import absolute_url, article_url, is_external, output_file, relative_url, root_url, slugify

LONDON = ZoneInfo("Europe/London")
UTC = timezone.utc


def offset(hours: float) -> timezone:
    return timezone(timedelta(hours=hours))


# --- parse_date -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2014-09-08", datetime(2014, 9, 8, tzinfo=LONDON)),
        ("2015-03-17 14:00:00 -4", datetime(2015, 3, 17, 14, 0, tzinfo=offset(-4))),
        ("2016-05-23 10:00:16 -0400", datetime(2016, 5, 23, 10, 0, 16, tzinfo=offset(-4))),
        ("2016-03-23 9:00:00 -4", datetime(2016, 3, 23, 9, 0, tzinfo=offset(-4))),
        ("2020-07-07T00:00:00.000Z", datetime(2020, 7, 7, tzinfo=UTC)),
        ("2014-03-12T10:11:00-04:00", datetime(2014, 3, 12, 10, 11, tzinfo=offset(-4))),
        ("2022-09-15T18:30:00+05:00", datetime(2022, 9, 15, 18, 30, tzinfo=offset(5))),
        ("2022-09-15T18:30:00+0530", datetime(2022, 9, 15, 18, 30, tzinfo=offset(5.5))),
        ("2022-10-03 09:15 UTC", datetime(2022, 10, 3, 9, 15, tzinfo=UTC)),
        ("2022-10-03t09:15z", datetime(2022, 10, 3, 9, 15, tzinfo=UTC)),
        ("2022-9-5", datetime(2022, 9, 5, tzinfo=LONDON)),
        ("  2022-10-03  ", datetime(2022, 10, 3, tzinfo=LONDON)),
    ],
)
def test_parse_date_reads_every_shape_to_the_same_instant(text, expected):
    parsed = parse_date(text, LONDON)

    assert parsed == expected
    assert parsed.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    ("text", "hour_offset"),
    [
        ("2015-03-17 14:00:00 -4", -4),
        ("2016-05-23 10:00:16 -0400", -4),
        ("2014-03-12T10:11:00-04:00", -4),
        ("2020-07-07T00:00:00.000Z", 0),
    ],
)
def test_explicit_offset_wins_over_the_site_time_zone(text, hour_offset):
    assert parse_date(text, LONDON).utcoffset() == timedelta(hours=hour_offset)


def test_fractional_seconds_are_kept_to_the_microsecond():
    parsed = parse_date("2022-10-03T09:15:00.123456789+05:30", UTC)

    assert parsed.microsecond == 123456
    assert parsed.utcoffset() == timedelta(hours=5, minutes=30)


def test_naive_time_is_in_the_site_time_zone_with_summer_time():
    october = parse_date("2022-10-03 09:15", LONDON)
    january = parse_date("2022-01-03 09:15", LONDON)

    assert october.isoformat() == "2022-10-03T09:15:00+01:00"
    assert october.astimezone(UTC) == datetime(2022, 10, 3, 8, 15, tzinfo=UTC)
    assert january.isoformat() == "2022-01-03T09:15:00+00:00"


def test_date_only_is_midnight_in_the_site_time_zone():
    parsed = parse_date("2022-10-03", LONDON)

    assert (parsed.hour, parsed.minute, parsed.second) == (0, 0, 0)
    assert parsed.utcoffset() == timedelta(hours=1)
    assert parsed.astimezone(UTC) == datetime(2022, 10, 2, 23, 0, tzinfo=UTC)


def test_yaml_date_objects_are_accepted():
    assert parse_date(date(2022, 10, 3), LONDON).isoformat() == "2022-10-03T00:00:00+01:00"
    assert parse_date(datetime(2022, 10, 3, 9), LONDON).isoformat() == "2022-10-03T09:00:00+01:00"
    aware = datetime(2022, 10, 3, 9, tzinfo=offset(-4))
    assert parse_date(aware, LONDON) is aware


@pytest.mark.parametrize(
    "written",
    ["2015-03-17 14:00:00 -4", "2020-07-07T00:00:00.000Z", "2014-09-08", "2022-10-03 09:15"],
)
def test_quoted_and_unquoted_yaml_dates_read_the_same(written):
    unquoted = load_fields(f"date: {written}\n", Path("a.md")).values["date"]
    quoted = load_fields(f"date: '{written}'\n", Path("a.md")).values["date"]

    assert unquoted == quoted == written  # YAML timestamps stay text for our parser
    assert parse_date(unquoted, LONDON) == parse_date(quoted, LONDON)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("yesterday", "is not a date"),
        ("", "is not a date"),
        ("22-01-01", "is not a date"),
        ("2022-09-15 at noon", "is not a date"),
        ("2022-13-01", "is not a real date"),
        ("2022-02-30", "is not a real date"),
        ("2022-09-15 24:00", "is not a real date"),
        ("2022-09-15 10:00 +2400", "is not a real date"),
    ],
)
def test_parse_date_rejects_non_dates_with_a_reason_and_an_example(value, reason):
    with pytest.raises(ValueError) as caught:
        parse_date(value, LONDON)

    message = str(caught.value)
    assert f"`{value}` {reason}" in message
    if reason == "is not a date":
        assert "2022-09-15" in message  # shows how to write one


@pytest.mark.parametrize("value", [None, 20220915, 2022.5, ["2022-09-15"]])
def test_parse_date_rejects_values_that_are_not_text(value):
    with pytest.raises(ValueError, match="expected a date like"):
        parse_date(value, LONDON)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2022-09-15-putin-xi.md", datetime(2022, 9, 15, tzinfo=LONDON)),
        ("2024-12-5-x.md", datetime(2024, 12, 5, tzinfo=LONDON)),
        ("2022-02-30-impossible.md", None),
        ("putin-xi.md", None),
        ("notes-2022-09-15-x.md", None),
    ],
)
def test_filename_date(name, expected):
    assert filename_date(name, LONDON) == expected


# --- slugify ----------------------------------------------------------------------------------------


SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@pytest.mark.parametrize("text", ["Énergie", "energie", "ENERGIE", "  énergie  ", "ÉNERGIE"])
def test_accents_and_case_fold_to_one_slug(text):
    assert slugify(text) == "energie"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Putin & Xi: a meeting in Samarkand", "putin-xi-a-meeting-in-samarkand"),
        ("Москва", "moskva"),
        ("Straße", "strasse"),
        ("São Paulo", "sao-paulo"),
    ],
)
def test_slugify_transliterates_to_ascii(text, expected):
    assert slugify(text) == expected


def test_cyrillic_gives_a_readable_ascii_slug():
    slug = slugify("Россия и Китай")

    assert SLUG.match(slug)
    assert slug.startswith("ross")  # transliterated, not hashed


@pytest.mark.parametrize("text", ["🎉", "🎉🎉", "★ ☆", "—"])
def test_text_without_letters_gets_a_stable_non_empty_slug(text):
    slug = slugify(text)

    assert slug
    assert slug == slugify(text)
    assert re.match(r"^[a-z0-9-]+$", slug)


def test_different_emoji_texts_get_different_slugs():
    assert slugify("🎉") != slugify("🎉🎉")


@pytest.mark.parametrize("text", ["../../etc/passwd", "..", "a/b\\c", "/absolute/path", "C:\\Windows"])
def test_slug_is_safe_as_a_single_path_segment(text):
    slug = slugify(text)

    assert slug
    assert "/" not in slug
    assert "\\" not in slug
    assert "." not in slug
    assert slug not in ("", ".", "..")


def test_long_titles_are_cut_at_a_word_boundary():
    slug = slugify("word " * 40)

    assert len(slug) <= 80
    assert SLUG.match(slug)
    assert not slug.endswith("-")


# --- relative_url -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "page", "expected"),
    [
        # from the home page
        ("tags/russia/", "", "tags/russia/"),
        ("page/2/", "", "page/2/"),
        ("static/style.css", "", "static/style.css"),
        ("", "", "./"),
        # back home
        ("", "tags/russia/", "../../"),
        ("", "2022/09/putin-xi/", "../../../"),
        ("", "page/2/", "../../"),
        # pagination
        ("page/3/", "page/2/", "../../page/3/"),
        ("tags/russia/", "tags/russia/page/2/", "../../../../tags/russia/"),
        ("tags/russia/page/2/", "tags/russia/", "../../tags/russia/page/2/"),
        # files
        ("static/style.css", "2022/09/putin-xi/", "../../../static/style.css"),
        ("static/style.css", "page/2/", "../../static/style.css"),
        ("feed.xml", "tags/russia/", "../../feed.xml"),
        # between articles and taxonomies
        ("2022/09/putin-xi/", "2022/09/modi/", "../../../2022/09/putin-xi/"),
        ("2022/10/opec/", "2022/09/putin-xi/", "../../../2022/10/opec/"),
        ("tags/russia/", "2022/09/putin-xi/", "../../../tags/russia/"),
        ("2022/09/putin-xi/", "2022/09/putin-xi/", "../../../2022/09/putin-xi/"),
        # leading slashes mean site-relative, not host-relative
        ("/tags/russia/", "/2022/09/putin-xi/", "../../../tags/russia/"),
        # pages that are files
        ("tags/russia/", "404.html", "tags/russia/"),
        ("2022/09/b.html", "2022/09/a.html", "../../2022/09/b.html"),
        ("index.html", "2022/09/a.html", "../../index.html"),
        # fragments and queries ride along
        ("tags/russia/#top", "2022/09/putin-xi/", "../../../tags/russia/#top"),
        ("search/?q=oil&page=2", "tags/", "../search/?q=oil&page=2"),
    ],
)
def test_relative_url(target, page, expected):
    assert relative_url(target, page) == expected


@pytest.mark.parametrize(
    "target",
    [
        "https://www.nytimes.com/2022/09/15/a.html",
        "http://x.org",
        "mailto:desk@example.org",
        "//cdn.example/a.js",
    ],
)
@pytest.mark.parametrize("page", ["", "2022/09/putin-xi/", "404.html"])
def test_relative_url_leaves_external_urls_unchanged(target, page):
    assert is_external(target)
    assert relative_url(target, page) == target


@pytest.mark.parametrize("page", ["", "tags/russia/", "2022/09/putin-xi/"])
def test_relative_url_leaves_a_fragment_unchanged(page):
    assert relative_url("#comments", page) == "#comments"


def test_relative_url_percent_encodes_non_ascii_and_spaces():
    assert relative_url("tags/énergie/", "") == "tags/%C3%A9nergie/"
    assert relative_url("files/a b.pdf", "tags/x/") == "../../files/a%20b.pdf"


@pytest.mark.parametrize(
    ("target", "page"),
    [
        ("tags/russia/", "2022/09/putin-xi/"),
        ("", "page/7/"),
        ("static/style.css", "tags/russia/page/2/"),
        ("2022/10/opec/", "2022/09/putin-xi/"),
    ],
)
def test_relative_url_resolves_back_to_the_target_under_any_sub_path(target, page):
    from urllib.parse import urljoin

    for base in ("https://example.org/", "https://example.org/digest/", "https://example.org/a/b/"):
        assert urljoin(base + page, relative_url(target, page)) == base + target


# --- absolute_url and root_url ----------------------------------------------------------------------

BASE = "https://example.org/digest/"


@pytest.mark.parametrize(
    ("target", "absolute", "root"),
    [
        ("", "https://example.org/digest/", "/digest/"),
        ("tags/russia/", "https://example.org/digest/tags/russia/", "/digest/tags/russia/"),
        ("/tags/russia/", "https://example.org/digest/tags/russia/", "/digest/tags/russia/"),
        ("static/style.css", "https://example.org/digest/static/style.css", "/digest/static/style.css"),
        ("tags/énergie/", "https://example.org/digest/tags/%C3%A9nergie/", "/digest/tags/%C3%A9nergie/"),
    ],
)
def test_absolute_and_root_urls_under_a_sub_path(target, absolute, root):
    assert absolute_url(BASE, target) == absolute
    assert root_url(BASE, target) == root


def test_absolute_and_root_urls_at_the_domain_root():
    assert absolute_url("https://example.org/", "tags/russia/") == "https://example.org/tags/russia/"
    assert root_url("https://example.org/", "") == "/"
    assert root_url("https://example.org/", "/tags/russia/") == "/tags/russia/"


def test_absolute_url_leaves_external_urls_unchanged():
    assert absolute_url(BASE, "https://www.nytimes.com/a.html") == "https://www.nytimes.com/a.html"


@pytest.mark.parametrize(
    "target", ["https://www.nytimes.com/2022/09/15/a.html", "mailto:desk@example.org", "//cdn.example/a.js"]
)
def test_root_url_leaves_external_urls_unchanged(target):
    # root_url is the `url()` of the 404 page: external nav links and source links must survive it
    assert root_url(BASE, target) == target


@pytest.mark.parametrize(
    ("target", "expected"),
    [("tags/russia/#top", "/digest/tags/russia/#top"), ("search/?q=oil", "/digest/search/?q=oil")],
)
def test_root_url_keeps_fragments_and_queries(target, expected):
    assert root_url(BASE, target) == expected


# --- article_url and output_file --------------------------------------------------------------------

STORY_DATE = datetime(2022, 9, 5, 23, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("/{year}/{month}/{slug}/", "2022/09/putin-xi/"),
        ("/{year}/{month}/{day}/{slug}.html", "2022/09/05/putin-xi.html"),
        ("/{source}/{slug}/", "nytimes/putin-xi/"),
        ("{slug}/", "putin-xi/"),
        ("/news/{year}/{slug}/", "news/2022/putin-xi/"),
    ],
)
def test_article_url_fills_the_permalink_pattern(pattern, expected):
    assert article_url(pattern, date=STORY_DATE, slug="putin-xi", source="nytimes") == expected


def test_article_url_pads_month_day_and_year():
    url = article_url(
        "/{year}/{month}/{day}/{slug}/", date=datetime(987, 1, 2, tzinfo=UTC), slug="s", source="x"
    )

    assert url == "0987/01/02/s/"


def test_article_url_uses_the_date_as_given_so_callers_convert_to_the_site_time_zone():
    late_utc = datetime(2022, 9, 30, 23, 30, tzinfo=UTC)

    assert article_url("/{year}/{month}/{slug}/", date=late_utc, slug="s", source="x") == "2022/09/s/"
    in_paris = late_utc.astimezone(ZoneInfo("Europe/Paris"))
    assert article_url("/{year}/{month}/{slug}/", date=in_paris, slug="s", source="x") == "2022/10/s/"


@pytest.mark.parametrize(
    ("url", "expected"),
    [("", "index.html"), ("tags/russia/", "tags/russia/index.html"), ("2022/09/a.html", "2022/09/a.html")],
)
def test_output_file(url, expected):
    assert output_file(url) == expected
