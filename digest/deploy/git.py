"""A git branch (GitHub Pages' `gh-pages`, of this repository or any remote): one commit of the output.

The branch is fetched into a bare repository kept in .digest-cache/, so its tree is the record of what
the target holds: only files whose blob differs are hashed into it, the commit is made with git's
plumbing (no work tree, nothing checked out), and the push is atomic: the branch moves to the whole
new site or not at all. `history: keep` adds a commit; `squash` replaces the branch with one.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from urllib.parse import urlsplit

from digest.config.site_config import DeployTarget
from digest.deploy.files import Local, content_hash
from digest.deploy.plan import Held, Plan
from digest.errors import DigestError

DEFAULT_BRANCH = "gh-pages"
IDENTITY = MappingProxyType(
    {
        "GIT_AUTHOR_NAME": "digest",
        "GIT_AUTHOR_EMAIL": "digest@localhost",
        "GIT_COMMITTER_NAME": "digest",
        "GIT_COMMITTER_EMAIL": "digest@localhost",
    }
)
FETCHED = "refs/digest/deployed"  # where the cache repository keeps the branch as last fetched


@dataclass(frozen=True, slots=True)
class Branch:
    """The branch a target names: the repository's address, the branch, and the cache repository."""

    remote: str
    name: str
    cache: Path
    head: str | None  # the branch's commit when fetched; None: it does not exist yet


def remote_of(target: DeployTarget, root: Path, fail: Callable[[str], DigestError]) -> tuple[str, str]:
    """`git+origin#gh-pages` → the address of `origin` in the site's repository, and the branch."""
    remote, _, branch = target.url.removeprefix("git+").partition("#")
    if "/" not in remote and ":" not in remote:  # a remote's name, like `origin`
        found = subprocess.run(
            ["git", "-C", str(root), "remote", "get-url", remote], capture_output=True, text=True, check=False
        )
        if found.returncode != 0:
            raise fail(
                f"the site's folder has no git remote `{remote}` — add it, or write the repository's URL"
            )
        remote = found.stdout.strip()
    elif (
        not urlsplit(remote).scheme and ":" not in remote.partition("/")[0] and not Path(remote).is_absolute()
    ):
        remote = str((root / remote).resolve())  # a local path, relative to the site's folder
    return remote, branch or DEFAULT_BRANCH


def fetch(remote: str, branch: str, cache: Path, fail: Callable[[str], DigestError]) -> Branch:
    """The branch as the remote has it now, in the cache repository; a branch not there yet is empty."""
    if not (cache / "HEAD").exists():
        _git(cache.parent, fail, "init", "--bare", "-q", str(cache))
    listed = _git(cache, fail, "ls-remote", "--heads", remote, f"refs/heads/{branch}")
    head = listed.split()[0] if listed.strip() else None
    if head:
        _git(cache, fail, "fetch", "-q", "--no-tags", remote, f"+refs/heads/{branch}:{FETCHED}")
    return Branch(remote, branch, cache, head)


def held(branch: Branch, fail: Callable[[str], DigestError]) -> dict[str, Held]:
    """Every file on the branch, with its blob id and size: what the target serves now."""
    if branch.head is None:
        return {}
    listed = _git(branch.cache, fail, "ls-tree", "-r", "-l", "-z", "--full-tree", branch.head)
    files = {}
    for entry in filter(None, listed.split("\0")):
        info, _, path = entry.partition("\t")
        _mode, kind, blob, size = info.split()
        if kind == "blob":
            files[path] = (blob, int(size))
    return files


def extras(target: DeployTarget, base_url: str) -> dict[str, bytes]:
    """Files GitHub Pages wants beside the site: `.nojekyll`, and `CNAME` for a custom domain."""
    host = urlsplit(base_url).hostname or ""
    own = "." in host and not host.endswith(".github.io") and not host.replace(".", "").isdigit()
    cname = target.cname if target.cname is not None else (host if own else "")
    return {".nojekyll": b"", **({"CNAME": cname.encode() + b"\n"} if cname else {})}


