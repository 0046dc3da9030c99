"""`digest check` as a curator runs it: every finding at the story's file and line, exit status for CI."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import IN_CI, ROOT, SITE_YML, article, write_files

from digest.cli import main

CORPORA = ROOT.parent / "shared" / "corpora"
KILL_AT = Path(__file__).parent / "faults" / "kill_at.py"

BROKEN = """\
---
title: Harbour cranes idle for a week
date: 2023-01-05
source:
  name: Port Weekly
  url: https://example.com/cranes
---
The strike [began on Monday](/2024/01/does-not-exist/) and [is explained below](#nope).

See [the earlier story](harbour-opens.md), ![a map](images/map.png) and [the union](htps://example.com/union).

{{< img src="cranes" >}}

## Background

The port [reopened last year](#background) and [the site has a page](https://exa_mple..com/).
"""

OPENS = article(
    "Harbour opens a second basin",
    "2023-01-02",
    slug="harbour-opens",
    body="\nA [plain link](https://example.com/basin) and an email, <press@example.com>.\n",
)


def _check(site: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    """Run `digest check` in the site's folder; its exit status and its lines."""
    cwd = Path.cwd()
    os.chdir(site)
    try:
        status = main(["check", *args])
    finally:
        os.chdir(cwd)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return status, out.splitlines()


def test_each_finding_names_the_story_file_and_line(make_site, capsys):
    site = make_site({"content/2023-01-05-cranes.md": BROKEN, "content/2023-01-02-opens.md": OPENS})
    status, lines = _check(site, capsys=capsys)
    story = "content/2023-01-05-cranes.md"
    assert lines == [
        f"{story}:8: link to #nope — no element with id `nope` on this page; link a heading's id "
        "(shown in the page's HTML), or remove the #fragment",
        f"{story}:8: link to /2024/01/does-not-exist/ — no such page; fix the address, or remove the link",
        f"{story}:10: image /images/map.png — no such file in the content or static folder; add it, or fix "
        "the path",
        f"{story}:10: link `htps://example.com/union`: unknown scheme `htps:` — write it as "
        "https://host/path (or mailto:…)",
        f"{story}:10: link to /harbour-opens.md — no such page; link the story's address, "
        "/2023/01/harbour-opens/",
        f'{story}:12: unrendered template syntax `{{{{< img src="cranes" >}}}}` — digest renders Markdown '
        "only: replace it with Markdown (![alt](image.png), a link), or put it in `code` if it is meant "
        "to be shown",
        f"{story}:16: link `https://exa_mple..com/` has an invalid host name `exa_mple..com` — write it as "
        "https://host/path",
        "check failed: 7 error(s), 0 warning(s) in 2 stories and 13 pages",
    ]
    assert status == 1


def test_a_new_site_and_the_sample_check_clean(tmp_path, capsys):
    assert main(["init", str(tmp_path / "new")]) == 0
    capsys.readouterr()
    for site in (tmp_path / "new", ROOT):
        status, lines = _check(site, capsys=capsys)
        assert status == 0, lines
        assert len(lines) == 1
        assert re.fullmatch(r"check ok: 0 error\(s\), 0 warning\(s\) in \d+ stories and \d+ pages", lines[0])


def test_the_output_folder_is_untouched_and_nothing_is_left_behind(make_site, capsys):
    site = make_site({"content/2023-01-02-opens.md": OPENS})
    assert main(["build", "--config", str(site / "site.yml"), "-q"]) == 0
    capsys.readouterr()
    (site / "content/2023-01-05-cranes.md").write_text(BROKEN)
    before = _tree(site)
    status, _ = _check(site, capsys=capsys)
    assert status == 1
    after = _tree(site)
    cache = site / ".digest-cache"
    assert {p: s for p, s in after.items() if not p.startswith(".digest-cache/")} == {
        p: s for p, s in before.items() if not p.startswith(".digest-cache/")
    }
    # the cache keeps the stories parsed (so the next build is quicker), and nothing about the check
    assert {p for p in after if not p.startswith(".digest-cache/articles-")} == {
        p for p in before if not p.startswith(".digest-cache/articles-")
    }
    assert not (cache / "check").exists()


def _tree(site: Path) -> dict[str, tuple[int, int, int, bytes]]:
    """Every file under the site with its size, mtime, inode and bytes."""
    return {
        p.relative_to(site).as_posix(): (
            p.stat().st_size,
            p.stat().st_mtime_ns,
            p.stat().st_ino,
            p.read_bytes(),
        )
        for p in site.rglob("*")
        if p.is_file() and p.name != "build.lock"
    }


def test_a_killed_check_leaves_its_scratch_folder_to_the_next_one(make_site, tmp_path):
    site = make_site({"content/2023-01-05-cranes.md": BROKEN, "content/2023-01-02-opens.md": OPENS})
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    killed = subprocess.run(
        [sys.executable, str(KILL_AT), "shutil.rmtree check@2", "SIGKILL", "check"],
        cwd=site,
        env=env,
        capture_output=True,
        text=True,
    )
    assert killed.returncode == -9, killed.stderr
    assert (site / ".digest-cache/check/index.html").is_file()  # killed once the pages were read
    assert list((site / ".digest-cache").glob("manifest-*"))
    done = subprocess.run(
        [sys.executable, "-m", "digest.cli", "check"], cwd=site, env=env, capture_output=True, text=True
    )
    assert done.returncode == 1
    assert "content/2023-01-05-cranes.md:8: link to /2024/01/does-not-exist/" in done.stdout
    assert not (site / ".digest-cache/check").exists()
    assert not list((site / ".digest-cache").glob(".check.*"))
    assert not list((site / ".digest-cache").glob("manifest-*")) + list(
        (site / ".digest-cache").glob("snap*")
    )


def test_an_up_to_date_output_is_read_not_built_again(make_site, tmp_path):
    site = make_site({"content/2023-01-05-cranes.md": BROKEN, "content/2023-01-02-opens.md": OPENS})
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    digest = [sys.executable, "-m", "digest.cli"]
    assert subprocess.run([*digest, "build", "-q"], cwd=site, env=env).returncode == 0
    before = _tree(site / "public")
    runs = []
    for edit in (False, True):
        if edit:  # a story saved since the build: the output is no longer what a build makes
            (site / "content/2023-01-02-opens.md").write_text(OPENS + "\nOne more line.\n")
        log = tmp_path / f"log-{edit}.json"
        checked = subprocess.run(
            [sys.executable, str(KILL_AT), "0", "SIGKILL", "check"],
            cwd=site,
            env={**env, "KILL_AT_LOG": str(log)},
            capture_output=True,
            text=True,
        )
        built = any(event.startswith("os.mkdir .check.new-") for event in json.loads(log.read_text()))
        runs.append((checked.returncode, checked.stdout, built))
    assert runs[0][2] is False  # nothing built: public/ was read
    assert runs[1][2] is True
    assert runs[0][0] == runs[1][0] == 1
    assert runs[0][1] == runs[1][1]
    assert "content/2023-01-05-cranes.md:8: link to /2024/01/does-not-exist/" in runs[0][1]
    assert _tree(site / "public") == before


def test_warnings_fail_only_with_strict(make_site, capsys):
    twin = article(
        "Cranes idle again", "2023-01-06", source="{name: Port Weekly, url: https://example.com/cranes}"
    )
    first = article(
        "Cranes idle", "2023-01-05", source="{name: Port Weekly, url: 'https://example.com/cranes/'}"
    )
    site = make_site({"content/2023-01-05-a.md": first, "content/2023-01-06-b.md": twin})
    status, lines = _check(site, capsys=capsys)
    message = (
        "content/2023-01-06-b.md:4: warning: source URL https://example.com/cranes is also the source of "
        "content/2023-01-05-a.md (Cranes idle) — merge the two stories, or correct the URL"
    )
    assert (status, lines[0]) == (0, message)
    assert lines[1] == "check ok: 0 error(s), 1 warning(s) in 2 stories and 12 pages"
    status, lines = _check(site, "--strict", capsys=capsys)
    assert status == 1
    assert (
        lines[-1]
        == "check failed (--strict: warnings fail too): 0 error(s), 1 warning(s) in 2 stories and 12 pages"
    )


def test_a_source_missing_from_the_registry_is_a_warning_strict_fails_on(make_site, capsys):
    registry = SITE_YML + "sources:\n  reuters:\n    name: Reuters\n    aliases: [Thomson Reuters]\n"
    site = make_site(
        {
            "content/2023-01-05-a.md": article("Cranes idle", "2023-01-05", source="Reuter"),
            "content/2023-01-06-b.md": article("Cranes idle again", "2023-01-06", source="Reuter"),
            "content/2023-01-07-c.md": article("Cranes move", "2023-01-07", source="thomson reuters"),
        },
        site_yml=registry,
    )
    status, lines = _check(site, capsys=capsys)
    assert status == 0
    assert lines[0] == (
        "content/2023-01-05-a.md:4: warning: source `Reuter` is not in the source registry (and 1 more "
        "stories) — did you mean `Reuters`? or add it under `sources:` in site.yml, with this spelling "
        "among its aliases"
    )
    assert len(lines) == 2  # an alias in any case is known: no finding for the third story
    status, lines = _check(site, "--strict", capsys=capsys)
    assert status == 1


def test_a_site_without_a_registry_gets_no_source_warnings(make_site, capsys):
    site = make_site({"content/2023-01-05-a.md": article("Cranes idle", "2023-01-05", source="Reuter")})
    status, lines = _check(site, "--strict", capsys=capsys)
    assert (status, len(lines)) == (0, 1)


def test_json_output_has_the_documented_schema(make_site, capsys):
    site = make_site({"content/2023-01-05-cranes.md": BROKEN, "content/2023-01-02-opens.md": OPENS})
    status, lines = _check(site, "--format", "json", capsys=capsys)
    document = json.loads("\n".join(lines))
    assert status == 1
    assert document["version"] == 1
    assert document["ok"] is False
    assert document["strict"] is False
    assert document["summary"] == {"errors": 7, "warnings": 0, "stories": 2, "pages": 13}
    assert {tuple(f) for f in document["findings"]} == {("path", "line", "severity", "kind", "message")}
    kinds = [(f["path"], f["line"], f["kind"], f["severity"]) for f in document["findings"]]
    story = "content/2023-01-05-cranes.md"
    assert kinds == [
        (story, 8, "anchor", "error"),
        (story, 8, "link", "error"),
        (story, 10, "image", "error"),
        (story, 10, "url", "error"),
        (story, 10, "link", "error"),
        (story, 12, "syntax", "error"),
        (story, 16, "url", "error"),
    ]


def test_what_build_rejects_is_reported_and_the_rest_still_checked(make_site, capsys):
    bad_date = article("A bad date", "15/09/2022")
    site = make_site({"content/2023-01-05-cranes.md": BROKEN, "content/bad.md": bad_date})
    status, lines = _check(site, capsys=capsys)
    assert status == 1
    assert lines[0].startswith("content/2023-01-05-cranes.md:8: link to #nope")
    assert any(line.startswith("content/bad.md:3: `date`: `15/09/2022` is not a date") for line in lines)
    assert lines[-1] == "check failed: 8 error(s), 0 warning(s) in 1 stories and 11 pages"


def test_a_broken_template_is_reported_with_its_line(make_site, capsys):
    site = make_site(
        {"content/a.md": article("A", "2023-01-05"), "templates/article.html": "<p>\n{% if %}\n</p>\n"}
    )
    status, lines = _check(site, capsys=capsys)
    assert status == 1
    assert lines[0].startswith("templates/article.html:2: ")
    assert lines[-1] == "check failed: 1 error(s), 0 warning(s) in 1 stories and 0 pages"


def test_a_link_every_page_shows_is_reported_once_at_site_yml(make_site, capsys):
    nav = SITE_YML + "nav:\n  - title: About\n    url: /about/\n"
    site = make_site({"content/a.md": article("A", "2023-01-05")}, nav)
    status, lines = _check(site, capsys=capsys)
    assert status == 1
    assert lines[:-1] == [
        "site.yml:5: link to /about/ — no such page; fix the address, or remove the link (on 11 pages)"
    ]


def test_template_syntax_in_a_theme_is_reported_at_its_page(make_site, capsys):
    site = make_site(
        {
            "content/a.md": article("A", "2023-01-05"),
            "templates/terms.html": "{% extends 'base.html' %}{% block content %}{% raw %}{{ terms }}"
            "{% endraw %}{% endblock %}",
        }
    )
    status, lines = _check(site, capsys=capsys)
    assert status == 1
    message = "unrendered template syntax `{{ terms }}` (on 3 pages) — digest renders Markdown only"
    assert lines[0].startswith(f"public/locations/index.html: {message}")


def test_code_may_show_template_syntax(make_site, capsys):
    body = "\nWrite `{{< figure >}}` in Hugo, or:\n\n    {% include card.html %}\n"
    site = make_site({"content/a.md": article("Shortcodes explained", "2023-01-05", body=body)})
    status, lines = _check(site, capsys=capsys)
    assert (status, len(lines)) == (0, 1), lines


def test_config_errors_are_findings(make_site, capsys):
    site = make_site({}, "title: T\nbase_ulr: https://example.org/\n")
    status, lines = _check(site, capsys=capsys)
    assert status == 1
    assert lines[0] == "site.yml:2: unknown key `base_ulr` — did you mean `base_url`?"
    status, lines = _check(site, "--format", "json", capsys=capsys)
    assert json.loads("\n".join(lines))["findings"][0]["line"] == 2


def test_help_shows_examples():
    for args, example in (
        ([], "digest check --strict"),
        (["build"], "digest build --output"),
        (["serve"], "digest serve --open"),
        (["check"], "digest check --format json"),
    ):
        shown = subprocess.run(
            [sys.executable, "-m", "digest.cli", *args, "--help"], capture_output=True, text=True, check=True
        )
        assert "example" in shown.stdout
        assert example in shown.stdout


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["check", "--format", "xml"])
    assert stopped.value.code == 2
    with pytest.raises(SystemExit) as stopped:
        main(["check", "--timeout", "soon"])
    assert stopped.value.code == 2
    assert "'soon' is not a number of seconds" in capsys.readouterr().err


def test_finds_the_raw_hugo_shortcodes_of_digitalgov_news_at_their_lines(tmp_path, capsys):
    """A year of the real corpus: every line holding a shortcode, and nothing else about them."""
    corpus = CORPORA / "digitalgov-news" / "content"
    if not corpus.is_dir():
        if IN_CI:
            pytest.fail(f"{corpus} is missing")
        pytest.skip(f"{corpus} is not here")
    shutil.copytree(corpus / "news" / "2019", tmp_path / "content" / "news" / "2019")
    site_yml = (ROOT / "tests/corpora/digitalgov-news.yml").read_text()
    write_files(tmp_path, {"site.yml": site_yml})
    expected = {
        (path.relative_to(tmp_path).as_posix(), number)
        for path in sorted((tmp_path / "content").rglob("*.md"))
        if not re.search(r"^draft: true", path.read_text(), re.M)
        for number, line in _outside_fences(path.read_text())
        if re.search(r"\{\{[<%]", line)
    }
    status, lines = _check(tmp_path, capsys=capsys)
    found = set()
    for line in lines:
        if "unrendered template syntax `{{<" in line or "unrendered template syntax `{{%" in line:
            path, number, _ = line.split(":", 2)
            found.add((path, int(number)))
    assert status == 1
    assert len(expected) > 40
    assert found == expected
    pif = "content/news/2019/03/2019-03-26-a-year-in-life-a-pif.md:19"
    shortcode = '`{{< img-right src="zach-goldfine-pif" >}}`'
    assert f"{pif}: unrendered template syntax {shortcode} — digest renders Markdown only" in "\n".join(lines)


def _outside_fences(text: str) -> list[tuple[int, str]]:
    """A Markdown file's numbered lines, but those in ``` code blocks (shown as written, on purpose)."""
    lines, fenced = [], False
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced:
            lines.append((number, line))
    return lines
