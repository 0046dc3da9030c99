"""site.yml → SiteConfig: defaults, every accepted shape, and errors that point at the line to fix."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from textwrap import dedent

import pytest
from conftest import SITE_YML, article

from digest.config.load import load_config
from digest.config.site_config import (
    DEFAULT_EXTENSIONS,
    Defaults,
    MarkdownConfig,
    NavLink,
    Publisher,
    SiteConfig,
)
from digest.errors import BuildError, DigestError

MINIMAL = "title: The World in Brief\nbase_url: https://example.org/digest\n"


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Write a site.yml in a fresh folder (the working directory) and load it as `site.yml`.

    Loading by the relative path makes error messages start with exactly `site.yml:LINE:`,
    as they do when a user runs `digest` in the site's folder.
    """
    monkeypatch.chdir(tmp_path)
    Path("content").mkdir()

    def load(text: str, overrides: dict | None = None) -> SiteConfig:
        Path("site.yml").write_text(dedent(text), encoding="utf-8")
        return load_config(Path("site.yml"), overrides)

    return load


def config_errors(site, text: str, overrides: dict | None = None) -> list[DigestError]:
    """Every problem site.yml has, as loading reports them all at once."""
    with pytest.raises((BuildError, DigestError)) as caught:  # YAML that cannot be read stops at once
        site(text, overrides)
    failed = caught.value
    return failed.errors if isinstance(failed, BuildError) else [failed]


def config_error(site, text: str, overrides: dict | None = None) -> DigestError:
    """The one problem site.yml has."""
    (error,) = config_errors(site, text, overrides)
    return error


# --- defaults ---------------------------------------------------------------------------------------


def test_minimal_site_gets_every_default(site, tmp_path):
    config = site(MINIMAL)

    assert config.title == "The World in Brief"
    assert config.output_dir == "public"
    assert config.content_dir == "content"
    assert config.static_dir == "static"
    assert config.per_page == 10
    assert config.permalink == "/{year}/{month}/{slug}/"
    assert config.timezone == "UTC"
    assert config.tz.key == "UTC"
    assert config.theme == "default"
    assert config.language == "en"
    assert config.description == ""
    assert config.author is None
    assert config.publisher is None
    assert config.markdown == MarkdownConfig(DEFAULT_EXTENSIONS, {})
    assert config.nav == ()
    assert config.defaults == ()
    assert config.aliases == {}
    assert config.extra_keys == ()
    assert config.ignore == ("_*", ".*", "*~", "#*#", "*.swp", "*.tmp")


def test_root_and_derived_paths_come_from_the_folder_holding_site_yml(site, tmp_path):
    Path("posts").mkdir()
    config = site(MINIMAL + "output_dir: build\ncontent_dir: posts\n")

    assert config.root == tmp_path.resolve()
    assert config.content_path == tmp_path.resolve() / "posts"
    assert config.output_path == (tmp_path / "build").resolve()


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("https://example.org/digest", "https://example.org/digest/"),
        ("https://example.org/digest/", "https://example.org/digest/"),
        ("https://example.org", "https://example.org/"),
        ("http://localhost:8000", "http://localhost:8000/"),
    ],
)
def test_base_url_always_ends_with_one_slash(site, written, expected):
    config = site(f"title: T\nbase_url: {written}\n")

    assert config.base_url == expected


def test_a_bom_at_the_start_of_site_yml_is_ignored(site):
    Path("site.yml").write_bytes(("\ufeff" + MINIMAL).encode("utf-8"))

    config = load_config(Path("site.yml"))

    assert config.title == "The World in Brief"


