"""What `digest check` found: one record per problem, shown as `path:line: message` or as JSON for tools."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from digest.errors import BuildWarning, DigestError

Severity = Literal["error", "warning"]
SCHEMA_VERSION = 1  # of the JSON output: bump only when a field changes meaning or goes away


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem at a source file and line (or an output page, when no source says it)."""

    path: Path
    line: int | None
    message: str
    kind: str  # a stable name for tools: build, link, anchor, image, url, syntax, duplicate, source, external
    severity: Severity = "error"

    @property
    def sort_key(self) -> tuple[str, int, str]:
        """By file, line and message: the order an editor walks them in."""
        return self.path.as_posix(), self.line or 0, self.message

    def shown(self, relative: Callable[[Path], Path]) -> str:
        """`path:line: message`, with `warning:` before a warning's message as compilers print it."""
        where = relative(self.path).as_posix() + (f":{self.line}" if self.line else "")
        label = "warning: " if self.severity == "warning" else ""
        return f"{where}: {label}{self.message}"


def from_error(error: DigestError) -> Finding:
    """A mistake `digest build` would stop on."""
    return Finding(error.path, error.line, error.message, "build")


def from_warning(warning: BuildWarning) -> Finding:
    """A warning `digest build` would print."""
    return Finding(warning.path, warning.line, warning.message, "build", "warning")


def failing(findings: Iterable[Finding], *, strict: bool) -> list[Finding]:
    """The findings that make the check fail: errors, and warnings too when strict."""
    return [f for f in findings if strict or f.severity == "error"]


def summary(findings: list[Finding], *, strict: bool, stories: int, pages: int) -> str:
    """The last line: the verdict and the counts."""
    errors = sum(f.severity == "error" for f in findings)
    verdict = "failed" if failing(findings, strict=strict) else "ok"
    if verdict == "failed" and not errors:
        verdict += " (--strict: warnings fail too)"
    counts = f"{errors} error(s), {len(findings) - errors} warning(s)"
    return f"check {verdict}: {counts} in {stories} stories and {pages} pages"


def as_json(
    findings: list[Finding], *, strict: bool, stories: int, pages: int, relative: Callable[[Path], Path]
) -> str:
    """The stable JSON document README.md describes, for editors and CI tools."""
    errors = sum(f.severity == "error" for f in findings)
    document = {
        "version": SCHEMA_VERSION,
        "ok": not failing(findings, strict=strict),
        "strict": strict,
        "summary": {
            "errors": errors,
            "warnings": len(findings) - errors,
            "stories": stories,
            "pages": pages,
        },
        "findings": [
            {
                "path": relative(f.path).as_posix(),
                "line": f.line,
                "severity": f.severity,
                "kind": f.kind,
                "message": f.message,
            }
            for f in findings
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False)
