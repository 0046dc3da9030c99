"""Rebuilds that reuse the cache give byte-for-byte the output of a cold build, and touch nothing else."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import SITE_YML, STYLE, article, clean_build, write_files
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from digest.build import build
from digest.config.load import load_config
from digest.errors import BuildError, DigestError
from digest.incremental.state import BuildState

TAGS = ["Energy", "Markets", "Climate", "Trade", "Europe"]


def _story(n: int, tags: list[str], *, day: int | None = None, body: str = "", draft: bool = False) -> str:
    extra = {"draft": "true"} if draft else {}
    return article(
        f"Story {n}",
        f"2022-09-{day or n:02d}T10:00:00+02:00",
        source="Reuters" if n % 2 else "NYTIMES",
        location="Samarkand, Uzbekistan" if n % 3 else "Nairobi, Kenya",
        tags="[" + ", ".join(tags) + "]",
        body=f"First paragraph of story {n}. {body}\n\nSecond paragraph.\n",
        **extra,
    )


def _initial() -> dict[str, str]:
    return {f"content/story-{n}.md": _story(n, TAGS[n % 3 : n % 3 + 2]) for n in range(1, 13)}


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _assert_same_as_cold(site: Path, tmp: Path) -> None:
    """Build a copy of the site from scratch and compare every output file with the incremental one."""
    cold = tmp / "cold"
    shutil.rmtree(cold, ignore_errors=True)
    shutil.copytree(site, cold, ignore=shutil.ignore_patterns("public", ".digest-cache"))
    clean_build(load_config(cold / "site.yml"))
    incremental, fresh = _tree(site / "public"), _tree(cold / "public")
    assert sorted(incremental) == sorted(fresh)
    different = [path for path in fresh if incremental[path] != fresh[path]]
    assert different == []


def _rebuild(site: Path):
    return build(load_config(site / "site.yml"))


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    write_files(root, {"site.yml": SITE_YML + "per_page: 4\n", **_initial()})
    build(load_config(root / "site.yml"))
    return root


CUSTOM_ARTICLE = '{% extends "base.html" %}{% block content %}<p>{{ article.title }}</p>{% endblock %}'
MUTATIONS = {
    "edit body": lambda s: (s / "content/story-5.md").write_text(_story(5, TAGS[2:4], body="New facts.")),
    "add tag": lambda s: (s / "content/story-5.md").write_text(_story(5, [*TAGS[2:4], "Brand new"])),
    "delete": lambda s: (s / "content/story-7.md").unlink(),
    "rename": lambda s: (s / "content/story-7.md").rename(s / "content/renamed.md"),
    "add": lambda s: (s / "content/story-20.md").write_text(_story(20, ["Trade"], day=28)),
    "move in time": lambda s: (s / "content/story-2.md").write_text(_story(2, ["Markets"], day=30)),
    "make draft": lambda s: (s / "content/story-3.md").write_text(_story(3, ["Climate"], draft=True)),
    "edit template": lambda s: write_files(s, {"templates/article.html": CUSTOM_ARTICLE}),
    "edit site.yml": lambda s: (s / "site.yml").write_text(SITE_YML + "per_page: 3\n"),
    "edit static file": lambda s: write_files(s, {"static/extra.txt": "hello"}),
}


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_each_kind_of_change_rebuilds_to_the_cold_result(site, tmp_path, mutation):
    MUTATIONS[mutation](site)
    _rebuild(site)
    _assert_same_as_cold(site, tmp_path)


def test_no_op_rebuild_writes_nothing(site):
    before = {p: p.stat().st_mtime_ns for p in (site / "public").rglob("*")}
    report = _rebuild(site)
    assert report.written == 0
    assert {p: p.stat().st_mtime_ns for p in (site / "public").rglob("*")} == before


def test_an_edit_rewrites_only_the_pages_that_show_it(site):
    before = {
        p.relative_to(site / "public").as_posix(): p.stat().st_mtime_ns
        for p in (site / "public").rglob("*.*")
    }
    MUTATIONS["edit body"](site)
    report = _rebuild(site)
    changed = {
        p.relative_to(site / "public").as_posix()
        for p in (site / "public").rglob("*.*")
        if p.stat().st_mtime_ns != before.get(p.relative_to(site / "public").as_posix())
    }
    assert "2022/09/story-5/index.html" in changed
    assert "2022/09/story-3/index.html" not in changed  # no shared tag, not a neighbour
    assert STYLE not in changed
    changed.discard(".digest-record")  # lists the search index's files, renamed when the story changes
    assert 0 < report.written == len(changed) < len(before) / 2


def test_a_corrupt_cache_is_ignored(site, tmp_path):
    (site / ".digest-cache/related.pickle").write_bytes(b"not a pickle")
    MUTATIONS["edit body"](site)
    _rebuild(site)
    _assert_same_as_cold(site, tmp_path)


def test_a_failing_write_puts_every_file_back(site, monkeypatch):
    before = _tree(site / "public")
    MUTATIONS["add tag"](site)
    calls = {"n": 0}
    real_replace = Path.replace

    def flaky_replace(self: Path, target):
        calls["n"] += 1
        if calls["n"] == 6:
            raise OSError("disk full")
        return real_replace(self, target)

    monkeypatch.setattr(Path, "replace", flaky_replace)
    with pytest.raises(OSError, match="disk full"):
        _rebuild(site)
    monkeypatch.undo()
    assert _tree(site / "public") == before
    assert not [p for p in site.parent.iterdir() if ".undo-" in p.name]


def test_content_errors_leave_the_output_alone(site):
    before = _tree(site / "public")
    (site / "content/story-5.md").write_text("---\ntitle: [broken\n---\n")
    with pytest.raises(BuildError):
        _rebuild(site)
    assert _tree(site / "public") == before


EDITS = st.lists(
    st.tuples(
        st.sampled_from(["body", "tags", "delete", "add", "date", "draft"]),
        st.integers(min_value=1, max_value=14),
        st.lists(st.sampled_from(TAGS), max_size=3, unique=True),
    ),
    min_size=1,
    max_size=4,
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    phases=[
        Phase.explicit,
        Phase.reuse,
        Phase.generate,
    ],  # a failure is reported as found: shrinking takes minutes
)
@example(edits=[("body", 1, ["Energy", "Markets", "Europe"]), ("body", 1, [])])  # a tag's feed outlived it
@given(edits=EDITS)
def test_random_edit_sequences_match_a_cold_build(tmp_path_factory, edits):
    tmp = tmp_path_factory.mktemp("prop")
    site = tmp / "site"
    write_files(site, {"site.yml": SITE_YML + "per_page: 4\n", **_initial()})
    build(load_config(site / "site.yml"))
    for kind, n, tags in edits:
        path = site / f"content/story-{n}.md"
        if kind == "delete":
            path.unlink(missing_ok=True)
        elif kind == "date":
            path.write_text(_story(n, tags, day=(n * 7) % 28 + 1))
        else:
            path.write_text(_story(n, tags, body="Edited." if kind == "body" else "", draft=kind == "draft"))
        _rebuild(site)
    _assert_same_as_cold(site, tmp)


def test_a_no_op_build_still_notices_a_deleted_output_file(site):
    (site / "public/2022/09/story-4/index.html").unlink()
    assert _rebuild(site).written == 1
    assert (site / "public/2022/09/story-4/index.html").is_file()


def test_a_scheduled_article_appears_when_its_date_passes(site, monkeypatch, tmp_path):
    (site / "content/later.md").write_text(article("Later", "2023-12-01T10:00:00Z", source="Reuters"))
    report = _rebuild(site)  # "now" is 2023-11-14 (conftest)
    assert [item.title for item in report.left_out] == ["Later"]
    assert _rebuild(site).written == 0  # nothing changed, nothing fell due
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1702000000")  # 2023-12-08
    report = _rebuild(site)
    assert report.left_out == () and (site / "public/2023/12/later/index.html").is_file()
    _assert_same_as_cold(site, tmp_path)


def test_warnings_are_reported_again_by_a_build_with_nothing_to_do(site):
    (site / "content/story-2.md").write_text(_story(2, ["Energy"]).replace("---\n", "---\ncolour: red\n", 1))
    first = _rebuild(site)
    again = _rebuild(site)
    assert again.written == 0
    assert [str(w) for w in again.warnings] == [str(w) for w in first.warnings] != []


def test_touched_but_unchanged_files_are_not_parsed_again(site, monkeypatch):
    import digest.content.read

    for path in (site / "content").glob("*.md"):
        path.touch()
    parsed: list[Path] = []
    real = digest.content.read._parse_one
    monkeypatch.setattr(
        digest.content.read, "_parse_one", lambda path, *rest: parsed.append(path) or real(path, *rest)
    )
    assert _rebuild(site).written == 0
    assert parsed == []


def _count_cache_reads(monkeypatch) -> list[Path]:
    import digest.incremental.store

    reads: list[Path] = []
    real = digest.incremental.store.read_checked
    monkeypatch.setattr(
        digest.incremental.store,
        "read_checked",
        lambda path, damaged: reads.append(path) or real(path, damaged),
    )
    return reads


def _count_parses(monkeypatch) -> list[Path]:
    import digest.content.read

    parsed: list[Path] = []
    real = digest.content.read._parse_one
    monkeypatch.setattr(
        digest.content.read, "_parse_one", lambda path, *rest: parsed.append(path) or real(path, *rest)
    )
    return parsed


def _kept_state(site: Path) -> BuildState:
    """The state a long-running process (the preview) keeps from build to build, after its first."""
    state = BuildState.load(site)
    story = site / "content/story-1.md"
    story.write_text(story.read_text() + "\nA later paragraph.\n")  # so that this first build reads the cache
    build(load_config(site / "site.yml"), state)
    return state


def test_a_long_running_process_keeps_its_cache_in_memory(site, monkeypatch, tmp_path):
    """The preview rebuilds on every save: unpickling 10,000 parsed articles each time is the wait."""
    state = _kept_state(site)
    reads = _count_cache_reads(monkeypatch)
    MUTATIONS["edit body"](site)
    build(load_config(site / "site.yml"), state)
    MUTATIONS["add tag"](site)
    build(load_config(site / "site.yml"), state)
    assert reads == []
    _assert_same_as_cold(site, tmp_path)


def test_a_cache_written_by_another_process_is_read_again(site, monkeypatch, tmp_path):
    """Another `digest build` may have saved since: the files on disk, not memory, are then the truth."""
    state = _kept_state(site)
    reads = _count_cache_reads(monkeypatch)
    (site / ".digest-cache/related.pickle").write_bytes(b"not a pickle")
    MUTATIONS["add tag"](site)  # grouped afresh, with the related stories chosen last time
    build(load_config(site / "site.yml"), state)
    assert site / ".digest-cache/related.pickle" in reads
    _assert_same_as_cold(site, tmp_path)


def test_articles_read_before_a_template_error_are_not_read_again(site, monkeypatch):
    """A broken template fails the build after every article was parsed: the fix costs no re-parse."""
    import digest.content.read

    MUTATIONS["edit body"](site)
    write_files(site, {"templates/article.html": "<!DOCTYPE html>\n{{ article.titel }}\n"})
    with pytest.raises(DigestError):
        _rebuild(site)
    (site / "templates/article.html").unlink()
    parsed: list[Path] = []
    real = digest.content.read._parse_one
    monkeypatch.setattr(
        digest.content.read, "_parse_one", lambda path, *rest: parsed.append(path) or real(path, *rest)
    )
    _rebuild(site)
    assert parsed == []


def test_a_long_running_process_hashes_only_the_pages_an_edit_touches(site, monkeypatch, tmp_path):
    """The preview plans every page on each save, but takes the unchanged ones from the last build."""
    import digest.incremental.fingerprints

    hashed: list[tuple[str, str | None]] = []  # (maker, story URL) of each page hashed
    real = digest.incremental.fingerprints.of_values
    story = lambda inputs: getattr(inputs[0], "url", None) if inputs else None  # noqa: E731

    def count(name, *inputs):
        if isinstance(name, str) and name.startswith("_"):  # a page's maker (not a feed, nor the theme)
            hashed.append((name, story(inputs)))
        return real(name, *inputs)

    state = _kept_state(site)
    monkeypatch.setattr(digest.incremental.fingerprints, "of_values", count)
    build(load_config(site / "site.yml"), state)  # nothing changed since the state's last build
    assert hashed == []
    MUTATIONS["edit body"](site)
    build(load_config(site / "site.yml"), state)
    assert ("_article", "2022/09/story-5/") in hashed
    assert ("_article", "2022/09/story-3/") not in hashed  # no shared tag, not a neighbour
    assert 0 < len(hashed) < 20
    _assert_same_as_cold(site, tmp_path)


def test_the_preview_and_the_build_share_what_they_parsed(site, monkeypatch):
    """The preview overrides base_url, which parsing never reads: neither discards the other's cache."""
    import digest.content.read
    from digest.preview.session import Preview

    preview = Preview(site / "site.yml", {"base_url": "http://127.0.0.1:1/"}, False, False, print)
    parsed: list[Path] = []
    real = digest.content.read._parse_one
    monkeypatch.setattr(
        digest.content.read, "_parse_one", lambda path, *rest: parsed.append(path) or real(path, *rest)
    )
    assert preview.rebuild() is not None
    MUTATIONS["edit body"](site)
    _rebuild(site)
    assert preview.rebuild() is not None
    assert [path.name for path in parsed] == ["story-5.md"]
    assert "http://127.0.0.1:1/" in (site / ".digest-cache/preview/sitemap.xml").read_text()
    assert "http://127.0.0.1:1/" not in (site / "public/sitemap.xml").read_text()