def test_every_optional_key_is_read(site):
    config = site(
        """\
        title: "  The World in Brief  "
        base_url: https://example.org/
        description: A digest
        language: fr
        timezone: Europe/London
        output_dir: build
        per_page: 8
        permalink: /{year}/{month}/{day}/{slug}.html
        theme: paper
        author: The Brief desk
        """
    )

    assert config.title == "The World in Brief"  # surrounding spaces stripped
    assert config.description == "A digest"
    assert config.language == "fr"
    assert config.timezone == "Europe/London"
    assert config.tz.key == "Europe/London"
    assert config.output_dir == "build"
    assert config.per_page == 8
    assert config.permalink == "/{year}/{month}/{day}/{slug}.html"
    assert config.theme == "paper"
    assert config.author == "The Brief desk"


def test_yes_and_no_in_site_yml_stay_text(site):
    config = site("title: yes\nbase_url: https://example.org/\nlanguage: no\n")

    assert config.title == "yes"
    assert config.language == "no"  # Norwegian, not False


# --- unknown keys -----------------------------------------------------------------------------------


def test_unknown_key_error_names_file_line_and_suggestion(site):
    error = config_error(site, "title: T\nbase_url: https://example.org/\nbase_ulr: https://example.org/\n")

    assert str(error) == "site.yml:3: unknown key `base_ulr` — did you mean `base_url`?"
    assert error.path == Path("site.yml")
    assert error.line == 3


def test_unknown_key_far_from_every_key_lists_the_valid_keys(site):
    error = config_error(site, MINIMAL + "\n\nzzzzqqq: 1\n")

    assert error.line == 5
    assert "unknown key `zzzzqqq`" in error.message
    assert "did you mean" not in error.message
    assert "valid keys:" in error.message
    for key in ("base_url", "per_page", "permalink", "timezone", "title"):
        assert key in error.message
    assert "root" not in error.message  # internal field, not a site.yml key


