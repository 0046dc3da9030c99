"""What a target holds, as far as digest knows: each file it confirmed uploaded, with its hash and size.

Kept in the site's .digest-cache/deploy/, one file per target, so the next deploy uploads only the
differences without listing a bucket. Each entry is added only once the target confirmed it, and the
file is saved atomically every few seconds as a deploy goes: a deploy killed halfway leaves a record
that is true, and the next one finishes the job.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from digest.deploy.files import Local
from digest.deploy.plan import Held
from digest.incremental.checked import read_checked, write_checked

CHECKPOINT_SECONDS = 2.0


@dataclass(slots=True)
class TargetRecord:
    """The files a target holds; `confirm` and `forget` as the target answers, `save` to keep them."""

    file: Path
    files: dict[str, Held] = field(default_factory=dict)
    saved_at: float = field(default_factory=time.monotonic)
    unsaved: bool = False

    @classmethod
    def load(cls, folder: Path, target: str) -> TargetRecord:
        """The record of `target` (an address); empty when there is none or it is damaged."""
        file = folder / f"target-{hashlib.sha256(target.encode()).hexdigest()[:16]}.json"
        payload = read_checked(file, set())
        try:
            stored = json.loads(bytes(payload)) if payload is not None else {}
            files = {
                str(path): (str(held[0]), int(held[1])) for path, held in stored.get("files", {}).items()
            }
        except (ValueError, TypeError, IndexError, AttributeError):
            files = {}
        return cls(file, files)

    def confirm(self, local: Local) -> None:
        """The target now holds `local`."""
        self.files[local.path] = (local.hash, local.size)
        self.unsaved = True
        self.checkpoint()

    def forget(self, path: str) -> None:
        """The target no longer holds `path`."""
        self.files.pop(path, None)
        self.unsaved = True
        self.checkpoint()

    def checkpoint(self) -> None:
        """Save now and then while a deploy goes on, so a killed one need not start over."""
        if time.monotonic() - self.saved_at >= CHECKPOINT_SECONDS:
            self.save()

    def save(self) -> None:
        """Write the record atomically, if anything changed."""
        if self.unsaved:
            write_checked(self.file, json.dumps({"files": self.files}, separators=(",", ":")).encode())
            self.unsaved = False
        self.saved_at = time.monotonic()
