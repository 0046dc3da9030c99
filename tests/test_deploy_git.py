"""`digest deploy` to a git branch: a bare repository made by the test, pushed to by a real git."""

from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import write_files
from deploy_sites import deploy, edit_one_story, newsroom, published


def _git(folder: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(folder), *args], capture_output=True, text=True, check=True
    ).stdout


def _bare(tmp_path_factory) -> Path:
    bare = tmp_path_factory.mktemp("remote") / "site.git"
    _git(bare.parent, "init", "--bare", "-q", str(bare))
    return bare


def _branch_files(bare: Path, branch: str = "gh-pages") -> dict[str, bytes]:
    names = _git(bare, "ls-tree", "-r", "--name-only", "-z", branch).split("\0")
    return {
        name: subprocess.run(["git", "-C", str(bare), "show", f"{branch}:{name}"], capture_output=True,
                             check=True).stdout
        for name in names if name
    }  # fmt: skip


def test_one_commit_of_the_output_with_nojekyll_and_cname_and_history_kept(make_site, tmp_path_factory):
    bare = _bare(tmp_path_factory)
    root = newsroom(make_site({}), extra_yml=f"deploy:\n  pages: git+{bare}#gh-pages\n")
    first = deploy(root)
    assert first.returncode == 0, first.stderr
    assert _branch_files(bare) == published(root) | {".nojekyll": b"", "CNAME": b"example.org\n"}
    assert "up to date" in deploy(root).stdout
    assert _git(bare, "rev-list", "--count", "gh-pages").strip() == "1"

    edit_one_story(root)
    second = deploy(root)
    assert second.returncode == 0, second.stderr
    assert _branch_files(bare) == published(root) | {".nojekyll": b"", "CNAME": b"example.org\n"}
    assert _git(bare, "rev-list", "--count", "gh-pages").strip() == "2"
    assert "/digest/2023/03/s3/" in second.stdout


def test_squashed_history_and_no_cname(make_site, tmp_path_factory):
    bare = _bare(tmp_path_factory)
    target = f"deploy:\n  pages: {{to: 'git+{bare}#site', history: squash, cname: false}}\n"
    root = newsroom(make_site({}), extra_yml=target)
    assert deploy(root).returncode == 0
    edit_one_story(root)
    assert deploy(root).returncode == 0
    assert _git(bare, "rev-list", "--count", "site").strip() == "1"
    assert _branch_files(bare, "site") == published(root) | {".nojekyll": b""}


def test_a_remote_of_the_sites_own_repository(make_site, tmp_path_factory):
    bare = _bare(tmp_path_factory)
    root = newsroom(make_site({}))
    _git(root, "init", "-q")
    _git(root, "remote", "add", "origin", str(bare))
    result = deploy(root, "git+origin")
    assert result.returncode == 0, result.stderr
    assert "CNAME" in _branch_files(bare)
    missing = deploy(root, "git+upstream")
    assert "the site's folder has no git remote `upstream` — add it, or write the repository's URL" in (
        missing.stderr
    )


def test_a_rejected_push_is_one_line_and_the_branch_stays(make_site, tmp_path_factory):
    bare = _bare(tmp_path_factory)
    root = newsroom(make_site({}), extra_yml=f"deploy:\n  pages: git+{bare}\n")
    assert deploy(root).returncode == 0
    before = _git(bare, "rev-parse", "gh-pages")
    hook = bare / "hooks/pre-receive"
    write_files(hook.parent, {hook.name: "#!/bin/sh\necho 'pushes are frozen for the audit' >&2\nexit 1\n"})
    hook.chmod(0o755)
    edit_one_story(root)
    result = deploy(root)
    assert result.returncode == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith(
        f"site.yml: deploy to `pages` (git+{bare}): the push to {bare} (gh-pages) was refused:"
    )
    assert "pre-receive hook declined" in first and "deploy again" in first
    assert _git(bare, "rev-parse", "gh-pages") == before