# --- wrong values -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "expected_parts"),
    [
        pytest.param(
            'title: T\nbase_url: https://example.org/\nper_page: "ten"\n',
            3,
            ["`per_page`", "whole number of at least 1", "`ten`"],
            id="per_page-text",
        ),
        pytest.param(
            "title: T\nbase_url: https://example.org/\nper_page: 0\n",
            3,
            ["`per_page`", "whole number of at least 1", "`0`"],
            id="per_page-zero",
        ),
        pytest.param(
            "title: T\nbase_url: https://example.org/\nper_page: 2.5\n",
            3,
            ["`per_page`", "whole number of at least 1", "`2.5`"],
            id="per_page-fraction",
        ),
        pytest.param(
            "title: T\nbase_url: https://example.org/\nper_page: true\n",
            3,
            ["`per_page`", "whole number of at least 1", "`true`"],
            id="per_page-boolean",
        ),
        pytest.param(
            "base_url: https://example.org/\ntitle: [a]\n",
            2,
            ["`title`", "expected text", "a list"],
            id="title-list",
        ),
        pytest.param(
            "title:\nbase_url: https://example.org/\n",
            1,
            ["`title`", "expected text", "nothing"],
            id="title-empty",
        ),
        pytest.param(
            "title: T\nbase_url: https://example.org/\ntimezone: Mars/Olympus\n",
            3,
            ["`timezone`", "unknown time zone `Mars/Olympus`", "IANA name"],
            id="timezone-unknown",
        ),
        pytest.param(
            "title: T\nbase_url: example.org\n",
            2,
            ["`base_url`", "absolute http(s) URL", "found `example.org`"],
            id="base_url-no-scheme",
        ),
        pytest.param(
            "title: T\nbase_url: ftp://example.org/\n",
            2,
            ["`base_url`", "absolute http(s) URL", "found `ftp://example.org/`"],
            id="base_url-ftp",
        ),
        pytest.param(
            "title: T\nbase_url: https://example.org/\npermalink: /{year}/{month}/\n",
            3,
            ["`permalink`", "must contain `{slug}`"],
            id="permalink-no-slug",
        ),
        pytest.param(
            "title: T\nbase_url: https://example.org/\npermalink: /{yaer}/{slug}/\n",
            3,
            ["`permalink`", "unknown field `{yaer}`", "did you mean `year`?"],
            id="permalink-typo",
        ),
        pytest.param(
            "title: T\nbase_url: https://example.org/\npermalink: /{year}/{slug}\n",
            3,
            ["`permalink`", "must end with `/`", "`.html`"],
            id="permalink-bad-ending",
        ),
        pytest.param(
            "title: T\nbase_url: https://example.org/\npermalink: /../{slug}/\n",
            3,
            ["`permalink`", "`..`"],
            id="permalink-parent-dir",
        ),
        pytest.param(
            "title: T\nbase_url: https://example.org/\nnav:\n  - title: Home\n    url: /\n"
            "  - titel: Archive\n    url: /archive/\n",
            3,
            ["`nav`", "unknown key `titel`", "did you mean `title`?"],
            id="nav-unknown-key",
        ),
        pytest.param(
            "title: T\nbase_url: https://example.org/\nnav: [Home, Archive]\n",
            3,
            ["`nav`", "expected a mapping", "found `Home`"],
            id="nav-items-not-mappings",
        ),
        pytest.param(
            "title: T\nbase_url: https://example.org/\nmarkdown:\n  extensions: [extra, nosuchext]\n",
            3,
            ["`markdown`", "cannot load these extensions", "nosuchext"],
            id="markdown-unknown-extension",
        ),
        pytest.param(
            "title: T\nbase_url: https://example.org/\nmarkdown:\n  extension: [extra]\n",
            3,
            ["`markdown`", "unknown key `extension`", "did you mean `extensions`?"],
            id="markdown-unknown-key",
        ),
        pytest.param(
            "title: T\nbase_url: https://example.org/\npublisher:\n  nme: ACME\n",
            3,
            ["`publisher`", "unknown key `nme`", "did you mean `name`?"],
            id="publisher-unknown-key",
        ),
        pytest.param(
            "title: T\nbase_url: https://example.org/\naliases: [topics, tags]\n",
            3,
            ["`aliases`", "expected a mapping", "a list"],
            id="aliases-list",
        ),
        pytest.param(
            "title: T\nbase_url: https://example.org/\ndefaults:\n  - path: 'news/*'\n    valeus: {}\n",
            3,
            ["`defaults`", "unknown key `valeus`", "did you mean `values`?"],
            id="defaults-unknown-key",
        ),
    ],
)
def test_wrong_value_error_names_file_line_and_expectation(site, text, line, expected_parts):
    error = config_error(site, text)

    assert error.path == Path("site.yml")
    assert error.line == line
    assert str(error).startswith(f"site.yml:{line}: ")
    for part in expected_parts:
        assert part in error.message


def test_permalink_with_a_field_that_does_not_exist_lists_the_valid_fields(site):
    # `hour` is not a misspelling of any field: the helpful answer is the list of fields that exist,
    # not "did you mean `source`?" (difflib scores hour/source at exactly the 0.6 cutoff).
    error = config_error(site, "title: T\nbase_url: https://example.org/\npermalink: /{hour}/{slug}/\n")

    assert error.line == 3
    assert "unknown field `{hour}`" in error.message
    assert "did you mean `source`" not in error.message
    for name in ("year", "month", "day", "slug", "source"):
        assert name in error.message


@pytest.mark.parametrize("key", ["extra_keys", "ignore"])
def test_list_key_given_as_text_names_that_key_and_its_line(site, key):
    error = config_error(site, f"title: T\nbase_url: https://example.org/\n{key}: mood\n")

    assert error.line == 3
    assert error.message.startswith(f"`{key}`: ")
    assert "expected a list" in error.message


@pytest.mark.parametrize("key", ["title", "base_url"])
def test_missing_required_key_is_named_with_the_line_to_add(site, key):
    text = "title: T\n" if key == "base_url" else "base_url: https://example.org/\n"

    error = config_error(site, text)

    assert error.path == Path("site.yml")
    assert error.message == f"missing `{key}` — add a line `{key}: …`"
    assert str(error) == f"site.yml: missing `{key}` — add a line `{key}: …`"


