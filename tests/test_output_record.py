"""digest knows the output folder by the record it wrote: files changed behind its back are
rewritten, files it did not write are never replaced or deleted, and a mount point builds too."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SITE_YML, STYLE, article, clean_build, write_files

from digest.build import Options, build
from digest.config.load import load_config
from digest.errors import DigestError
from digest.write.record import RECORD, read_record

KILL_AT = Path(__file__).parent / "faults" / "kill_at.py"
STORY = "2022/09/story-4/index.html"


def _stories(count: int = 12) -> dict[str, str]:
    return {
        f"content/story-{n}.md": article(f"Story {n}", f"2022-09-{n:02d}T10:00:00+02:00", tags="[Energy]")
        for n in range(1, count + 1)
    }


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _from_scratch(site: Path, tmp: Path) -> dict[str, bytes]:
    scratch = tmp / "scratch"
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(site, scratch, ignore=shutil.ignore_patterns("public", ".digest-cache", "*.txt"))
    clean_build(load_config(scratch / "site.yml"))
    return _tree(scratch / "public")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    write_files(root, {"site.yml": SITE_YML, **_stories()})
    build(load_config(root / "site.yml"))
    return root


def _hand_edit(path: Path) -> None:
    path.write_bytes(path.read_bytes().replace(b"Story", b"Stor!"))


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:100])


def _replace_same_size(path: Path) -> None:
    """Another file of the same size and mtime put in its place (a new inode): not the page digest wrote."""
    data, stat = path.read_bytes(), path.stat()
    spare = path.with_name("spare")
    spare.write_bytes(data.replace(b"Story", b"St0ry"))
    os.utime(spare, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    spare.replace(path)


@pytest.mark.parametrize(
    ("fault", "target"),
    [
        (_hand_edit, STORY),
        (_truncate, "index.html"),
        (_replace_same_size, STYLE),
        (Path.unlink, STORY),
    ],
)
def test_a_file_changed_behind_digests_back_is_rewritten(site, tmp_path, fault, target):
    fault(site / "public" / target)
    assert build(load_config(site / "site.yml")).written == 1  # even with no source changed
    assert _tree(site / "public") == _from_scratch(site, tmp_path)
    assert build(load_config(site / "site.yml")).written == 0


def test_a_rewritten_page_with_the_same_bytes_keeps_its_mtime_and_is_trusted_again(site):
    page = site / "public" / STORY
    data, before = page.read_bytes(), page.stat().st_mtime_ns
    page.write_bytes(data)  # same bytes, new mtime: not trusted, compared, left alone
    touched = page.stat().st_mtime_ns
    assert build(load_config(site / "site.yml")).written == 0
    assert page.stat().st_mtime_ns == touched != before
    (site / "content/story-12.md").write_text(_stories()["content/story-12.md"] + "More.\n")
    build(load_config(site / "site.yml"))
    assert page.stat().st_mtime_ns == touched  # known as written again: not even compared


def test_a_folder_digest_did_not_make_is_refused(tmp_path):
    write_files(tmp_path, {"site.yml": SITE_YML, **_stories(2)})
    theirs = tmp_path / "theirs"
    write_files(
        theirs, {"index.html": "<p>mine</p>", "404.html": "x", "static/a.css": "", "PRECIOUS.txt": "keep"}
    )
    before = _tree(theirs)
    with pytest.raises(DigestError) as refused:
        build(load_config(tmp_path / "site.yml"), options=Options(output=theirs))
    assert refused.value.path == theirs
    assert str(refused.value).endswith(
        f"not made by digest (it holds no {RECORD}), so nothing in it will be replaced — "
        "choose an empty or new folder, or remove its files"
    )
    assert _tree(theirs) == before
    done = subprocess.run(
        [sys.executable, "-m", "digest.cli", "build", "--output", "theirs"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.splitlines()[0].startswith("theirs: not made by digest")
    assert _tree(theirs) == before


def test_an_empty_folder_and_a_new_one_are_fine(tmp_path):
    write_files(tmp_path, {"site.yml": SITE_YML, **_stories(2)})
    (tmp_path / "empty").mkdir()
    for folder in ("empty", "new/deeper"):
        build(load_config(tmp_path / "site.yml"), options=Options(output=tmp_path / folder))
        assert read_record(tmp_path / folder) == set(_tree(tmp_path / folder)) - {RECORD}


def test_files_digest_did_not_write_survive_every_kind_of_build(site):
    mine = {"PRECIOUS.txt": "my notes", "downloads/report.pdf": "%PDF", "2022/09/story-4/extra.txt": "x"}
    write_files(site / "public", mine)
    (site / "public/link-to-notes").symlink_to("PRECIOUS.txt")
    inode = (site / "public/PRECIOUS.txt").stat().st_ino
    config = load_config(site / "site.yml")
    clean_build(config)
    build(load_config(site / "site.yml", {"base_url": "https://staging.example/"}))  # every page changes
    (site / "content/story-4.md").unlink()  # its folder held someone's file too
    build(config)
    for name, text in mine.items():
        assert (site / "public" / name).read_text() == text
    assert (site / "public/link-to-notes").readlink() == Path("PRECIOUS.txt")
    assert (site / "public/PRECIOUS.txt").stat().st_ino == inode  # carried over as a link, not copied
    assert not (site / "public/2022/09/story-4/index.html").exists()
    assert "PRECIOUS.txt" not in read_record(site / "public")


@pytest.mark.parametrize("removed", [1, 10], ids=["changed-in-place", "switched-in-whole"])
def test_a_removed_storys_folder_goes_and_someones_empty_folder_stays(site, removed):
    (site / "public/to-fill-later").mkdir()
    for n in range(1, removed + 1):
        (site / f"content/story-{n}.md").unlink()
    build(load_config(site / "site.yml"))
    assert (site / "public/to-fill-later").is_dir()
    folders = {p.name for p in (site / "public/2022/09").iterdir()}
    assert folders == {f"story-{n}" for n in range(removed + 1, 13)}


def test_a_page_never_replaces_a_file_digest_did_not_write(site):
    (site / "public/2022/09/story-20").mkdir(parents=True)
    (site / "public/2022/09/story-20/index.html").write_text("someone's page")
    (site / "content/story-20.md").write_text(article("Story 20", "2022-09-20T10:00:00+02:00"))
    with pytest.raises(DigestError) as refused:
        build(load_config(site / "site.yml"))
    assert refused.value.path == site / "public/2022/09/story-20/index.html"
    assert refused.value.message == (
        "this file was not written by digest, and the site now has a file of this name — "
        "move the file away or rename it, then build again"
    )
    assert (site / "public/2022/09/story-20/index.html").read_text() == "someone's page"


MOUNTED_BUILDS = """
set -e
{mount}
python -m digest.cli build -q
python -c "import os; print(os.stat('public').st_dev)" > device.txt
echo "Edited." >> content/story-5.md
rm content/story-7.md
python {kill_at} {point} SIGKILL build -q || true
ls -a public > after-kill.txt
python -m digest.cli build -q
python -c "import json, pathlib; p = pathlib.Path('public'); files = sorted(p.rglob('*')); print(json.dumps(
    {{f.relative_to(p).as_posix(): f.read_bytes().hex() for f in files if f.is_file()}}))" > tree.json
