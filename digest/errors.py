"""The user's mistakes: one exception type, printed as `path:line: message` and never as a traceback."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class DigestError(Exception):
    """A mistake in the user's files that the user can fix; the CLI prints it without a traceback."""

    def __init__(self, path: Path | str, line: int | None, message: str) -> None:
        super().__init__(path, line, message)
        self.path, self.line, self.message = Path(path), line, message

    def __str__(self) -> str:
        where = f"{self.path.as_posix()}:{self.line}" if self.line else self.path.as_posix()
        return f"{where}: {self.message}"


class BuildError(Exception):
    """Every error found in one run, so the user fixes them all in one pass instead of one per build."""

    def __init__(self, errors: list[DigestError]) -> None:
        super().__init__(f"{len(errors)} error(s)")
        self.errors = sorted(errors, key=lambda e: (e.path.as_posix(), e.line or 0, e.message))


@dataclass(frozen=True, slots=True)
class BuildWarning:
    """Something suspicious that does not stop the build (an unknown key, a duplicate key)."""

    path: Path
    line: int | None
    message: str

    def __str__(self) -> str:
        return str(DigestError(self.path, self.line, self.message))
