"""`digest deploy` to a folder through the real rsync binary, its plan and order, and its settings."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys

import pytest
from conftest import IN_CI, SITE_YML, STYLE, build_site, write_files
from deploy_sites import HALT, delete_one_story, deploy, edit_one_story, folder_files, newsroom, published

from digest.config.load import load_config
from digest.content.assets import hashed_name
from digest.deploy.files import Local
from digest.deploy.plan import LONG, SHORT, cache_control, content_type, make_plan
from digest.deploy.record import TargetRecord
from digest.errors import BuildError

# CI installs rsync (README: running the tests), so there a missing rsync fails the tests
needs_rsync = pytest.mark.skipif(shutil.which("rsync") is None and not IN_CI, reason="rsync is not installed")


def test_the_order_is_assets_then_pages_then_home_feeds_and_sitemap():
    paths = ["sitemap.xml", "index.html", "2023/03/a/index.html", STYLE, "feed.json", "tags/grid/feed.xml",
             "robots.txt", "feed.xml", "rss.xml", "images/map.png", "tags/index.html", "pagefind/parts.json",
             "pagefind/2023/pagefind-entry.json", "pagefind/2023/index/en_1.pf_index"]  # fmt: skip
    files = {p: Local(p, "h", 1) for p in paths}
    order = [local.path for local in make_plan(files, {}).uploads]
    # a search index part's entry names its other files, so it goes once they are there, with the
    # pages; the list of parts goes once their entries are there, with the home page
    assert order == ["images/map.png", "pagefind/2023/index/en_1.pf_index", STYLE, "2023/03/a/index.html",
                     "pagefind/2023/pagefind-entry.json", "tags/index.html", "index.html",
                     "pagefind/parts.json", "feed.xml", "tags/grid/feed.xml", "rss.xml", "feed.json",
                     "sitemap.xml", "robots.txt"]  # fmt: skip


def test_only_differences_are_planned_and_deletions_come_apart():
    files = {"a.html": Local("a.html", "new", 3), "b.html": Local("b.html", "same", 4)}
    plan = make_plan(files, {"a.html": ("old", 3), "b.html": ("same", 4), "gone.html": ("x", 9)})
    assert [u.path for u in plan.uploads] == ["a.html"]
    assert plan.deletions == ("gone.html",)
    assert plan.bytes == 3


def test_headers_are_short_for_pages_and_feeds_and_immutable_for_hashed_assets():
    assert content_type("index.html") == "text/html; charset=utf-8"
    assert content_type("feed.xml") == "application/atom+xml"
    assert content_type("rss.xml") == "application/rss+xml"
    assert content_type("feed.json") == "application/feed+json"
    assert content_type(STYLE) == "text/css; charset=utf-8"
    assert content_type("static/favicon.png") == "image/png"
    assert cache_control("index.html") == cache_control("tags/grid/feed.xml") == SHORT
    assert cache_control(STYLE) == LONG
    assert cache_control("static/favicon.png") not in (SHORT, LONG)


@pytest.mark.parametrize(
    ("deploy_yml", "expected"),
    [
        ("deploy: s3://bucket", None),
        ("deploy:\n  www: ftp-less", None),
        ("deploy:\n  www: {to: s3://Bad_Bucket/x}", "`deploy.www`: `s3://Bad_Bucket/x` is not an S3 address"),
        ("deploy:\n  www: {to: s3://b1/x, branch: main}", "`branch` is not an option of a s3 target"),
        ("deploy:\n  p: {to: 'git+origin', history: rewrite}", "`history` must be `keep` or `squash`"),
        ("deploy:\n  p: {to: 'git+#main'}", "names no repository"),
        ("deploy:\n  p: {to: 'git+origin', cname: 'not a host'}", "`cname` must be a host name"),
        ("deploy:\n  p: {endpoint: x}", "expected `where-to` text, or a mapping with `to: where-to`"),
    ],
)
def test_each_wrong_target_is_one_error_on_the_deploy_line(make_site, deploy_yml, expected):
    root = make_site({}, SITE_YML + deploy_yml + "\n")
    if expected is None:  # a plain string under deploy: is a mapping's mistake; ftp-less is a folder
        if deploy_yml.startswith("deploy: s3"):
            with pytest.raises(BuildError) as failed:
                load_config(root / "site.yml")
            assert "expected a mapping of `name: where-to` lines" in str(failed.value.errors[0])
        else:
            assert load_config(root / "site.yml").deploy[0].kind == "rsync"
        return
    with pytest.raises(BuildError) as failed:
        load_config(root / "site.yml")
    (error,) = failed.value.errors
    assert error.line == 3
    assert expected in error.message


def test_targets_do_not_change_what_a_build_makes(make_site):
    root = newsroom(make_site({}))
    before = folder_files(root / "public")
    (root / "site.yml").write_text(SITE_YML + "per_page: 3\ndeploy:\n  www: s3://bucket/digest/\n")
    result = deploy(root, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert build_site(root).written == 0
    assert folder_files(root / "public") == before


def test_a_target_must_be_named_when_there_are_several_or_none(make_site):
    root = newsroom(make_site({}))
    none = deploy(root)
    assert none.returncode == 1
    assert "site.yml: no target under `deploy:` — add one there, or give an address: digest deploy ./DIR" in (
        none.stderr
    )
    (root / "site.yml").write_text(SITE_YML + "deploy:\n  a: ./one\n  b: ./two\n")
    several = deploy(root)
    assert "which target? a, b are under `deploy:` — name one: digest deploy NAME" in several.stderr
    unknown = deploy(root, "c")
    assert "no target `c` under `deploy:`; targets in site.yml: a, b — for a folder write ./c" in (
        unknown.stderr
    )
    assert "deploy failed; the target still serves a complete site" in unknown.stderr


def test_a_site_not_built_cannot_be_deployed(make_site):
    root = make_site({})
    result = deploy(root, "./mirror")
    assert result.returncode == 1
    assert "public: no site built here (no .digest-record) — run `digest build` first" in result.stderr


def test_dry_run_prints_the_plan_and_changes_nothing(make_site, tmp_path_factory):
    root = newsroom(make_site({}))
    mirror = tmp_path_factory.mktemp("dry") / "mirror"
    result = deploy(root, str(mirror), "--dry-run")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    uploads = [line.split()[1] for line in lines if line.startswith("upload ")]
    assert sorted(uploads) == sorted(published(root))
    assert uploads.index(STYLE) < uploads.index("2023/03/s1/index.html") < uploads.index("index.html")
    assert uploads[-2:] == ["sitemap.xml", "robots.txt"]
    total = sum(len(data) for data in published(root).values())
    assert lines[-1].startswith(f"dry run: {len(uploads)} upload(s), ")
    assert "and 0 deletion(s)" in lines[-1] and "nothing was changed" in lines[-1]
    assert f"{total / 1e6:.1f} MB" in lines[-1] or f"{total:,} bytes" in lines[-1]
    assert not mirror.exists()


@needs_rsync
def test_a_folder_mirrors_the_output_and_gets_only_the_changes(make_site, tmp_path_factory):
    root = newsroom(make_site({}))
    mirror = tmp_path_factory.mktemp("www") / "digest"
    write_files(root, {"site.yml": (root / "site.yml").read_text() + f"deploy:\n  www: {mirror}\n"})
    first = deploy(root)
    assert first.returncode == 0, first.stderr
    assert folder_files(mirror) == published(root)
    (mirror / "2023").joinpath("KEEP.txt").write_text("the host's own file")
    stamps = {p: (mirror / p).stat().st_mtime_ns for p in published(root)}

    edit_one_story(root)
    second = deploy(root, "www")
    assert second.returncode == 0, second.stderr
    assert folder_files(mirror) == published(root) | {"2023/KEEP.txt": b"the host's own file"}
    touched = {p for p in published(root) if (mirror / p).stat().st_mtime_ns != stamps.get(p)}
    assert "2023/03/s3/index.html" in touched
    assert STYLE not in touched and "2023/03/s7/index.html" not in touched
    assert f"{len(touched)} file(s) uploaded" in second.stdout
    assert "  /digest/2023/03/s3/\n" in second.stdout  # for a CDN invalidation

    delete_one_story(root)
    third = deploy(root, "www")
    assert third.returncode == 0, third.stderr
    assert not (mirror / "2023/03/s1").exists()  # the emptied folder goes too
    assert folder_files(mirror) == published(root) | {"2023/KEEP.txt": b"the host's own file"}
    assert "up to date" in deploy(root, "www").stdout


@needs_rsync
def test_an_unreachable_rsync_host_is_one_line_and_the_record_stays(make_site):
    root = newsroom(make_site({}))
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    result = deploy(root, f"rsync://127.0.0.1:{port}/www/digest/")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"site.yml: deploy to `rsync://127.0.0.1:{port}/www/digest/` (")
    assert "rsync failed:" in lines[0] and "then deploy again" in lines[0]
    assert len(lines) == 2 and "Traceback" not in result.stderr
    records = list((root / ".digest-cache/deploy").glob("target-*.json"))
    assert records == []  # nothing was confirmed, so nothing is recorded


@needs_rsync
def test_a_deploy_killed_between_rsync_runs_is_finished_by_the_next(make_site, tmp_path_factory):
    root = newsroom(make_site({}))
    mirror = tmp_path_factory.mktemp("kill") / "digest"
    deploy(root, str(mirror))
    edit_one_story(root)
    delete_one_story(root)
    # the first rsync run sends the search index (assets: its files change with the stories), the second
    # the pages; the deploy stalls as it starts the third (the home page and feeds), before rsync is
    # forked, and is killed there
    halt = [sys.executable, str(HALT), "--at", "subprocess.Popen", "--nth", "3", "--then", "stall", "--"]
    halted = subprocess.Popen([*halt, "deploy", str(mirror)], cwd=root, stderr=subprocess.PIPE, text=True)
    assert halted.stderr and halted.stderr.readline() == "stalled\n"
    halted.kill()
    assert halted.wait() == -9
    assert (mirror / "2023/03/s1/index.html").exists()  # deletions come last: not reached
    assert (mirror / "2023/03/s3/index.html").read_bytes() == published(root)["2023/03/s3/index.html"]
    assert (mirror / "feed.xml").read_bytes() != published(root)["feed.xml"]  # not sent yet
    record = TargetRecord.load(root / ".digest-cache/deploy", str(mirror))
    held = set(folder_files(mirror))
    assert set(record.files) <= held  # the record never claims a file the target lacks: it is true
    again = deploy(root, str(mirror))
    assert again.returncode == 0, again.stderr
    assert folder_files(mirror) == published(root)


def test_a_file_gone_from_the_output_since_the_build_is_named(make_site):
    root = newsroom(make_site({}))
    (root / "public/2023/03/s2/index.html").unlink()
    result = deploy(root, "./mirror")
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "public/2023/03/s2/index.html: written by the last build but gone since — "
        "run `digest build`, then deploy"
    )
    assert not (root / "mirror").exists()


def test_without_rsync_the_fix_is_named(make_site, tmp_path_factory):
    root = newsroom(make_site({}))
    result = deploy(root, "./mirror", env={"PATH": str(tmp_path_factory.mktemp("no-programs"))})
    assert result.returncode == 1
    assert "rsync is not installed — install it (apt-get install rsync) and deploy again" in result.stderr


OLD_RSYNC = """#!/bin/sh
echo 'rsync: --mkpath: unknown option' >&2
echo 'rsync error: syntax or usage error (code 1) at main.c(1592) [client=3.1.3]' >&2
exit 1
"""


def test_an_rsync_too_old_for_mkpath_is_named_with_the_version_needed(make_site, tmp_path_factory):
    """rsync before 3.2.3 (Debian 11, Ubuntu 20.04) knows no --mkpath: its own complaint, from a stand-in."""
    root = newsroom(make_site({}))
    programs = tmp_path_factory.mktemp("old-rsync")
    (programs / "rsync").write_text(OLD_RSYNC)
    (programs / "rsync").chmod(0o755)
    result = deploy(root, "./mirror", env={"PATH": str(programs)})
    assert result.returncode == 1
    assert result.stderr.splitlines()[0].endswith(
        "this machine's rsync is too old: deploying needs rsync 3.2.3 or newer (for --mkpath) "
        "— install a newer rsync and deploy again"
    )


def test_a_changed_stylesheet_gets_a_new_name_that_every_page_links(make_site):
    root = newsroom(make_site({}))
    theme_css = root / "themes/default/static/style.css"
    write_files(root, {"themes/default/static/style.css": "body { color: olive }\n"})
    build_site(root)
    first = hashed_name("static/style.css", theme_css.read_bytes())
    write_files(root, {"themes/default/static/style.css": "body { color: maroon }\n"})
    build_site(root)
    second = hashed_name("static/style.css", theme_css.read_bytes())
    assert first != second
    assert not (root / "public" / first).exists()
    assert (root / "public" / second).read_text() == "body { color: maroon }\n"
    for page in (root / "public").rglob("*.html"):
        depth = len(page.relative_to(root / "public").parts) - 1
        if page.name != "404.html":
            assert f'href="{"../" * depth}{second}"' in page.read_text(), page
    assert f'href="/digest/{second}"' in (root / "public/404.html").read_text()
