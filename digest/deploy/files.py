"""The output as a deploy sees it: each file digest wrote, with its content hash and size.

Hashing 15,000 files at every deploy would cost more than the build did; each file's hash is kept
with the stat it had when hashed (size, mtime, inode: the build keeps unchanged files untouched),
so only files whose stat moved are read again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from digest.errors import DigestError
from digest.incremental.checked import read_checked, write_checked
from digest.write.record import RECORD, output_stat, read_record


@dataclass(frozen=True, slots=True)
class Local:
    """A file to publish: its path in the output, its content hash, its size."""

    path: str
    hash: str
    size: int


def content_hash(data: bytes) -> str:
    """Git's blob id of the bytes, so the git target compares with a branch's tree without hashing again."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def output_files(output: Path, hashes_file: Path) -> dict[str, Local]:
    """Every file the last build wrote into `output` (its record), hashed where its stat moved."""
    paths = read_record(output)
    if paths is None:
        raise DigestError(output, None, "no site built here (no .digest-record) — run `digest build` first")
    known = _known(hashes_file)
    files: dict[str, Local] = {}
    hashed: dict[str, list[int | str]] = {}
    for path in sorted(paths - {RECORD}):
        stat = output_stat(f"{output}/{path}")
        if stat is None:
            raise DigestError(
                output / path,
                None,
                "written by the last build but gone since — run `digest build`, then deploy",
            )
        last = known.get(path)
        if last is not None and tuple(last[:3]) == stat:
            digest = str(last[3])
        else:
            digest = content_hash((output / path).read_bytes())
        hashed[path] = [*stat, digest]
        files[path] = Local(path, digest, stat[0])
    if hashed != known:
        write_checked(hashes_file, json.dumps(hashed, separators=(",", ":")).encode())
    return files


def _known(hashes_file: Path) -> dict[str, list[int | str]]:
    """The hashes kept last time, by path; a missing or damaged file means hash everything."""
    payload = read_checked(hashes_file, set())
    try:
        found = json.loads(bytes(payload)) if payload is not None else {}
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}