def test_empty_site_yml_reports_both_missing_keys(site):
    errors = config_errors(site, "")

    assert [str(e) for e in errors] == [
        "site.yml: missing `base_url` — add a line `base_url: …`",
        "site.yml: missing `title` — add a line `title: …`",
    ]


def test_site_yml_that_is_a_list_is_rejected(site):
    error = config_error(site, "- title: T\n- base_url: https://example.org/\n")

    assert error.line == 1
    assert "expected a mapping" in error.message


def test_invalid_yaml_in_site_yml_points_at_the_line(site):
    error = config_error(site, "title: T\nbase_url: https://example.org/\ndescription: Markets: a rally\n")

    assert error.line == 3
    assert "invalid YAML" in error.message
    assert "quoted" in error.message


def test_missing_site_yml_explains_what_to_do(tmp_path):
    with pytest.raises(DigestError) as caught:
        load_config(tmp_path / "site.yml")

    assert caught.value.line is None
    assert "no site.yml" in caught.value.message
    assert "--config" in caught.value.message


# --- structured keys --------------------------------------------------------------------------------


def test_publisher_as_text_is_a_name_without_url(site):
    config = site(MINIMAL + "publisher: The Brief Ltd\n")

    assert config.publisher == Publisher("The Brief Ltd", None)


def test_publisher_as_mapping_has_name_and_url(site):
    config = site(MINIMAL + "publisher:\n  name: The Brief Ltd\n  url: https://example.org/about/\n")

    assert config.publisher == Publisher("The Brief Ltd", "https://example.org/about/")


def test_publisher_mapping_without_name_is_an_error(site):
    error = config_error(site, MINIMAL + "publisher:\n  url: https://example.org/about/\n")

    assert error.line == 3
    assert "`publisher`" in error.message
    assert "expected text" in error.message


def test_nav_items_become_nav_links_in_order(site):
    config = site(
        MINIMAL + "nav:\n  - title: Archive\n    url: archive/\n  - title: About\n    url: /about/\n"
    )

    assert config.nav == (NavLink("Archive", "archive/"), NavLink("About", "/about/"))


def test_markdown_extensions_and_their_settings_are_kept(site):
    config = site(
        MINIMAL
        + "markdown:\n  extensions: [toc, tables]\n  extension_configs:\n    toc:\n      permalink: true\n"
    )

    assert config.markdown.extensions == ("toc", "tables")
    assert config.markdown.extension_configs == {"toc": {"permalink": True}}


def test_markdown_settings_without_extensions_keep_the_default_extensions(site):
    config = site(MINIMAL + "markdown:\n  extension_configs:\n    toc:\n      permalink: true\n")

    assert config.markdown.extensions == DEFAULT_EXTENSIONS


def test_defaults_aliases_extra_keys_and_ignore_are_parsed(site):
    config = site(
        MINIMAL
        + dedent(
            """\
        defaults:
          - path: "usagov/**"
            values:
              source: USAGOV
              tags: [government]
          - values:
              author: The Brief desk
        aliases:
          topics: tags
          source_url: source.url
          venue.city: location.city
        extra_keys: [mood, rating]
        ignore: ["_*", "drafts/*"]
        """
        )
    )

    assert config.defaults == (
        Defaults("usagov/**", {"source": "USAGOV", "tags": ["government"]}),
        Defaults("**", {"author": "The Brief desk"}),  # no path: every file
    )
    assert config.aliases == {"topics": "tags", "source_url": "source.url", "venue.city": "location.city"}
    assert config.extra_keys == ("mood", "rating")
    assert config.ignore == ("_*", "drafts/*")


def test_defaults_entry_without_values_is_an_error(site):
    error = config_error(site, MINIMAL + "defaults:\n  - path: 'news/*'\n")

    assert error.line == 3
    assert "`defaults`" in error.message
    assert "expected a mapping" in error.message


# --- command-line overrides -------------------------------------------------------------------------


