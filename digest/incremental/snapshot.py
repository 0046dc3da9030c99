"""The last build of each output folder in one small file: with nothing changed, it is the answer.

A build with nothing to do reads this instead of the cache: a fingerprint of every input's stat and the
settings, the report to print again, and the files to check are still there. Each output folder has
files of its own, so saving one reads nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from digest.config.folders import CACHE_FOLDER, cache_folder
from digest.errors import BuildWarning
from digest.incremental.checked import read_checked, write_checked
from digest.incremental.store import per_output
from digest.report import LeftOut, Report
from digest.write.record import output_stat


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A finished build in one small file: if nothing it read has changed, it is the next build's answer.

    `fingerprint` covers the stat of every input file and the settings; `due` is the date of the first
    future-dated article, after which the same inputs give a different site. The list of outputs
    (15,000 paths at 10,000 articles) is a file of its own, read only when the fingerprints match.
    """

    fingerprint: str
    due: str | None
    report: Report
    outputs: tuple[tuple[str, Sequence[int]], ...]  # every file the build wrote and its `OutputStat`

    @classmethod
    def load(cls, root: Path, destination: Path, fingerprint: str, damaged: set[Path]) -> Snapshot | None:
        """The last build into `destination`, if it was made from inputs with this `fingerprint`.

        Damaged files are added to `damaged`, and are then no shortcut.
        """
        try:
            stored = _read_json(_file(root, "snapshot", destination), damaged)
            if stored is None or stored["fingerprint"] != fingerprint:
                return None
            data, when = stored["report"], datetime.fromisoformat
            report = Report(
                articles=data["articles"],
                files=data["files"],
                written=data["written"],
                seconds=data["seconds"],
                left_out=tuple(LeftOut(Path(p), t, when(d)) for p, t, d in data["left_out"]),
                warnings=tuple(BuildWarning(Path(p), line, message) for p, line, message in data["warnings"]),
            )
            outputs = _read_json(_file(root, "outputs", destination), damaged)
            if (
                outputs is None or outputs["fingerprint"] != fingerprint
            ):  # the build that wrote it did not get to the other
                return None
            return cls(stored["fingerprint"], stored["due"], report, tuple(outputs["outputs"]))
        except Exception:  # checked, yet not what this digest writes: just not a shortcut
            return None

    def save(self, root: Path, destination: Path) -> None:
        """Record this build of `destination`, reading nothing: a `--clean` build trusts no file."""
        report = self.report
        stored = {
            "fingerprint": self.fingerprint,
            "due": self.due,
            "report": {
                "articles": report.articles,
                "files": report.files,
                "written": report.written,
                "seconds": report.seconds,
                "left_out": [(str(a.path), a.title, a.date.isoformat()) for a in report.left_out],
                "warnings": [(str(w.path), w.line, w.message) for w in report.warnings],
            },
        }
        cache_folder(root)
        outputs = {"fingerprint": self.fingerprint, "outputs": self.outputs}
        write_checked(_file(root, "outputs", destination), json.dumps(outputs).encode())
        write_checked(_file(root, "snapshot", destination), json.dumps(stored).encode())


def forget_snapshot(root: Path, destination: Path) -> None:
    """Remove an output folder's snapshot and list of outputs, once the folder is gone for good."""
    for kind in ("snapshot", "outputs"):
        _file(root, kind, destination).unlink(missing_ok=True)


def _file(root: Path, kind: str, destination: Path) -> Path:
    """The snapshot, or the list of outputs, of one output folder: each has files of its own."""
    return per_output(root / CACHE_FOLDER, kind, str(destination), ".json")


def _read_json(path: Path, damaged: set[Path]) -> Any:
    payload = read_checked(path, damaged)
    return None if payload is None else json.loads(bytes(payload))


def present_in(folder: Path) -> Callable[[str, Sequence[int] | None], bool]:
    """Whether a file (relative to `folder`) is there as written, with this `OutputStat`: a file deleted,
    edited, truncated or replaced since means a rebuild, never a page trusted because it exists.

    One stat per file, on strings: several times faster than walking an output of one folder per
    page, or than making a Path of each.
    """
    prefix = f"{folder}/"
    return lambda name, stat: stat is not None and output_stat(prefix + name) == tuple(stat)
