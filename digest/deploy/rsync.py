"""A folder or an rsync destination (`user@host:path`), through the system's `rsync`.

digest already knows what changed, so rsync is told the files (`--files-from`) instead of scanning
both sides. Each phase (see plan.py) is one rsync run with `--delay-updates`, which renames its
files into place together at its end; removed files go last, then any folder left empty.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from digest.deploy.plan import Plan
from digest.deploy.record import TargetRecord
from digest.errors import DigestError

VANISHED = 24  # rsync's "some files vanished": a missing source file is how a deletion is asked for


def is_remote(destination: str) -> bool:
    """`host:path`, `user@host:path` or `rsync://…`, as rsync itself tells them from a local path."""
    before_slash = destination.partition("/")[0]
    return destination.startswith("rsync://") or ":" in before_slash


def publish(
    destination: str, plan: Plan, output: Path, record: TargetRecord, fail: Callable[[str], DigestError]
) -> None:
    """Send the plan's files phase by phase, then delete; `record` learns what each run confirmed."""
    if not is_remote(destination):
        Path(destination).mkdir(parents=True, exist_ok=True)
    target = destination.rstrip("/") + "/"
    try:
        for phase in plan.phases():
            paths = [local.path for local in phase]
            # --ignore-times: these files did change, even where size and mtime (to the second) agree
            options = ["-a", "--ignore-times", "--mkpath", "--delay-updates"]
            _rsync(options, paths, output, target, fail, deleting=False)
            for local in phase:
                record.confirm(local)
        if plan.deletions:
            with tempfile.TemporaryDirectory(prefix="digest-deploy-") as empty:  # every path is missing there
                _rsync(
                    ["-d", "--delete-missing-args"], plan.deletions, Path(empty), target, fail, deleting=True
                )
                for path in plan.deletions:
                    record.forget(path)
                for folders in _emptied(plan.deletions, output):  # deepest first: rsync sorts its list
                    _rsync(["-d", "--delete-missing-args"], folders, Path(empty), target, fail, deleting=True)
    finally:
        record.save()


def _rsync(
    options: list[str],
    paths: Iterable[str],
    output: Path,
    target: str,
    fail: Callable[[str], DigestError],
    *,
    deleting: bool,
) -> None:
    """One rsync run over `paths` (relative to the output); a failure becomes one line.

    A folder that still holds files digest did not put there is kept ("cannot delete non-empty
    directory", exit status 24): they are not digest's to remove.
    """
    with tempfile.NamedTemporaryFile("wb", prefix="digest-deploy-", suffix=".list") as listed:
        listed.write(b"".join(path.encode() + b"\0" for path in paths))
        listed.flush()
        command = ["rsync", "--from0", f"--files-from={listed.name}", *options, f"{output}/", target]
        try:
            done = subprocess.run(command, capture_output=True, text=True, check=False)
        except FileNotFoundError:
            raise fail(
                "rsync is not installed — install it (apt-get install rsync) and deploy again"
            ) from None
    if done.returncode != 0 and not (deleting and done.returncode == VANISHED):
        said = [line for line in done.stderr.splitlines() if line.strip()]
        why = said[0] if said else f"exit status {done.returncode}"
        if "--mkpath: unknown option" in done.stderr:  # this one, or the one at the other end
            where = "the destination's" if "remote" in done.stderr else "this machine's"
            raise fail(
                f"{where} rsync is too old: deploying needs rsync 3.2.3 or newer (for --mkpath) "
                "— install a newer rsync and deploy again"
            )
        raise fail(
            f"rsync failed: {why} — check that the destination exists and is writable "
            "(for user@host:path, that `ssh user@host` works), then deploy again"
        )


def _emptied(deleted: tuple[str, ...], output: Path) -> list[list[str]]:
    """Folders that held only deleted files (none left in the output), by depth, deepest first."""
    folders = {str(Path(path).parents[n]) for path in deleted for n in range(len(Path(path).parts) - 1)}
    gone = sorted((f for f in folders if not _holds_files(output / f)), key=lambda f: -f.count("/"))
    levels: dict[int, list[str]] = {}
    for folder in gone:
        levels.setdefault(folder.count("/"), []).append(folder)
    return list(levels.values())


def _holds_files(folder: Path) -> bool:
    """A build may leave a folder emptied of its files; the host need not keep it."""
    return folder.is_dir() and any(path.is_file() for path in folder.rglob("*"))