def test_base_url_override_wins_over_site_yml(site):
    config = site(MINIMAL, {"base_url": "http://localhost:8000/preview"})

    assert config.base_url == "http://localhost:8000/preview/"
    assert config.title == "The World in Brief"


def test_base_url_override_replaces_a_broken_base_url(site):
    config = site("title: T\nbase_url: example.org\n", {"base_url": "https://example.org/"})

    assert config.base_url == "https://example.org/"


def test_base_url_override_supplies_a_missing_base_url(site):
    config = site("title: T\n", {"base_url": "https://example.org/x"})

    assert config.base_url == "https://example.org/x/"


def test_base_url_override_is_still_checked(site):
    error = config_error(site, MINIMAL, {"base_url": "localhost:8000"})

    assert "`base_url`" in error.message
    assert "found `localhost:8000`" in error.message


# --- every problem at once --------------------------------------------------------------------------


def test_every_wrong_key_is_reported_at_once_each_with_its_line(site):
    errors = config_errors(
        site,
        """\
        title: T
        base_url: example.org
        per_page: 0
        timezone: Mars/Olympus
        colour: blue
        permalink: /{year}/
        """,
    )

    assert [(e.line, e.message.split(":")[0]) for e in errors] == [
        (2, "`base_url`"),
        (3, "`per_page`"),
        (4, "`timezone`"),
        (5, "unknown key `colour` — valid keys"),
        (6, "`permalink`"),
    ]
    assert all(str(e).startswith(f"site.yml:{e.line}: ") for e in errors)


def test_a_folder_key_of_the_wrong_type_is_one_mistake_not_two(site):
    Path("content").rmdir()

    errors = config_errors(site, MINIMAL + "content_dir: [posts]\n")

    assert [str(e) for e in errors] == ["site.yml:3: `content_dir`: expected text, found a list"]


def test_a_misspelt_required_key_is_one_mistake_not_two(site):
    errors = config_errors(site, "title: T\nbase_ulr: https://example.org/\n")

    assert [str(e) for e in errors] == ["site.yml:2: unknown key `base_ulr` — did you mean `base_url`?"]


# --- folders ----------------------------------------------------------------------------------------


def test_misspelt_content_dir_names_its_line_and_the_folder_meant(site):
    error = config_error(site, MINIMAL + "content_dir: contnet\n")

    assert str(error) == "site.yml:3: `content_dir`: folder contnet does not exist — did you mean `content`?"


def test_content_dir_far_from_every_folder_says_how_to_fix(site):
    error = config_error(site, MINIMAL + "content_dir: stories\n")

    assert error.line == 3
    assert error.message == (
        "`content_dir`: folder stories does not exist — "
        "create it, or set `content_dir` to your stories' folder"
    )


def test_content_dir_that_is_a_file_says_so(site):
    Path("notes").write_text("not a folder")

    error = config_error(site, MINIMAL + "content_dir: notes\n")

    assert error.line == 3
    assert "`content_dir`: folder notes is a file, not a folder" in error.message


def test_missing_default_content_folder_names_site_yml_and_the_folder_that_is_there(site):
    Path("content").rename("contents")

    error = config_error(site, MINIMAL)

    assert error.line is None
    assert str(error) == (
        "site.yml: the content folder `content/` does not exist — add `content_dir: contents` to site.yml, "
        "or set `content_dir` to the folder holding them"
    )


def test_missing_default_content_folder_without_a_near_folder_says_to_create_it(site):
    Path("content").rmdir()

    error = config_error(site, MINIMAL)

    assert str(error) == (
        "site.yml: the content folder `content/` does not exist — create it and put your stories in it, "
        "or set `content_dir` to the folder holding them"
    )