"""


@pytest.mark.parametrize("kind", ["tmpfs", "bind"])
def test_an_output_folder_that_is_a_mount_point_builds_and_recovers(tmp_path, kind):
    if not shutil.which("unshare") or subprocess.run(["unshare", "-m", "true"], check=False).returncode:
        pytest.fail("mount namespaces are needed (root with CAP_SYS_ADMIN, as in CI)")
    site = tmp_path / "site"
    write_files(site, {"site.yml": SITE_YML, **_stories()})
    (site / "public").mkdir()
    (tmp_path / "elsewhere").mkdir()
    mount = {"tmpfs": "mount -t tmpfs none public", "bind": f"mount --bind {tmp_path}/elsewhere public"}[kind]
    script = MOUNTED_BUILDS.format(mount=mount, kill_at=KILL_AT, point="os.link@3")
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", script], cwd=site, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert ".digest-undo-" in (site / "after-kill.txt").read_text()  # killed mid-apply, inside the mount
    built = json.loads((site / "tree.json").read_text())
    if kind == "tmpfs":
        assert (site / "device.txt").read_text().strip() != str(site.stat().st_dev)
    else:  # the files went where the mount took them
        assert (tmp_path / "elsewhere/index.html").is_file() and not (site / "public/index.html").exists()
    expected = {path: data.hex() for path, data in _from_scratch(site, tmp_path).items()}
    assert built == expected  # no staging or journal folder left inside, nothing stale


def test_a_damaged_record_stops_the_build_with_the_way_out(site):
    (site / "public" / RECORD).write_text("digest output record 1\n[")
    (site / "content/story-2.md").unlink()
    before = _tree(site / "public")
    with pytest.raises(DigestError) as refused:
        build(load_config(site / "site.yml"))
    assert refused.value.path == site / "public" / RECORD
    assert refused.value.message.startswith("damaged, so digest cannot tell its files from yours — ")
    assert _tree(site / "public") == before


def test_a_kill_between_two_renames_leaves_the_old_folder_which_the_next_build_puts_back(site):
    """Where folders cannot be exchanged, the switch is two renames; between them only `.old-` is left."""
    before = _tree(site / "public")
    (site / "public").rename(site / ".public.old-k1ll3d")
    (site / ".public.new-k1ll3d").mkdir()  # the new folder, half made
    (site / ".public.backup-2024").mkdir()  # someone's folder with a similar name
    build(load_config(site / "site.yml"))
    assert _tree(site / "public") == before
    assert sorted(p.name for p in site.iterdir() if p.name.startswith(".public")) == [".public.backup-2024"]
