"""A story, a generated page and a copied file never share an output path: a clash is an error naming both."""

from __future__ import annotations

import subprocess
import sys

import pytest

from digest.errors import BuildError
from tests.conftest import SITE_YML, article, build_site

STORY = article("Oil prices climb", "2022-01-05", tags="[Energy]")


def _errors(make_site, files: dict[str, str], site_yml: str = SITE_YML) -> list[str]:
    root = make_site(files, site_yml)
    with pytest.raises(BuildError) as failure:
        build_site(root)
    return [str(error) for error in failure.value.errors]


def test_a_story_at_the_front_page_s_address_is_an_error(make_site):
    site_yml = SITE_YML + "permalink: /{slug}.html\n"
    assert _errors(make_site, {"content/2022-01-05-index.md": STORY}, site_yml) == [
        "content/2022-01-05-index.md: its URL /index.html belongs to the front page — change its `slug` "
        "or the `permalink` pattern in site.yml"
    ]


@pytest.mark.parametrize(
    ("permalink", "slug", "url", "owner"),
    [
        ("/{slug}/", "tags", "tags/", "the tag pages"),
        ("/{slug}/", "page", "page/", "the front page's later pages"),
        ("/{slug}/", "archive", "archive/", "the archive"),
        ("/{slug}.html", "404", "404.html", "the not-found page"),
    ],
)
def test_a_story_at_a_generated_page_s_address_is_an_error(make_site, permalink, slug, url, owner):
    story = article("Oil prices climb", "2022-01-05", slug=slug)
    assert _errors(make_site, {"content/oil.md": story}, SITE_YML + f"permalink: {permalink}\n") == [
        f"content/oil.md: its URL /{url} belongs to {owner} — change its `slug` or the `permalink` pattern "
        "in site.yml"
    ]


@pytest.mark.parametrize(
    ("copied", "owner"),
    [
        ("content/feed.xml", "the generated feed /feed.xml"),
        ("content/rss.xml", "the generated RSS feed /rss.xml"),
        ("content/feed.json", "the generated JSON feed /feed.json"),
        ("content/index.html", "the generated page /"),
        ("content/tags/energy/feed.xml", "the generated feed /tags/energy/feed.xml"),
        ("content/tags/index.html", "the generated page /tags/"),
        ("static/sitemap.xml", "the generated sitemap /sitemap.xml"),
        ("static/404.html", "the generated page /404.html"),
        ("static/archive/2022/index.html", "the generated page /archive/2022/"),
        ("content/2022/01/oil/index.html", "the story content/2022-01-05-oil.md at /2022/01/oil/"),
    ],
)
def test_a_copied_file_at_a_generated_path_is_an_error_naming_both(make_site, copied, owner):
    files = {"content/2022-01-05-oil.md": STORY, copied: "hand-made\n"}
    assert _errors(make_site, files) == [f"{copied}: collides with {owner} — rename or remove it"]


def test_a_content_file_and_a_static_file_at_one_path_are_an_error(make_site):
    files = {"content/2022-01-05-oil.md": STORY, "content/CNAME": "a.example", "static/CNAME": "b.example"}
    assert _errors(make_site, files) == [
        "content/CNAME: published at /CNAME, as is static/CNAME from `static_dir` — "
        "keep only one of the two files"
    ]


def test_the_site_may_replace_the_theme_s_files_and_robots_txt(make_site):
    root = make_site(
        {
            "content/2022-01-05-oil.md": STORY,
            "static/robots.txt": "User-agent: *\nDisallow: /drafts/\n",
            "static/static/style.css": "body { color: navy }\n",
        }
    )
    build_site(root)
    assert (root / "public/robots.txt").read_text() == "User-agent: *\nDisallow: /drafts/\n"
    assert (root / "public/static/style.css").read_text() == "body { color: navy }\n"


def test_every_clash_is_reported_at_once_and_the_last_output_is_kept(make_site):
    root = make_site({"content/2022-01-05-oil.md": STORY})
    build = [sys.executable, "-m", "digest.cli", "build"]
    assert subprocess.run(build, cwd=root, capture_output=True).returncode == 0
    front = (root / "public/index.html").read_bytes()
    for name in ("feed.xml", "index.html", "sitemap.xml"):
        (root / "content" / name).write_text("hand-made\n")
    run = subprocess.run(build, cwd=root, capture_output=True, text=True)
    assert run.returncode == 1
    assert [line.split(":")[0] for line in run.stderr.splitlines() if "collides with" in line] == [
        "content/feed.xml",
        "content/index.html",
        "content/sitemap.xml",
    ]
    assert (root / "public/index.html").read_bytes() == front
    assert not (root / "public/feed.xml").read_bytes().startswith(b"hand-made")