FOLDER_CLASHES = {  # a line of site.yml: what its error says
    "static_dir: .": "`.` is not a folder inside the site",
    "static_dir: ..": "`..` is not a folder inside the site",
    "static_dir: /tmp": "`/tmp` is not a folder inside the site",
    "static_dir: content": "overlaps the content folder content/",
    "static_dir: content/images": "overlaps the content folder content/",
    "static_dir: public": "overlaps the output folder public/",
    "static_dir: public/assets": "overlaps the output folder public/",
    "static_dir: .digest-cache": "overlaps the cache folder .digest-cache/",
    "output_dir: .digest-cache": "would replace the cache folder",
    "output_dir: content": "would replace the content folder",
    "output_dir: content/public": "is inside the content folder content/",
    "output_dir: static/public": "is inside the static folder static/",
    "output_dir: themes/public": "is inside the themes folder themes/",
    "output_dir: ..": "would replace the site",
}
FIXES = {
    "static_dir": "— use a folder of its own, like `static`",
    "output_dir": "— choose another `output_dir`",
}


@pytest.mark.parametrize("line", FOLDER_CLASHES)
def test_static_and_output_folders_may_not_overlap_what_a_build_reads(site, line):
    error = config_error(site, MINIMAL + line + "\n")

    key = line.split(":")[0]
    assert error.line == 3
    assert error.message.startswith(f"`{key}`: ")
    assert FOLDER_CLASHES[line] in error.message
    assert error.message.endswith(FIXES[key])


def test_static_dir_holding_the_content_and_output_folders_is_refused(site):
    Path("site/posts").mkdir(parents=True)

    error = config_error(
        site, MINIMAL + "content_dir: site/posts\noutput_dir: site/public\nstatic_dir: site\n"
    )

    assert error.line == 5
    assert "`site` overlaps the content folder site/posts/" in error.message


def test_content_dir_named_like_the_default_static_folder_is_refused_without_a_line(site):
    Path("static").mkdir()

    error = config_error(site, MINIMAL + "content_dir: static\n")

    assert error.line is None  # static_dir is not in site.yml: its default clashes
    assert "`static_dir`: `static` overlaps the content folder static/" in error.message


def test_output_folder_inside_the_cache_is_allowed_for_the_preview(site):
    config = site(MINIMAL + "output_dir: .digest-cache/preview\n")

    assert config.output_path.name == "preview"


# --- as the command line reports them ---------------------------------------------------------------


def digest(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "digest.cli", *args], cwd=cwd, capture_output=True, text=True
    )


def files_in(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_a_renamed_content_folder_fails_the_build_and_keeps_the_published_site(make_site):
    root = make_site({"content/a.md": article("A", "2022-09-01T10:00:00Z")})
    assert digest("build", cwd=root).returncode == 0
    published = files_in(root / "public")

    (root / "content").rename(root / "contents")
    renamed = digest("build", cwd=root)
    (root / "site.yml").write_text(SITE_YML + "content_dir: contnet\n")
    misspelt = digest("build", cwd=root)

    assert renamed.returncode == misspelt.returncode == 1
    assert renamed.stderr.splitlines() == [
        "site.yml: the content folder `content/` does not exist — add `content_dir: contents` to site.yml, "
        "or set `content_dir` to the folder holding them",
        "build failed: 1 error(s); the previous output is unchanged",
    ]
    assert misspelt.stderr.splitlines()[0] == (
        "site.yml:3: `content_dir`: folder contnet does not exist — did you mean `contents`?"
    )
    assert files_in(root / "public") == published


def test_every_site_yml_error_is_printed_one_per_line(make_site):
    root = make_site({}, "title: T\nbase_url: example.org\nper_page: 0\nstatic_dir: .\n")

    result = digest("build", cwd=root)

    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert [line.split(":")[:2] for line in lines[:-1]] == [
        ["site.yml", "2"],
        ["site.yml", "3"],
        ["site.yml", "4"],
    ]
    assert lines[-1] == "build failed: 3 error(s); the previous output is unchanged"


def test_an_empty_content_folder_builds_with_a_warning(make_site):
    root = make_site({})

    result = digest("build", cwd=root)

    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "warning: content: no stories found in this folder — add Markdown (.md) files, "
        "or set `content_dir` in site.yml"
    ]
    assert (root / "public/index.html").is_file()
