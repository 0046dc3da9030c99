"""Front matter: splitting it from the body, reading it, and reporting every mistake with its line."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from textwrap import dedent

import pytest

from digest.config.load import load_config
from digest.config.site_config import SiteConfig
from digest.content import frontmatter
from digest.errors import BuildError, BuildWarning, DigestError

SITE = "title: T\nbase_url: https://example.org/\n"
NAME = "2022-09-15-putin-xi.md"
PATH = Path("content") / NAME


@pytest.fixture
def make_config(tmp_path: Path):
    """A SiteConfig loaded from a site.yml holding `SITE` plus the given lines."""

    def make(extra: str = "") -> SiteConfig:
        (tmp_path / "site.yml").write_text(SITE + dedent(extra), encoding="utf-8")
        (tmp_path / "content").mkdir(exist_ok=True)
        return load_config(tmp_path / "site.yml")

    return make


@pytest.fixture
def config(make_config) -> SiteConfig:
    return make_config()


def doc(text: str) -> str:
    """A content file written as an indented triple-quoted string."""
    return dedent(text).lstrip("\n")


def parse(text: str, config: SiteConfig, name: str = NAME, warnings: list[BuildWarning] | None = None):
    """Parse `text` as content/<name>; returns (front matter, body)."""
    return frontmatter.parse(text, Path("content") / name, name, config, [] if warnings is None else warnings)


def parse_errors(text: str, config: SiteConfig, name: str = NAME) -> list[DigestError]:
    """The errors of a file that must fail (a single DigestError or a BuildError with several)."""
    with pytest.raises((DigestError, BuildError)) as caught:
        parse(text, config, name)
    error = caught.value
    return error.errors if isinstance(error, BuildError) else [error]


def the_error(text: str, config: SiteConfig, name: str = NAME) -> DigestError:
    errors = parse_errors(text, config, name)
    assert len(errors) == 1, [str(e) for e in errors]
    return errors[0]


GOOD = doc(
    """
    ---
    title: Putin and Xi meet in Samarkand
    date: 2022-09-15T18:30:00+05:00
    source: NYTIMES
    ---
    Body text.
    """
)


# --- split ------------------------------------------------------------------------------------------


def test_split_returns_yaml_lines_before_it_and_body():
    yaml_text, offset, body = frontmatter.split("---\ntitle: A\n---\nBody\n", PATH)

    assert yaml_text == "title: A"
    assert offset == 1  # one file line (the fence) before the YAML
    assert body == "Body\n"


def test_split_tolerates_bom_and_crlf():
    text = "\ufeff---\r\ntitle: A\r\nsource: B\r\n---\r\nFirst\r\n\r\nSecond\r\n"

    yaml_text, offset, body = frontmatter.split(text, PATH)

    assert yaml_text == "title: A\nsource: B"
    assert offset == 1
    assert body == "First\n\nSecond\n"
    assert "\r" not in body


def test_split_skips_blank_lines_before_the_opening_fence():
    yaml_text, offset, body = frontmatter.split("\n\n  \n---\ntitle: A\n---\nBody", PATH)

    assert yaml_text == "title: A"
    assert offset == 4
    assert body == "Body"


def test_a_later_fence_in_the_body_stays_in_the_body_as_a_rule():
    _, _, body = frontmatter.split("---\ntitle: A\n---\nIntro\n\n---\n\nAfter the rule\n", PATH)

    assert body == "Intro\n\n---\n\nAfter the rule\n"


def test_three_dots_close_front_matter():
    yaml_text, _, body = frontmatter.split("---\ntitle: A\n...\nBody\n", PATH)

    assert yaml_text == "title: A"
    assert body == "Body\n"


def test_fences_may_have_trailing_spaces():
    yaml_text, _, body = frontmatter.split("--- \ntitle: A\n---\t\nBody\n", PATH)

    assert yaml_text == "title: A"
    assert body == "Body\n"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("Just a body, no front matter.\n", 1),
        ("\n\nTitle: not yaml\n---\n", 3),
        ("----\ntitle: A\n----\n", 1),
    ],
)
def test_missing_front_matter_says_to_start_with_a_fence(text, line):
    with pytest.raises(DigestError) as caught:
        frontmatter.split(text, PATH)

    assert caught.value.line == line
    assert caught.value.path == PATH
    assert "no front matter" in caught.value.message
    assert "`---`" in caught.value.message


def test_unclosed_front_matter_points_at_the_opening_fence():
    with pytest.raises(DigestError) as caught:
        frontmatter.split("\n---\ntitle: A\nsource: B\n\nBody without a closing fence\n", PATH)

    assert caught.value.line == 2
    assert "never closed" in caught.value.message
    assert "`---`" in caught.value.message


# --- a good file ------------------------------------------------------------------------------------


def test_a_complete_file_is_read_into_typed_fields(config):
    (config.content_path / "images").mkdir(parents=True)
    (config.content_path / "images/samarkand.svg").write_text("<svg/>", encoding="utf-8")
    text = doc(
        """
        ---
        title: Putin and Xi meet in Samarkand
        date: 2022-09-15T18:30:00+05:00
        updated: 2022-09-16 10:00
        source:
          name: NYTIMES
          url: https://www.nytimes.com/2022/09/15/world/asia/putin-xi.html
        location: Samarkand, Uzbekistan
        tags: [Russia, China]
        summary: Their first meeting since the invasion.
        author: [Mira Halvorsen, Li Wei]
        image: images/samarkand.svg
        image_alt: "Map of Central Asia"
        slug: putin-xi
        ---
        Body text.
        """
    )

    front, body = parse(text, config)

    assert front.title == "Putin and Xi meet in Samarkand"
    assert front.date == datetime(2022, 9, 15, 13, 30, tzinfo=timezone.utc)
    assert front.date.utcoffset() == timedelta(hours=5)
    assert front.updated == datetime(2022, 9, 16, 10, 0, tzinfo=timezone.utc)
    assert front.source_name == "NYTIMES"
    assert front.source_url == "https://www.nytimes.com/2022/09/15/world/asia/putin-xi.html"
    assert front.location == {"name": "Samarkand, Uzbekistan"}
    assert front.tags == ("Russia", "China")
    assert front.summary == "Their first meeting since the invasion."
    assert front.author == "Mira Halvorsen, Li Wei"
    assert front.image == "images/samarkand.svg"
    assert front.image_alt == "Map of Central Asia"
    assert front.slug == "putin-xi"
    assert front.draft is False
    assert front.extra == {}
    assert body == "Body text.\n"


def test_bom_and_crlf_file_parses_with_the_right_line_numbers(config):
    text = (
        "\ufeff---\r\ntitle: A\r\ndate: 2022-09-15\r\nsource: NYT\r\nlocation: {city: X, lat: 200}\r\n---\r\n"
    )

    error = the_error(text, config)

    assert error.line == 5
    assert "`location.lat`" in error.message

    front, body = parse(text.replace("lat: 200", "lat: 41.5"), config)
    assert front.title == "A"
    assert front.location == {"city": "X", "lat": 41.5}
    assert body == ""


def test_leading_blank_lines_shift_the_reported_lines(config):
    text = "\n\n---\ntitle: A\ndate: 2022-09-15\nsource: NYT\ndraft: maybe\n---\n"

    error = the_error(text, config)

    assert error.line == 7
    assert "`draft` must be true or false, found `maybe`" in error.message


def test_body_keeps_a_horizontal_rule(config):
    _, body = parse(GOOD + "\n---\n\nAfter the rule.\n", config)

    assert body == "Body text.\n\n---\n\nAfter the rule.\n"


# --- invalid YAML -----------------------------------------------------------------------------------


def test_tab_indentation_is_reported_at_its_file_line_with_the_fix(config):
    text = "\n---\ntitle: A\nsource:\n\tname: NYT\ndate: 2022-09-15\n---\n"

    error = the_error(text, config)

    assert error.line == 5
    assert error.message.startswith("invalid YAML: ")
    assert "TAB" in error.message
    assert "spaces" in error.message


def test_unquoted_colon_in_a_value_is_reported_with_the_quoting_fix(config):
    text = "---\ndate: 2022-09-15\nsource: NYT\ntitle: Markets: a rally\n---\n"

    error = the_error(text, config)

    assert error.line == 4
    assert "mapping values are not allowed" in error.message
    assert "must be quoted" in error.message
    assert str(error).startswith(f"content/{NAME}:4: invalid YAML: ")


def test_front_matter_that_is_a_list_is_rejected(config):
    error = the_error("---\n- title: A\n- source: B\n---\n", config)

    assert error.line == 2
    assert "expected a mapping" in error.message
    assert "a list" in error.message


# --- field errors -----------------------------------------------------------------------------------


def test_missing_title_is_an_error(config):
    error = the_error("---\ndate: 2022-09-15\nsource: NYT\n---\n", config)

    assert "missing `title`" in error.message
    assert error.line == 2


@pytest.mark.parametrize("title", ['""', "'   '", "", "~"])
def test_blank_title_counts_as_missing(config, title):
    error = the_error(f"---\ntitle: {title}\ndate: 2022-09-15\nsource: NYT\n---\n", config)

    assert "missing `title`" in error.message


def test_title_that_is_a_list_is_an_error(config):
    error = the_error("---\ndate: 2022-09-15\nsource: NYT\ntitle: [a, b]\n---\n", config)

    assert error.line == 4
    assert "`title` must be text, found a list" in error.message


def test_missing_source_is_an_error_that_mentions_defaults(config):
    error = the_error("---\ntitle: A\ndate: 2022-09-15\n---\n", config)

    assert "missing `source`" in error.message
    assert "defaults" in error.message


def test_missing_date_without_a_dated_file_name_is_an_error(config):
    error = the_error("---\ntitle: A\nsource: NYT\n---\n", config, name="putin-xi.md")

    assert "missing `date`" in error.message
    assert "2022-09-15-slug.md" in error.message


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("date", "yesterday", "`date`: `yesterday` is not a date"),
        ("date", "2022-13-01", "`date`: `2022-13-01` is not a real date"),
        ("date", "2022-09-15 25:00", "`date`: `2022-09-15 25:00` is not a real date"),
        ("updated", "soon", "`updated`: `soon` is not a date"),
        ("updated", "2022-02-30", "`updated`: `2022-02-30` is not a real date"),
    ],
)
def test_bad_dates_are_errors_on_their_line(config, key, value, expected):
    lines = {"title": "A", "source": "NYT", "date": "2022-09-15"} | {key: value}
    text = "---\n" + "".join(f"{k}: {v}\n" for k, v in lines.items()) + "---\n"

    error = the_error(text, config)

    assert error.line == 1 + list(lines).index(key) + 1
    assert error.message.startswith(expected)


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("{city: X, lat: 200}", "`location.lat` must be a number from -90 to 90, found `200`"),
        ("{city: X, lat: -90.5}", "`location.lat` must be a number from -90 to 90"),
        ("{city: X, lon: 181}", "`location.lon` must be a number from -180 to 180, found `181`"),
        ("{city: X, lat: north}", "`location.lat` must be a number"),
        ("{cty: Paris, country: France}", "`location` has an unknown key `cty` — did you mean `city`?"),
        ("{lat: 1, lon: 2}", "`location` needs a `name`, `city` or `country`"),
        ("[Paris, France]", "`location` must be a dateline"),
    ],
)
def test_bad_locations_are_errors_on_their_line(config, location, expected):
    error = the_error(f"---\ntitle: A\ndate: 2022-09-15\nsource: NYT\nlocation: {location}\n---\n", config)

    assert error.line == 5
    assert expected in error.message


def test_location_mapping_keeps_its_parts_and_coordinates(config):
    text = "---\ntitle: A\ndate: 2022-09-15\nsource: NYT\nlocation:\n  city: Kharkiv\n  country: Ukraine\n"
    text += "  lat: 49.99\n  lon: 36\n---\n"

    front, _ = parse(text, config)

    assert front.location == {"city": "Kharkiv", "country": "Ukraine", "lat": 49.99, "lon": 36.0}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{url: 'https://nytimes.com/a'}", "`source` needs a `name`"),
        (
            "{name: NYT, url: 'ftp://nytimes.com/a'}",
            "`source.url`: `ftp:` links are not allowed",
        ),
        ("{name: NYT, url: 'javascript:alert(1)'}", "`source.url`: `javascript:` links are not allowed"),
        (
            "{name: NYT, url: 'https://nytimes.com/a b'}",
            "`https://nytimes.com/a b` has a space",
        ),
        ("{name: NYT, link: 'https://x.org'}", "`source` has an unknown key `link`"),
        ("[NYT, AP]", "`source` must be text or a mapping"),
    ],
)
def test_bad_sources_are_errors_on_their_line(config, source, expected):
    error = the_error(f"---\ntitle: A\ndate: 2022-09-15\nsource: {source}\n---\n", config)

    assert error.line == 4
    assert expected in error.message


def test_every_error_in_one_file_is_reported_with_its_own_line(config):
    text = doc(
        """
        ---
        date: yesterday
        updated: 2022-02-30
        source:
          url: ftp://example.org/story
        location:
          cty: Paris
          lat: 200
        draft: maybe
        ---
        """
    )

    with pytest.raises(BuildError) as caught:
        parse(text, config)

    found = [(e.line, e.message) for e in caught.value.errors]
    assert all(e.path == PATH for e in caught.value.errors)

    def line_of(fragment: str) -> int:
        lines = [line for line, message in found if fragment in message]
        assert lines, f"no error mentioning {fragment!r} in {found}"
        return lines[0]

    assert line_of("missing `title`") == 2
    assert line_of("`yesterday` is not a date") == 2
    assert line_of("`updated`") == 3
    assert line_of("`source` needs a `name`") == 4
    assert line_of("unknown key `cty`") == 6
    assert line_of("`location.lat`") == 6
    assert line_of("`draft` must be true or false") == 9
    assert len(found) >= 7
    assert [line for line, _ in found] == sorted(line for line, _ in found)  # in file order


# --- values that must be read as written -------------------------------------------------------------


def test_location_no_stays_norway(config):
    front, _ = parse(GOOD.replace("source: NYTIMES", "source: NYTIMES\nlocation: NO"), config)

    assert front.location == {"name": "NO"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("yes", True),
        ("Yes", True),
        ("on", True),
        ("true", True),
        ("no", False),
        ("NO", False),
        ("false", False),
    ],
)
def test_draft_accepts_yaml_1_1_words(config, value, expected):
    front, _ = parse(GOOD.replace("source: NYTIMES", f"source: NYTIMES\ndraft: {value}"), config)

    assert front.draft is expected


def test_a_title_that_looks_like_a_date_or_number_stays_text(config):
    front, _ = parse(GOOD.replace("title: Putin and Xi meet in Samarkand", "title: 2022-09-15"), config)

    assert front.title == "2022-09-15"


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ("Russia, China ,, energy", ("Russia", "China", "energy")),
        ("[Russia, China, energy]", ("Russia", "China", "energy")),
        ("\n  - Russia\n  - ' China '\n  - 2022", ("Russia", "China", "2022")),
        ("[yes, NO]", ("yes", "NO")),
        ("", ()),
    ],
)
def test_tags_as_text_or_list(config, tags, expected):
    front, _ = parse(GOOD.replace("source: NYTIMES", f"source: NYTIMES\ntags: {tags}"), config)

    assert front.tags == expected


def test_tags_that_are_a_mapping_are_an_error(config):
    error = the_error(GOOD.replace("source: NYTIMES", "source: NYTIMES\ntags: {a: 1}"), config)

    assert error.line == 5
    assert "`tags` must be a list" in error.message


def test_html_entities_in_titles_are_decoded(config):
    front, _ = parse(
        GOOD.replace("Putin and Xi meet in Samarkand", "EPA&#8217;s rule &amp; the courts"), config
    )

    assert front.title == "EPA\u2019s rule & the courts"  # right single quotation mark


def test_title_whitespace_and_newlines_are_collapsed(config):
    text = GOOD.replace(
        "title: Putin and Xi meet in Samarkand", "title: |\n    Putin and Xi\n    meet  again\n"
    )

    front, _ = parse(text, config)

    assert front.title == "Putin and Xi meet again"


def test_summary_html_tags_are_stripped_and_entities_decoded(config):
    text = GOOD.replace(
        "source: NYTIMES",
        "source: NYTIMES\nsummary: '<p>Putin and <em>Xi</em> met.</p><p>Oil &amp; gas.</p>'",
    )

    front, _ = parse(text, config)

    assert front.summary == "Putin and Xi met. Oil & gas."


def test_script_in_a_title_is_kept_as_literal_text(config):
    text = GOOD.replace("Putin and Xi meet in Samarkand", "'<script>alert(1)</script> Breaking'")

    front, _ = parse(text, config)

    assert front.title == "<script>alert(1)</script> Breaking"  # escaping is the template's job


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2022-09-15-putin-xi.md", datetime(2022, 9, 15, tzinfo=timezone.utc)),
        ("2024-12-5-x.md", datetime(2024, 12, 5, tzinfo=timezone.utc)),
        ("2022-9-1-short.md", datetime(2022, 9, 1, tzinfo=timezone.utc)),
    ],
)
def test_missing_date_is_taken_from_the_file_name(config, name, expected):
    front, _ = parse("---\ntitle: A\nsource: NYT\n---\n", config, name=name)

    assert front.date == expected


def test_file_name_date_is_midnight_in_the_site_time_zone(make_config):
    config = make_config("timezone: Europe/London\n")

    front, _ = parse("---\ntitle: A\nsource: NYT\ndate:\n---\n", config, name="2022-09-15-x.md")

    assert front.date.isoformat() == "2022-09-15T00:00:00+01:00"


def test_explicit_date_wins_over_the_file_name(config):
    front, _ = parse("---\ntitle: A\nsource: NYT\ndate: 2021-01-02\n---\n", config, name="2022-09-15-x.md")

    assert front.date == datetime(2021, 1, 2, tzinfo=timezone.utc)


def test_impossible_file_name_date_is_a_missing_date(config):
    error = the_error("---\ntitle: A\nsource: NYT\n---\n", config, name="2022-02-30-x.md")

    assert "missing `date`" in error.message


# --- aliases ----------------------------------------------------------------------------------------

ALIASES = """\
aliases:
  topics: tags
  source_url: source.url
  venue.city: location.city
