"""The last build of each output folder in one small file: with nothing changed, it is the answer.

A build with nothing to do reads this instead of the cache: a key over every input's stat and the
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
from digest.config.site_config import SiteConfig
from digest.errors import BuildWarning
from digest.incremental.cache import per_output
from digest.incremental.checked import read_checked, write_checked
from digest.site.model import LeftOut, Report
from digest.write.record import stat_key


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A finished build in one small file: if nothing it read has changed, it is the next build's answer.

    `key` hashes the stat of every input file and the settings; `due` is the date of the first
    future-dated article, after which the same inputs give a different site. The list of outputs
    (15,000 paths at 10,000 articles) is a file of its own, read only when the key matches.
    """

    key: str
    due: str | None
    report: Report
    outputs: tuple[tuple[str, Sequence[int]], ...]  # every file the build wrote and its `FileStat`

    @classmethod
    def load(cls, config: SiteConfig, destination: Path, key: str, damaged: set[Path]) -> Snapshot | None:
        """The last build into `destination`, if it was made from inputs with this `key`.

        Damaged files are added to `damaged`, and are then no shortcut.
        """
        try:
            stored = _read_json(_file(config, "snapshot", destination), damaged)
            if stored is None or stored["key"] != key:
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
            outputs = _read_json(_file(config, "outputs", destination), damaged)
            if outputs is None or outputs["key"] != key:  # the build that wrote it did not get to the other
                return None
            return cls(stored["key"], stored["due"], report, tuple(outputs["outputs"]))
        except Exception:  # checked, yet not what this digest writes: just not a shortcut
            return None

    def save(self, config: SiteConfig, destination: Path) -> None:
        """Record this build of `destination`, reading nothing: a `--clean` build trusts no file."""
        report = self.report
        stored = {
            "key": self.key,
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
        cache_folder(config.root)
        outputs = {"key": self.key, "outputs": self.outputs}
        write_checked(_file(config, "outputs", destination), json.dumps(outputs).encode())
        write_checked(_file(config, "snapshot", destination), json.dumps(stored).encode())


def _file(config: SiteConfig, kind: str, destination: Path) -> Path:
    """The snapshot, or the list of outputs, of one output folder: each has files of its own."""
    return per_output(config.root / CACHE_FOLDER, kind, str(destination), ".json")


def _read_json(path: Path, damaged: set[Path]) -> Any:
    payload = read_checked(path, damaged)
    return None if payload is None else json.loads(bytes(payload))


def present_in(folder: Path) -> Callable[[str, Sequence[int] | None], bool]:
    """Whether a file (relative to `folder`) is there as written, with this `FileStat`: a file deleted,
    edited, truncated or replaced since means a rebuild, never a page trusted because it exists.

    One stat per file, on strings: several times faster than walking an output of one folder per
    page, or than making a Path of each.
    """
    prefix = f"{folder}/"
    return lambda name, stat: stat is not None and stat_key(prefix + name) == tuple(stat)
