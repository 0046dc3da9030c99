"""Compiled templates kept between builds, checked before marshal loads them: bad bytecode segfaults."""

from __future__ import annotations

from pathlib import Path

import jinja2
from jinja2.bccache import Bucket

from digest.config.folders import CACHE_FOLDER, cache_folder
from digest.incremental.checked import read_checked, write_checked
from digest.incremental.store import make_folder


class CheckedBytecodeCache(jinja2.BytecodeCache):
    """Jinja2's compiled templates in .digest-cache/templates/, one checksummed file per template.

    Compiling the templates costs ~0.2 s a build. Forked render workers load templates too, where a
    damaged file cannot be reported: `drop_damaged` removes those up front, in the building process.
    """

    def __init__(self, root: Path, *, read: bool) -> None:
        self.root, self.folder, self.read = root, root / CACHE_FOLDER / "templates", read

    def drop_damaged(self, damaged: set[Path]) -> None:
        """Check every compiled template now; the damaged ones are added to `damaged` and deleted."""
        for folder in (self.folder.parent, self.folder):
            if folder.exists() and not folder.is_dir():  # a file where the cache or templates/ should be
                damaged.add(folder)
                return
        for file in self.folder.glob("*.cache"):
            if read_checked(file, damaged) is None and file in damaged:
                file.unlink(missing_ok=True)

    def load_bytecode(self, bucket: Bucket) -> None:
        """Fill `bucket` from its file, when that is intact; anything else means compiling again."""
        if self.read and (payload := read_checked(self._file(bucket), set())) is not None:
            bucket.bytecode_from_string(payload)  # type: ignore[arg-type]  # any bytes-like will do

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Save a newly compiled template, checksummed, for the next build."""
        make_folder(cache_folder(self.root) / "templates")
        write_checked(self._file(bucket), bucket.bytecode_to_string())

    def _file(self, bucket: Bucket) -> Path:
        return self.folder / f"{bucket.key}.cache"