def with_extras(files: dict[str, Local], added: dict[str, bytes]) -> dict[str, Local]:
    """The output's files and the extras, as one tree."""
    return files | {path: Local(path, content_hash(data), len(data)) for path, data in added.items()}


def publish(
    branch: Branch,
    target: DeployTarget,
    files: dict[str, Local],
    added: dict[str, bytes],
    plan: Plan,
    output: Path,
    fail: Callable[[str], DigestError],
) -> str:
    """Commit the whole tree (blobs written only where missing) and push it; the new commit's id."""
    _store_blobs(branch.cache, plan, added, output, fail)
    index = branch.cache / "digest-deploy.index"
    index.unlink(missing_ok=True)
    entries = "".join(f"100644 {local.hash}\t{path}\0" for path, local in sorted(files.items()))
    env = {"GIT_INDEX_FILE": str(index)}
    _git(branch.cache, fail, "update-index", "-z", "--index-info", stdin=entries, env=env)
    tree = _git(branch.cache, fail, "write-tree", env=env).strip()
    index.unlink(missing_ok=True)
    parents = ["-p", branch.head] if branch.head and target.history == "keep" else []
    message = target.message or f"Deploy: {len(plan.uploads)} file(s) changed, {len(plan.deletions)} removed"
    commit = _git(
        branch.cache, fail, "commit-tree", tree, *parents, "-m", message, env=_identity(branch.cache)
    )
    commit = commit.strip()
    lease = f"--force-with-lease=refs/heads/{branch.name}:{branch.head or ''}"
    push = ["push", "--porcelain", lease, branch.remote, f"{commit}:refs/heads/{branch.name}"]
    pushed = subprocess.run(
        ["git", "-C", str(branch.cache), *push], capture_output=True, text=True, check=False
    )
    if pushed.returncode != 0:
        lines = pushed.stderr.splitlines()
        refused = [line.rsplit("\t", 1)[-1] for line in pushed.stdout.splitlines() if line.startswith("!")]
        remote = [line.removeprefix("remote:").strip() for line in lines if line.startswith("remote:")]
        said = [line for line in lines if line.strip() and not line.startswith("remote:")]
        why = "; ".join([*refused, *(f"the remote said: {line}" for line in remote if line and refused)])
        why = why or (said[-1] if said else f"exit status {pushed.returncode}")
        raise fail(
            f"the push to {branch.remote} ({branch.name}) was refused: {why} — check your access "
            "to the repository, or whether someone else pushed to the branch meanwhile, and deploy again"
        )
    _git(branch.cache, fail, "update-ref", FETCHED, commit)
    return commit


def _store_blobs(
    cache: Path, plan: Plan, added: dict[str, bytes], output: Path, fail: Callable[[str], DigestError]
) -> None:
    """Write into the cache repository the blobs the branch lacks: changed files and the extras."""
    paths = [str(output / local.path) for local in plan.uploads if local.path not in added]
    if paths:
        _git(cache, fail, "hash-object", "-w", "--no-filters", "--stdin-paths", stdin="\n".join(paths) + "\n")
    for data in added.values():
        _git(cache, fail, "hash-object", "-w", "--no-filters", "--stdin", stdin=data.decode())


def _identity(cache: Path) -> dict[str, str]:
    """The user's git identity, or digest's own when none is set (a CI runner's often is not)."""
    found = subprocess.run(
        ["git", "-C", str(cache), "config", "user.email"], capture_output=True, check=False
    )
    return {} if found.returncode == 0 else dict(IDENTITY)


def _git(
    folder: Path,
    fail: Callable[[str], DigestError],
    *args: str,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
) -> str:
    """Run git in `folder`; a failure becomes one line with what git said."""
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *args],
            input=stdin,
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, **(env or {})},
        )
    except FileNotFoundError:
        raise fail("git is not installed — install it and deploy again") from None
    if done.returncode != 0:
        said = [line for line in done.stderr.splitlines() if line.strip()]
        raise fail(
            f"git {args[0]} failed: {said[-1] if said else done.returncode} — fix that and deploy again"
        )
    return done.stdout
