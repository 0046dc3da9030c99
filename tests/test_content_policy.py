"""Hostile or broken values in front matter: each is one error naming the file, the line and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import article, build_site

from digest.config.load import load_config
from digest.config.site_config import SiteConfig
from digest.content import frontmatter
from digest.errors import BuildError, DigestError
from digest.safeurl import url_problem

SITE = "title: T\nbase_url: https://example.org/\ntimezone: America/New_York\n"


@pytest.fixture
def config(tmp_path: Path) -> SiteConfig:
    (tmp_path / "site.yml").write_text(SITE, encoding="utf-8")
    (tmp_path / "content/images").mkdir(parents=True)
    (tmp_path / "content/images/map.png").write_bytes(b"\x89PNG")
    (tmp_path / "static/logos").mkdir(parents=True)
    (tmp_path / "static/logos/wire.svg").write_text("<svg/>", encoding="utf-8")
    return load_config(tmp_path / "site.yml")


def errors_of(text: str, config: SiteConfig, name: str = "2022-09-15-story.md") -> list[str]:
    """Every error message of one file, as `line: message`."""
    with pytest.raises((DigestError, BuildError)) as caught:
        frontmatter.parse(text, Path("content") / name, name, config, [])
    found = caught.value.errors if isinstance(caught.value, BuildError) else [caught.value]
    return [f"{error.line}: {error.message}" for error in found]


def story(*lines: str) -> str:
    """A content file whose first four lines are fine, then `lines` (from line 5 on)."""
    return "---\ntitle: A story\ndate: 2022-09-15\nsource: Wire\n" + "\n".join(lines) + "\n---\nBody.\n"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("updated: 9999-12-31T23:00:00-05:00", "5: `updated`: `9999-12-31T23:00:00-05:00` is out of range"),
        ("updated: 0001-01-01T01:00:00+05:00", "5: `updated`: `0001-01-01T01:00:00+05:00` is out of range"),
        ("updated: 9999-12-31", "5: `updated`: `9999-12-31` is out of range — write a date between"),
    ],
)
def test_dates_that_overflow_in_utc_or_the_site_zone_are_errors(config, line, expected):
    (message,) = errors_of(story(line), config)
    assert message.startswith(expected)


def test_the_issue_date_fails_on_its_line_not_with_an_overflow(config):
    text = "---\ntitle: A\nsource: Wire\ndate: 9999-12-31T23:00:00-05:00\n---\n"
    assert errors_of(text, config) == [
        "4: `date`: `9999-12-31T23:00:00-05:00` is out of range — write a date between the years 1 and 9998"
    ]


def test_a_file_name_date_past_the_range_is_no_date(config):
    text = "---\ntitle: A\nsource: Wire\n---\n"
    assert errors_of(text, config, "9999-12-31-end.md") == [
        "2: missing `date` — add a line like `date: 2022-09-15T18:30:00+05:00`, "
        "or start the file name with the date (2022-09-15-slug.md)"
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('summary: "a\\x01b"', "5: `summary` contains the control character U+0001 — delete it"),
        ('author: ["Ann", "B\\0b"]', "5: `author` contains the control character U+0000 — delete it"),
        ('location: {city: "Kyiv\\x7f"}', "5: `location` contains the control character U+007F — delete it"),
        ("summary: a\x01b", "5: the control character U+0001 is not allowed — delete it"),
        ("summary: a\x00b", "5: the control character U+0000 is not allowed — delete it"),
    ],
)
def test_control_characters_in_text_are_errors(config, line, expected):
    assert errors_of(story(line), config) == [expected]


def test_tabs_and_newlines_are_still_text(config):
    front, _ = frontmatter.parse(
        story('summary: "one\\ttwo\\nthree"'), Path("content/a.md"), "a.md", config, []
    )
    assert front.summary == "one two three"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("location: {city: {a: 1}}", "5: `location.city` must be text, found a mapping"),
        ("location: {city: Kyiv, country: [a, b]}", "5: `location.country` must be text, found a list"),
        ("summary: [a, b]", "5: `summary` must be text, found a list"),
        ("image: {src: a.png}", "5: `image` must be text, found a mapping"),
        ("draft: false\nslug: {a: 1}", "6: `slug` must be text, found a mapping"),
    ],
)
def test_a_mapping_or_list_where_text_is_expected_is_an_error(config, line, expected):
    assert expected in errors_of(story(line), config)


def test_a_list_title_is_an_error_on_its_line(config):
    text = "---\ntitle: [a, b]\ndate: 2022-09-15\nsource: Wire\n---\n"
    assert errors_of(text, config) == ["2: `title` must be text, found a list"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "image: 'javascript:alert(1)'",
            "5: `image`: `javascript:` links are not allowed — write an http(s) URL",
        ),
        ("image: ' JavaScript:alert(1)'", "5: `image`: `JavaScript:` links are not allowed"),
        ("image: 'data:image/png;base64,AAAA'", "5: `image`: `data:` links are not allowed"),
        (
            "image: ../../../../etc/passwd",
            "5: `image`: `../../../../etc/passwd` climbs out of the site with `..`",
        ),
        ("image: images/../../x.png", "5: `image`: `images/../../x.png` climbs out of the site"),
        ("image: //evil.example/x.png", "5: `image`: `//evil.example/x.png` is not a plain path"),
        ("image: 'https://'", "5: `image`: `https://` has no host"),
        ("author: A\nsource: {name: W, url: 'vbscript:x'}", "6: `source.url`: `vbscript:` links are not"),
    ],
)
def test_bad_urls_are_errors_naming_the_line(config, line, expected):
    messages = errors_of(story(line), config)
    assert len(messages) == 1 and messages[0].startswith(expected), messages


@pytest.mark.parametrize(
    "url",
    ["https://x.org/a.png", "http://x.org", "mailto:desk@example.org", "/images/map.png", "images/map.png",
     "logos/wire.svg", "./images/a/../map.png", "images/map.png?v=2#top"],
)  # fmt: skip
def test_good_image_urls_pass(config, url):
    front, _ = frontmatter.parse(story(f"image: '{url}'"), Path("content/a.md"), "a.md", config, [])
    assert front.image == url


@pytest.mark.parametrize(
    ("url", "problem"),
    [("https://x.org", None), ("mailto:a@b.c", None), ("/tags/x/", None), ("", None),
     ("javascript:x", "`javascript:` links are not allowed"), ("java\tscript:x", "an invisible"),
     ("file:///etc/passwd", "`file:` links"), ("..", "climbs out"), ("a\\b", "is not a plain path")],
)  # fmt: skip
def test_the_one_url_rule(url, problem):
    found = url_problem(url)
    assert found == problem if problem is None else problem in (found or "")


def test_a_build_names_the_file_and_line_of_an_overflowing_date(make_site):
    root = make_site({"content/late.md": article("Late", "9999-12-31T23:00:00-05:00")})
    with pytest.raises(BuildError) as failed:
        build_site(root)
    assert [str(e) for e in failed.value.errors] == [
        "content/late.md:3: `date`: `9999-12-31T23:00:00-05:00` is out of range — "
        "write a date between the years 1 and 9998"
    ]


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("nav: [{title: Home, url: 'javascript:alert(1)'}]", "site.yml:3: `nav.url`: `javascript:` links"),
        ("nav: [{title: Up, url: ../../etc/}]", "site.yml:3: `nav.url`: `../../etc/` climbs out of the site"),
        ("publisher: {name: P, url: 'data:text/html,x'}", "site.yml:3: `publisher.url`: `data:` links"),
    ],
)
def test_nav_and_publisher_urls_follow_the_same_rule(tmp_path, setting, expected):
    (tmp_path / "content").mkdir()
    (tmp_path / "site.yml").write_text(SITE.replace("timezone: America/New_York\n", setting + "\n"))
    with pytest.raises(BuildError) as failed:  # site.yml reports every mistake at once: this is the one
        load_config(tmp_path / "site.yml")
    [error] = failed.value.errors
    assert str(error).replace(f"{tmp_path}/", "").startswith(expected)


def test_good_nav_and_publisher_urls_load(tmp_path):
    lines = "nav: [{title: About, url: /about/}, {title: Mail, url: 'mailto:desk@example.org'}]\n"
    lines += "publisher: {name: P, url: 'https://p.example/'}\n"
    (tmp_path / "content").mkdir()
    (tmp_path / "site.yml").write_text(SITE + lines)
    config = load_config(tmp_path / "site.yml")
    assert [link.url for link in config.nav] == ["/about/", "mailto:desk@example.org"]
    assert config.publisher is not None and config.publisher.url == "https://p.example/"


def test_a_missing_local_image_fails_every_build_even_when_its_story_is_cached(make_site):
    """The check runs on each build's files: an image deleted after its story was parsed is caught."""
    text = article("Map", "2022-09-01T10:00:00Z", image="/images/map.png")
    root = make_site({"content/map.md": text, "content/images/map.png": b"\x89PNG", "static/x.txt": "x"})
    build_site(root)
    published = sorted(p.name for p in (root / "public").rglob("*"))
    (root / "content/images/map.png").unlink()
    with pytest.raises(BuildError) as failed:
        build_site(root)  # content/map.md is unchanged: its parse comes from the cache
    assert [str(e).replace(f"{root}/", "") for e in failed.value.errors] == [
        "content/map.md:5: `image`: there is no images/map.png in content/ or static/ — add the file "
        "there, or fix the path"
    ]
    assert sorted(p.name for p in (root / "public").rglob("*")) == published
    (root / "static/images").mkdir()
    (root / "static/images/map.png").write_bytes(b"\x89PNG")  # published from static/ instead: fine
    build_site(root)
