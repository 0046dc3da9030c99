"""The output folder a build may write: what a killed build left is finished or undone first."""

from __future__ import annotations

from pathlib import Path

from digest.config.folders import output_clash
from digest.config.site_config import SiteConfig
from digest.errors import DigestError
from digest.write.record import RECORD
from digest.write.switch import recover


def prepare_output(config: SiteConfig, output: Path | None) -> Path:
    """The output folder (default: the configured one), as the last complete build left it.

    Refuses a folder that would replace the site itself or anything it reads from, and a folder
    with files in it that digest did not make.
    """
    destination = (output or config.output_path).resolve()
    recover(destination)  # what a killed build left: undone or finished before anything is read
    if reason := output_clash(config, destination):
        raise DigestError(config.root / "site.yml", None, reason)
    if destination.is_dir() and not (destination / RECORD).is_file() and any(destination.iterdir()):
        raise DigestError(
            destination,
            None,
            f"not made by digest (it holds no {RECORD}), so nothing in it will be replaced — "
            "choose an empty or new folder, or remove its files",
        )
    return destination