"""


def test_alias_renames_a_key(make_config):
    config = make_config(ALIASES)
    warnings: list[BuildWarning] = []

    front, _ = parse(
        GOOD.replace("source: NYTIMES", "source: NYTIMES\ntopics: [Energy, Oil]"), config, warnings=warnings
    )

    assert front.tags == ("Energy", "Oil")
    assert warnings == []


def test_alias_into_a_text_source_makes_a_name_and_url(make_config):
    config = make_config(ALIASES)
    text = "---\ntitle: A\ndate: 2022-09-15\nsource: usagov\nsource_url: https://www.usa.gov/story\n---\n"

    front, _ = parse(text, config)

    assert front.source_name == "usagov"
    assert front.source_url == "https://www.usa.gov/story"


def test_alias_into_a_source_mapping_fills_its_url(make_config):
    config = make_config(ALIASES)
    text = "---\ntitle: A\ndate: 2022-09-15\nsource_url: https://www.usa.gov/story\n"
    text += "source: {name: USAGOV}\n---\n"

    front, _ = parse(text, config)

    assert (front.source_name, front.source_url) == ("USAGOV", "https://www.usa.gov/story")


def test_alias_never_overrides_the_real_key(make_config):
    config = make_config(ALIASES)

    front, _ = parse(GOOD.replace("source: NYTIMES", "source: NYTIMES\ntags: [Mine]\ntopics: Theirs"), config)

    assert front.tags == ("Mine",)


def test_dotted_alias_moves_a_nested_key(make_config):
    config = make_config(ALIASES)
    text = GOOD.replace(
        "source: NYTIMES", "source: NYTIMES\nvenue:\n  city: Samarkand\nlocation: {country: Uzbekistan}"
    )
    warnings: list[BuildWarning] = []

    front, _ = parse(text, config, warnings=warnings)

    assert front.location == {"country": "Uzbekistan", "city": "Samarkand"}
    # `venue` held only the aliased key, so nothing of it is left to warn about
    assert [str(w) for w in warnings] == []


def test_dotted_alias_keeps_warning_about_what_it_does_not_map(make_config):
    config = make_config(ALIASES)
    text = GOOD.replace("source: NYTIMES", "source: NYTIMES\nvenue:\n  city: Samarkand\n  hall: Congress")
    warnings: list[BuildWarning] = []

    front, _ = parse(text, config, warnings=warnings)

    assert front.location == {"city": "Samarkand"}
    assert len(warnings) == 1
    assert "`venue`" in warnings[0].message


def test_error_in_an_aliased_value_points_at_the_users_line(make_config):
    config = make_config(ALIASES)
    text = "---\ntitle: A\ndate: 2022-09-15\nsource: NYT\n\n\ntopics: 5\n---\n"

    error = the_error(text, config)

    assert error.line == 7
    assert "`tags` must be a list" in error.message


# --- defaults ---------------------------------------------------------------------------------------

DEFAULTS = """\
defaults:
  - path: "usagov/*"
    values:
      source: USAGOV
      tags: [government]
      author: USAGov desk
      draft: true
  - values:
      summary: A default summary.
