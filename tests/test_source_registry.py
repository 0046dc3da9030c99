"""The source registry: loading it (inline or from a file), every error message, front matter resolution."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from textwrap import dedent

import pytest
from conftest import SITE_YML, article, build_site, grouped, page, text_of

from digest.config.load import load_config
from digest.config.site_config import SiteConfig, SourceEntry
from digest.errors import BuildError, DigestError

REGISTRY = """\
sources:
  nytimes:
    name: The New York Times
    home: https://www.nytimes.com/
    feed: https://rss.nytimes.com/services/xml/rss/nyt/World.xml
    description: A New York daily with a large foreign desk.
    aliases: [NYTIMES, NYT]
  reuters:
    name: Reuters
    home: https://www.reuters.com/
"""
NOW = datetime(2023, 1, 1, tzinfo=timezone.utc)


@pytest.fixture
def load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Load a site.yml (and any other files) from a fresh folder, named as a user in it would see them."""
    monkeypatch.chdir(tmp_path)
    Path("content").mkdir()

    def load(site_yml: str, **files: str | bytes) -> SiteConfig:
        Path("site.yml").write_text(SITE_YML + dedent(site_yml), encoding="utf-8")
        for name, text in files.items():
            Path(name).write_bytes(text if isinstance(text, bytes) else dedent(text).encode())
        return load_config(Path("site.yml"))

    return load


def errors_of(load, site_yml: str, **files: str | bytes) -> list[str]:
    """Every message loading reports, as the CLI prints them."""
    with pytest.raises((BuildError, DigestError)) as caught:
        load(site_yml, **files)
    failed = caught.value
    return [str(e) for e in (failed.errors if isinstance(failed, BuildError) else [failed])]


# --- loading ----------------------------------------------------------------------------------------


def test_an_inline_registry_loads_every_field(load) -> None:
    config = load(REGISTRY)
    assert config.sources == (
        SourceEntry(
            "nytimes",
            "The New York Times",
            "https://www.nytimes.com/",
            "https://rss.nytimes.com/services/xml/rss/nyt/World.xml",
            "A New York daily with a large foreign desk.",
            ("NYTIMES", "NYT"),
        ),
        SourceEntry("reuters", "Reuters", "https://www.reuters.com/"),
    )


def test_a_registry_file_beside_site_yml_loads_the_same(load) -> None:
    body = "\n".join(line[2:] for line in REGISTRY.splitlines()[1:])
    assert load("sources: sources.yml\n", **{"sources.yml": body}).sources == load(REGISTRY).sources


def test_a_site_without_a_registry_has_none(load) -> None:
    config = load("")
    assert config.sources == ()
    assert config.source_entry("Reuters") is None


@pytest.mark.parametrize(
    "spelling", ["nytimes", "NYTIMES", "NyT", "the new york times", "The New York Times"]
)
def test_an_entry_is_found_by_key_name_or_alias_in_any_case(load, spelling: str) -> None:
    entry = load(REGISTRY).source_entry(spelling)
    assert entry is not None and entry.key == "nytimes"


def test_a_name_the_registry_does_not_list_finds_nothing(load) -> None:
    assert load(REGISTRY).source_entry("The Times") is None


# --- every error message ----------------------------------------------------------------------------


MISTAKES = {  # site.yml's `sources:` → the one message loading prints
    "sources:\n  ap:\n    home: https://apnews.com/\n": (
        "site.yml:4: source `ap` needs a `name` — add `name: The Outlet` (as pages show it)"
    ),
    "sources:\n  ap: Associated Press\n": (
        "site.yml:4: source `ap` must be a mapping with a name, found `Associated Press` — "
        "write `ap: {name: The Outlet, home: https://…}`"
    ),
    "sources:\n  ap:\n    name: AP\n    feed: javascript:alert(1)\n": (
        "site.yml:6: source `ap`: `feed`: `javascript:` links are not allowed — write an http(s) URL, "
        "a mailto: address or a path inside the site like /images/map.png"
    ),
    "sources:\n  ap:\n    name: AP\n    hompage: https://apnews.com/\n": (
        "site.yml:6: source `ap` has an unknown key `hompage` — did you mean `home`?"
    ),
    "sources:\n  nytimes: {name: The New York Times, aliases: [NYT]}\n  nypost:\n    name: New York Post\n"
    "    aliases:\n      - NY Post\n      - nyt\n": (
        "site.yml:9: `nyt` names two sources, `nytimes` (line 4) and `nypost` — keep it in one of them"
    ),
    "sources:\n  bbc: {name: BBC News}\n  bbcnews:\n    name: bbc news\n": (
        "site.yml:6: `bbc news` names two sources, `bbc` (line 4) and `bbcnews` — keep it in one of them"
    ),
    "sources:\n  le monde: {name: Le Monde}\n  le-monde: {name: Le Monde in English}\n": (
        "site.yml:5: sources `le monde` and `le-monde` would share one page, sources/le-monde/ — rename one"
    ),
    "sources:\n  ap: {name: AP}\n  bbc: {name: BBC}\n  ap: {name: Associated Press}\n": (
        "site.yml:6: source `ap` is listed twice (lines 4 and 6) — merge them"
    ),
    "sources:\n  ap:\n    name: AP\n    aliases:\n      - Associated Press\n      - [x]\n": (
        "site.yml:8: source `ap`: each alias must be text, found a list — write `aliases: [NYT, The Times]`"
    ),
    "sources: [nytimes]\n": (
        "site.yml:3: `sources` must be a mapping of sources or the name of a file beside site.yml like "
        "`sources.yml`, found a list — see the README's source registry"
    ),
}


