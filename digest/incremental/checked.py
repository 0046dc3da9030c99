"""Files that carry a checksum of their bytes, verified before pickle, marshal or json sees them.

Every file of the build cache is one: damaged bytes fed to marshal or pickle can crash the
interpreter (a segfault, no message) or rebuild wrong objects. A file starts with MAGIC, the FORMAT
number and the SHA-256 of both and the payload, so damage anywhere in it is found.
"""

from __future__ import annotations

import hashlib
import os
import struct
from pathlib import Path

FORMAT = 10  # of every cache file: bump when the pickled shapes change
MAGIC = b"digest cache\n"
_HEADER = struct.Struct(f">{len(MAGIC)}sI32s")  # MAGIC, FORMAT, the SHA-256 of FORMAT and the payload


def read_checked(path: Path, damaged: set[Path]) -> memoryview | None:
    """What `write_checked` wrote, or None: missing, of another FORMAT, or damaged (added to `damaged`).

    The payload is a view into the bytes read, not a copy: at 10,000 stories 64 MB are read so.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except NotADirectoryError:  # the cache folder (or templates/ in it) is a file
        damaged.add(path.parent)
        return None
    except OSError:  # a folder, unreadable, an I/O error: as good as damaged
        damaged.add(path)
        return None
    if len(data) >= _HEADER.size:
        magic, version, checksum = _HEADER.unpack_from(data)
        payload = memoryview(data)[_HEADER.size :]
        if magic == MAGIC and _checksum(version, payload) == checksum:
            return payload if version == FORMAT else None  # another digest's: stale, not damaged
    damaged.add(path)
    return None


def write_checked(path: Path, payload: bytes) -> None:
    """Write `payload` behind a header with its checksum, for `read_checked` to verify."""
    write_atomically(path, _HEADER.pack(MAGIC, FORMAT, _checksum(FORMAT, payload)), payload)


def _checksum(version: int, payload: bytes | memoryview) -> bytes:
    """SHA-256 of the format number and the payload (with SHA-NI about 1.5 GB/s, 4x blake2b here)."""
    hasher = hashlib.sha256(version.to_bytes(4, "big"))
    hasher.update(payload)
    return hasher.digest()


def write_atomically(path: Path, *parts: bytes) -> None:
    """Write through a temporary file and a rename: an interrupted write leaves the old file or none.

    The temporary file is the process's own: forked render workers may write the same file at once.
    """
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with temporary.open("wb") as handle:
        for part in parts:
            handle.write(part)
    temporary.replace(path)
