"""`digest deploy`: the built output → one target, uploading only what the target does not hold yet."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from digest.config.deploy_targets import kind_of, target
from digest.config.folders import cache_folder
from digest.config.site_config import DeployTarget, SiteConfig
from digest.deploy import git, rsync, s3
from digest.deploy.files import output_files
from digest.deploy.plan import Plan, make_plan
from digest.deploy.record import TargetRecord
from digest.errors import DigestError
from digest.incremental.store import make_folder


@dataclass(frozen=True, slots=True)
class Deployed:
    """What a deploy did (or, dry, would do), for the command line to print."""

    target: DeployTarget
    plan: Plan
    seconds: float
    changed: tuple[str, ...]  # the URL paths a CDN should forget: files replaced or deleted


def choose_target(config: SiteConfig, given: str | None, site_yml: Path) -> DeployTarget:
    """The target named on the command line, the address given there, or the only one in site.yml."""
    named = {t.name: t for t in config.deploy}
    if given in named:
        return named[given]
    if given is None:
        if len(named) == 1:
            return next(iter(named.values()))
        if not named:
            raise DigestError(
                site_yml,
                None,
                "no target under `deploy:` — add one there, or give an address: digest deploy ./DIR, "
                "user@host:path, git+REMOTE#BRANCH or s3://bucket/prefix",
            )
        raise DigestError(
            site_yml,
            None,
            f"which target? {', '.join(named)} are under `deploy:` — name one: digest deploy NAME",
        )
    if (
        kind_of(given) == "rsync"
        and not rsync.is_remote(given)
        and "/" not in given
        and given not in (".", "..")
    ):
        known = f"; targets in site.yml: {', '.join(named)}" if named else ""
        raise DigestError(
            site_yml, None, f"no target `{given}` under `deploy:`{known} — for a folder write ./{given}"
        )
    if kind_of(given) == "rsync" and not rsync.is_remote(given):
        given = str(Path(given).resolve())  # a folder on the command line: from the current folder
    return target(given, {"to": given}, lambda message: DigestError(site_yml, None, f"`{given}`: {message}"))


def deploy(
    config: SiteConfig, chosen: DeployTarget, output: Path, site_yml: Path, *, dry_run: bool
) -> Deployed:
    """Publish `output` to `chosen`, or only plan it; raises one DigestError naming the target and the fix."""
    started = time.perf_counter()

    def fail(message: str) -> DigestError:
        return DigestError(site_yml, None, f"deploy to `{chosen.name}` ({chosen.url}): {message}")

    folder = make_folder(cache_folder(config.root) / "deploy")
    files = output_files(output, folder / f"hashes-{_key(str(output))}.json")
    if chosen.kind == "git":
        remote, name = git.remote_of(chosen, config.root, fail)
        branch = git.fetch(remote, name, folder / f"git-{_key(f'{remote}#{name}')}.git", fail)
        added = git.extras(chosen, config.base_url)
        tree = git.with_extras(files, added)
        plan = make_plan(tree, git.held(branch, fail))
        if not dry_run and (plan.uploads or plan.deletions or branch.head is None):
            git.publish(branch, chosen, tree, added, plan, output, fail)
    else:
        destination = _destination(chosen, config.root)
        record = TargetRecord.load(folder, s3.address(chosen) if chosen.kind == "s3" else destination)
        plan = make_plan(files, record.files)
        if not dry_run and (plan.uploads or plan.deletions):
            if chosen.kind == "s3":
                s3.publish(s3.connect(chosen, fail), chosen, plan, output, record, fail)
            else:
                rsync.publish(destination, plan, output, record, fail)
    return Deployed(chosen, plan, time.perf_counter() - started, _urls(config.base_url, plan))


def _destination(chosen: DeployTarget, root: Path) -> str:
    """A folder from site.yml is relative to the site's folder; a remote one is rsync's to read."""
    if chosen.kind != "rsync" or rsync.is_remote(chosen.url):
        return chosen.url
    return str((root / Path(chosen.url).expanduser()).resolve())


def _urls(base_url: str, plan: Plan) -> tuple[str, ...]:
    """Each replaced or deleted file's URL path, and a page's folder URL beside its index.html.

    A new file was never served, so no cache holds it.
    """
    base = urlsplit(base_url).path.rstrip("/") + "/"
    urls = []
    for path in [*(local.path for local in plan.uploads if local.path in plan.replaced), *plan.deletions]:
        urls.append(base + path)
        if path == "index.html" or path.endswith("/index.html"):
            urls.append(base + path.removesuffix("index.html"))
    return tuple(urls)


def _key(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]
