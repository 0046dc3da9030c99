"""Content files that cannot be read as they were listed: each is one error naming it, never a traceback."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import article, build_site

from digest.content.file_bytes import unreadable
from digest.errors import BuildError

STORY = article("Kept", "2022-09-01T10:00:00Z")


def build_errors(root: Path) -> list[str]:
    """The messages of a build that must fail."""
    with pytest.raises(BuildError) as failed:
        build_site(root)
    return [str(error) for error in failed.value.errors]


def test_a_dangling_link_is_an_error_naming_it_and_its_target(make_site):
    root = make_site({"content/kept.md": STORY})
    (root / "content/gone.md").symlink_to("drafts/gone.md")
    assert build_errors(root) == [
        "content/gone.md: a symbolic link to drafts/gone.md, which does not exist — "
        "fix the link, or delete it"
    ]


def test_a_link_loop_is_an_error_for_each_link(make_site):
    root = make_site({"content/kept.md": STORY})
    (root / "content/a.md").symlink_to("b.md")
    (root / "content/b.md").symlink_to("a.md")
    loop = "a symbolic link that leads back to itself — point it at a real file, or delete it"
    assert build_errors(root) == [f"content/a.md: {loop}", f"content/b.md: {loop}"]


def test_a_folder_link_back_into_the_content_folder_is_walked_once(make_site):
    root = make_site({"content/kept.md": STORY, "content/wire/story.md": article("Wire", "2022-09-02")})
    (root / "content/wire/again").symlink_to("..")
    (root / "content/self").symlink_to(".")
    assert build_site(root).articles == 2


def test_a_named_pipe_is_an_error_and_does_not_hang_the_build(make_site):
    root = make_site({"content/kept.md": STORY})
    os.mkfifo(root / "content/pipe.md")
    assert build_errors(root) == [
        "content/pipe.md: a pipe or a device, not a file — remove it from the content folder"
    ]


def test_a_file_that_is_not_utf8_is_an_error_on_its_line(make_site):
    root = make_site({"content/kept.md": STORY, "content/latin.md": STORY.encode() + b"caf\xe9\n"})
    assert build_errors(root) == ["content/latin.md:6: not UTF-8 text — save the file as UTF-8"]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (errno.EACCES, "digest may not read this file (permission denied) — allow reading it (chmod a+r)"),
        (errno.EPERM, "digest may not read this file (permission denied) — allow reading it (chmod a+r)"),
        (errno.EIO, "cannot be read (Input/output error) — check the file, then build again"),
        (errno.ENOENT, "the file went away while the site was being built — build again"),
    ],
)
def test_each_read_failure_has_its_own_advice(tmp_path, code, expected):
    error = unreadable(tmp_path / "a.md", Path("content/a.md"), OSError(code, os.strerror(code)))
    assert str(error) == f"content/a.md: {expected}"


def test_a_file_deleted_between_listing_and_reading_is_one_line_and_the_output_stays(make_site):
    root = make_site({"content/kept.md": STORY, "content/late.md": article("Late", "2022-09-02T10:00:00Z")})
    build_site(root)
    before = {p: p.read_bytes() for p in (root / "public").rglob("*") if p.is_file()}
    (root / "content/late.md").write_text(article("Later", "2022-09-02T10:00:00Z"), encoding="utf-8")
    wrapper = Path(__file__).with_name("vanish.py")
    done = subprocess.run(
        [sys.executable, str(wrapper), str(root / "content/late.md"), "build"],
        cwd=root, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert not (root / "content/late.md").exists()  # the hook did delete it, at the first open
    assert done.stderr.splitlines()[0] == (
        "content/late.md: the file went away while the site was being built — build again"
    )
    assert "Traceback" not in done.stderr
    assert {p: p.read_bytes() for p in (root / "public").rglob("*") if p.is_file()} == before


def test_a_story_over_the_size_limit_is_an_error_with_both_sizes(make_site):
    big = article("Long", "2022-09-02T10:00:00Z", body="word " * 640_000)  # 3.2 MB
    root = make_site({"content/kept.md": STORY, "content/long.md": big})
    assert build_errors(root) == [
        "content/long.md: 3.21 MB is over the 1 MB limit (markdown.max_size) — "
        "split the story, or raise the limit in site.yml"
    ]


def test_the_size_limit_is_set_in_site_yml(make_site):
    site_yml = "title: T\nbase_url: https://example.org/\nmarkdown: {max_size: 20 KB}\n"
    story = article("Long", "2022-09-02T10:00:00Z", body="word " * 5_000)
    root = make_site({"content/kept.md": STORY, "content/long.md": story}, site_yml)
    assert build_errors(root) == [
        "content/long.md: 0.03 MB is over the 0.02 MB limit (markdown.max_size) — "
        "split the story, or raise the limit in site.yml"
    ]


def test_links_out_of_the_site_are_not_published_and_each_is_a_warning(make_site, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (elsewhere / "secret.md").write_text(article("Secret", "2022-09-03"), encoding="utf-8")
    (elsewhere / "keys").mkdir()
    (elsewhere / "keys/id.txt").write_text("private", encoding="utf-8")
    root = make_site({"content/kept.md": STORY, "static/robots.txt": "User-agent: *\n"})
    (root / "content/passwd.txt").symlink_to("/etc/passwd")
    (root / "content/leak.md").symlink_to(elsewhere / "secret.md")
    (root / "content/keys").symlink_to(elsewhere / "keys")
    (root / "static/keys").symlink_to(elsewhere / "keys")

    report = build_site(root)

    assert report.articles == 1
    published = sorted(p.relative_to(root / "public").as_posix() for p in (root / "public").rglob("*"))
    assert "robots.txt" in published
    assert not [p for p in published if "passwd" in p or "keys" in p or "leak" in p]
    assert sorted(str(w) for w in report.warnings) == [
        f"{link}: a symbolic link to {target}, outside the site folder, is not published — "
        "copy the file into the site if it should be"
        for link, target in [
            ("content/keys", elsewhere / "keys"),
            ("content/leak.md", elsewhere / "secret.md"),
            ("content/passwd.txt", "/etc/passwd"),
            ("static/keys", elsewhere / "keys"),
        ]
    ]


def test_links_within_the_site_still_work(make_site):
    root = make_site({
        "content/kept.md": STORY,
        "shared/story.md": article("Shared", "2022-09-04T10:00:00Z"),
        "shared/pictures/map.svg": "<svg/>",
    })  # fmt: skip
    (root / "content/shared.md").symlink_to(root / "shared/story.md")
    (root / "content/pictures").symlink_to("../shared/pictures")
    (root / "static").mkdir()
    (root / "static/logo.svg").symlink_to("../shared/pictures/map.svg")

    report = build_site(root)

    assert (report.articles, report.warnings) == (2, ())
    assert (root / "public/pictures/map.svg").read_text() == "<svg/>"
    assert (root / "public/logo.svg").read_text() == "<svg/>"