@pytest.mark.parametrize(("site_yml", "message"), MISTAKES.items(), ids=range(len(MISTAKES)))
def test_each_mistake_has_its_message_at_its_line(load, site_yml: str, message: str) -> None:
    assert errors_of(load, site_yml) == [message]


def test_a_url_without_a_host_is_refused(load) -> None:
    (message,) = errors_of(load, "sources:\n  ap:\n    name: AP\n    home: 'https:///apnews'\n")
    assert message.startswith("site.yml:6: source `ap`: `home`: `https:///apnews` has no host")


def test_every_mistake_is_reported_at_once(load) -> None:
    site_yml = "sources:\n  ap: {home: https://apnews.com/}\n  bbc: {name: BBC, feed: 'ftp://x'}\n"
    assert [m.split(":")[1] for m in errors_of(load, site_yml)] == ["4", "5"]


def test_errors_in_a_registry_file_point_into_that_file(load) -> None:
    sources = "reuters:\n  name: Reuters\nap:\n  name: AP\n  home: javascript:void(0)\n"
    (message,) = errors_of(load, "sources: sources.yml\n", **{"sources.yml": sources})
    assert message.startswith("sources.yml:5: source `ap`: `home`: `javascript:` links are not allowed")


def test_a_missing_registry_file_points_at_sources_in_site_yml(load) -> None:
    assert errors_of(load, "title_case: x\nsources: outlets.yml\n")[-1] == (
        "site.yml:4: `sources`: the file outlets.yml does not exist — create it beside site.yml, "
        "or list the sources under `sources:`"
    )


def test_a_registry_file_that_is_not_text_is_refused(load) -> None:
    assert errors_of(load, "sources: sources.yml\n", **{"sources.yml": b"ap:\n  name: \xff\xfe\n"}) == [
        "site.yml:3: `sources`: the file sources.yml is not UTF-8 text — save it as UTF-8"
    ]


def test_a_registry_path_that_is_a_folder_is_refused(load) -> None:
    Path("outlets").mkdir()
    assert errors_of(load, "sources: outlets\n") == [
        "site.yml:3: `sources`: the file outlets is a folder — name a YAML file like `sources.yml`"
    ]


def test_a_registry_file_with_broken_yaml_points_at_its_line(load) -> None:
    (message,) = errors_of(load, "sources: sources.yml\n", **{"sources.yml": "ap:\n  name: [AP\n"})
    assert message.startswith("sources.yml:2: invalid YAML")


# --- front matter resolution ------------------------------------------------------------------------


def test_front_matter_names_resolve_to_one_registry_source(make_site) -> None:
    root = make_site(
        {
            "content/a.md": article("One", "2022-09-01", source="nytimes"),
            "content/b.md": article("Two", "2022-09-02", source="NYTIMES"),
            "content/c.md": article(
                "Three", "2022-09-03", source="{name: nyt, url: 'https://www.nytimes.com/2022/09/03/x.html'}"
            ),
            "content/d.md": article("Four", "2022-09-04", source="The Times"),
        },
        SITE_YML + REGISTRY,
    )
    site = grouped(load_config(root / "site.yml"), NOW)
    assert [(t.name, t.slug, t.count) for t in site.sources] == [
        ("The New York Times", "nytimes", 3),
        ("The Times", "the-times", 1),  # not in the registry: kept as written
    ]
    third = next(a for a in site.articles if a.title == "Three")
    assert third.source.url == "https://www.nytimes.com/2022/09/03/x.html"  # the story's own link stays


def test_the_source_index_shows_registry_names_not_raw_spellings(make_site) -> None:
    root = make_site({"content/a.md": article("One", "2022-09-01", source="NYTIMES")}, SITE_YML + REGISTRY)
    build_site(root)
    assert [text_of(n) for n in page(root, "sources/").xpath("//span[@class='term-name']")] == [
        "The New York Times"
    ]
    assert (
        text_of(page(root, "2022/09/a/").xpath("//p[@class='story-source']")[0]) == "From The New York Times"
    )


def test_editing_the_registry_renames_the_source_on_the_next_build(make_site) -> None:
    root = make_site({"content/a.md": article("One", "2022-09-01", source="NYT")}, SITE_YML + REGISTRY)
    build_site(root)
    (root / "site.yml").write_text(SITE_YML + REGISTRY.replace("The New York Times", "The Times of New York"))
    build_site(root)
    assert "From The Times of New York" in text_of(page(root, "2022/09/a/"))


def test_editing_only_the_registry_file_is_seen_by_the_next_build(make_site) -> None:
    root = make_site(
        {"content/a.md": article("One", "2022-09-01", source="ap"), "sources.yml": "ap: {name: AP}\n"},
        SITE_YML + "sources: sources.yml\n",
    )
    build_site(root)
    (root / "sources.yml").write_text("ap: {name: The Associated Press}\n")
    build_site(root)
    assert "From The Associated Press" in text_of(page(root, "2022/09/a/"))
