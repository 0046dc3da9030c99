"""The last build of each output folder in one small file: with nothing changed, it is the answer.

A build with nothing to do reads this instead of the cache: a key over every input's stat and the
settings, the report to print again, and the files to check are still there.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .cache import FOLDER, per_output, write_atomically
from .config import SiteConfig
from .errors import BuildWarning
from .model import LeftOut, Report
from .record import stat_key


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
    def load(cls, config: SiteConfig, destination: Path, key: str) -> Snapshot | None:
        """The last build into `destination`, if it was made from inputs with this `key`."""
        try:
            stored = json.loads((config.root / FOLDER / "snapshots.json").read_text())[str(destination)]
            if stored["key"] != key:
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
            outputs = json.loads(_outputs_file(config, destination).read_text())
            if outputs["key"] != key:  # written by a build that did not get to save snapshots.json
                return None
            return cls(stored["key"], stored["due"], report, tuple(outputs["outputs"]))
        except Exception:  # missing or damaged: just not a shortcut
            return None

    def save(self, config: SiteConfig, destination: Path) -> None:
        path = config.root / FOLDER / "snapshots.json"
        try:
            stored = json.loads(path.read_text())
        except Exception:
            stored = {}
        report = self.report
        stored[str(destination)] = {
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
        path.parent.mkdir(parents=True, exist_ok=True)
        outputs = {"key": self.key, "outputs": self.outputs}
        write_atomically(_outputs_file(config, destination), json.dumps(outputs).encode())
        write_atomically(path, json.dumps(stored).encode())


def _outputs_file(config: SiteConfig, destination: Path) -> Path:
    return per_output(config.root / FOLDER, "outputs", str(destination), ".json")


def present_in(folder: Path) -> Callable[[str, Sequence[int] | None], bool]:
    """Whether a file (relative to `folder`) is there as written, with this `FileStat`: a file deleted,
    edited, truncated or replaced since means a rebuild, never a page trusted because it exists.

    One stat per file, on strings: several times faster than walking an output of one folder per
    page, or than making a Path of each.
    """
    prefix = f"{folder}/"
    return lambda name, stat: stat is not None and stat_key(prefix + name) == tuple(stat)