def test_after_a_build_in_another_process_only_the_files_it_wrote_are_read(site, monkeypatch):
    """`digest build` beside the preview rewrites one shard: the preview reloads that, not every article."""
    import subprocess
    import sys

    import digest.content.read
    import digest.incremental.articles
    from digest.preview.session import Preview

    preview = Preview(site / "site.yml", {"base_url": "http://127.0.0.1:1/"}, False, False, print)
    assert preview.rebuild() is not None
    MUTATIONS["edit body"](site)
    subprocess.run([sys.executable, "-m", "digest.cli", "build", "-q"], cwd=site, check=True)
    reads = _count_cache_reads(monkeypatch)
    parsed: list[Path] = []
    real = digest.content.read._parse_one
    monkeypatch.setattr(
        digest.content.read, "_parse_one", lambda path, *rest: parsed.append(path) or real(path, *rest)
    )
    assert preview.rebuild() is not None
    shard = digest.incremental.articles.shard_of(str(site / "content/story-5.md"))
    assert reads == [site / f".digest-cache/articles-{shard:03d}.pickle"]  # not public/'s manifest either
    assert parsed == []  # the other process parsed the edit; the preview takes it from the shard
    assert "New facts." in (site / ".digest-cache/preview/2022/09/story-5/index.html").read_text()


def test_the_preview_never_writes_what_digest_build_recorded_about_its_output(site):
    """Each output folder's manifest is written only by builds of that folder, so two processes
    building side by side cannot put back an older record of the other's files."""
    from digest.preview.session import Preview

    preview = Preview(site / "site.yml", {"base_url": "http://127.0.0.1:1/"}, False, False, print)
    assert preview.rebuild() is not None
    manifests = lambda: {p.name: p.read_bytes() for p in (site / ".digest-cache").glob("manifest-*")}  # noqa: E731
    MUTATIONS["edit body"](site)
    _rebuild(site)  # public/
    before = manifests()
    MUTATIONS["add tag"](site)
    assert preview.rebuild() is not None
    after = manifests()
    assert len(before) == len(after) == 2
    assert len([name for name in after if after[name] != before[name]]) == 1  # the preview's own