"""


def test_defaults_fill_missing_keys_of_matching_files(make_config):
    config = make_config(DEFAULTS)

    front, _ = parse("---\ntitle: A\ndate: 2022-09-15\n---\n", config, name="usagov/story.md")

    assert front.source_name == "USAGOV"
    assert front.tags == ("government",)
    assert front.author == "USAGov desk"
    assert front.draft is True
    assert front.summary == "A default summary."


def test_defaults_fill_null_and_blank_values(make_config):
    config = make_config(DEFAULTS)
    text = "---\ntitle: A\ndate: 2022-09-15\nsource:\nauthor: ''\ntags: []\nsummary: '   '\n---\n"

    front, _ = parse(text, config, name="usagov/story.md")

    assert front.source_name == "USAGOV"
    assert front.author == "USAGov desk"
    assert front.summary == "A default summary."


def test_defaults_never_override_explicit_values(make_config):
    config = make_config(DEFAULTS)
    text = "---\ntitle: A\ndate: 2022-09-15\nsource: NYT\nauthor: Me\ntags: [mine]\n"
    text += "draft: false\nsummary: Mine.\n---\n"

    front, _ = parse(text, config, name="usagov/story.md")

    assert front.source_name == "NYT"
    assert front.author == "Me"
    assert front.tags == ("mine",)
    assert front.draft is False
    assert front.summary == "Mine."


def test_defaults_apply_only_to_files_matching_their_glob(make_config):
    config = make_config(DEFAULTS)

    error = the_error("---\ntitle: A\ndate: 2022-09-15\n---\n", config, name="other/story.md")

    assert "missing `source`" in error.message


def test_default_source_text_names_a_source_mapping_that_has_only_a_url(make_config):
    config = make_config(DEFAULTS)
    text = "---\ntitle: A\ndate: 2022-09-15\nsource:\n  url: https://www.usa.gov/story\n---\n"

    front, _ = parse(text, config, name="usagov/story.md")

    assert front.source_name == "USAGOV"
    assert front.source_url == "https://www.usa.gov/story"


def test_defaults_of_one_file_do_not_leak_into_another(make_config):
    config = make_config(
        """\
        defaults:
          - values:
              source: {name: WIRE}
          - path: "usagov/*"
            values:
              source: {url: "https://www.usa.gov/"}
        """
    )
    text = "---\ntitle: A\ndate: 2022-09-15\n---\n"

    usagov, _ = parse(text, config, name="usagov/story.md")
    other, _ = parse(text, config, name="other/story.md")

    assert (usagov.source_name, usagov.source_url) == ("WIRE", "https://www.usa.gov/")
    assert (other.source_name, other.source_url) == ("WIRE", None)
    assert config.defaults[0].values == {"source": {"name": "WIRE"}}  # the site's settings are unchanged


# --- warnings ---------------------------------------------------------------------------------------


def test_unknown_key_is_a_warning_with_a_suggestion(config):
    warnings: list[BuildWarning] = []

    front, _ = parse(
        GOOD.replace("source: NYTIMES", "source: NYTIMES\ntitel: Typo"), config, warnings=warnings
    )

    assert front.title == "Putin and Xi meet in Samarkand"
    assert len(warnings) == 1
    warning = warnings[0]
    assert warning.path == PATH
    assert warning.line == 5
    assert "unknown front matter key `titel`" in warning.message
    assert "did you mean `title`?" in warning.message
    assert str(warning).startswith(f"content/{NAME}:5: ")


def test_unknown_key_that_is_really_text_hints_at_indentation(config):
    text = GOOD.replace("source: NYTIMES", "source: NYTIMES\nand the rest of the summary: here")
    warnings: list[BuildWarning] = []

    parse(text, config, warnings=warnings)

    assert len(warnings) == 1
    assert "indent the continuation lines" in warnings[0].message


def test_extra_keys_go_to_extra_without_a_warning(make_config):
    config = make_config("extra_keys: [mood, rating]\n")
    warnings: list[BuildWarning] = []
    text = GOOD.replace("source: NYTIMES", "source: NYTIMES\nmood: hopeful\nrating: 4")

    front, _ = parse(text, config, warnings=warnings)

    assert front.extra == {"mood": "hopeful", "rating": 4}
    assert warnings == []


def test_duplicate_key_is_a_warning_naming_both_lines_and_the_last_wins(config):
    warnings: list[BuildWarning] = []
    text = "---\ntitle: First\ndate: 2022-09-15\nsource: NYT\ntitle: Second\n---\n"

    front, _ = parse(text, config, warnings=warnings)

    assert front.title == "Second"
    assert len(warnings) == 1
    assert warnings[0].line == 5
    assert "duplicate key `title`" in warnings[0].message
    assert "line 2" in warnings[0].message


def test_a_file_with_errors_still_reports_its_warnings(config):
    warnings: list[BuildWarning] = []

    with pytest.raises(BuildError):
        parse("---\ntitle: A\ntitel: B\ndate: 2022-09-15\n---\n", config, warnings=warnings)

    assert [w.line for w in warnings] == [3]
