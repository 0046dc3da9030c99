"""The real build, into a scratch folder in the cache: `digest check` sees the pages as they will be
published, never touches the output folder, and leaves nothing behind.

When a build would change nothing (the output folder is as the last build left it, and no input
changed since), the output folder itself is what a build would make, and it is only read.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from digest.build import Options, build, build_now
from digest.config.folders import CACHE_FOLDER
from digest.config.site_config import SiteConfig
from digest.config.themes import theme_dirs
from digest.content.article import Article
from digest.content.inputs import Listing, content_files, list_inputs
from digest.content.read import collect
from digest.errors import BuildError, BuildWarning, DigestError
from digest.incremental.state import BuildState
from digest.site.group import publish
from digest.write.record import RECORD
from digest.write.switch import WORK_PREFIX

SCRATCH = "check"  # .digest-cache/check/: one at a time, since a check holds the site's lock
ROUNDS = 3  # builds that leave out the files in error, so one bad file does not hide every link


@dataclass(frozen=True, slots=True)
class Built:
    """What the scratch build made: its folder (None when it could not finish), stories and problems."""

    folder: Path | None
    articles: list[Article]  # the published stories
    errors: list[DigestError]
    warnings: tuple[BuildWarning, ...]


@contextmanager
def scratch_build(config: SiteConfig) -> Iterator[Built]:
    """The site as `digest build` would make it: the output folder itself when a build would change
    nothing (only read), else a build into a scratch folder removed when the block ends.

    Files in error are reported, then left out of another build, so the rest of the site is still
    checked. The caller holds the site's lock.
    """
    state = BuildState.load(config.root)
    folder = config.root / CACHE_FOLDER / SCRATCH
    _remove(state, folder)  # what a killed check left
    try:
        yield _up_to_date(config, state) or _build(config, state, folder)
    finally:
        _remove(state, folder)


def _up_to_date(config: SiteConfig, state: BuildState) -> Built | None:
    """The output folder, when a `digest build` now would answer from its snapshot and write nothing."""
    destination = config.output_path
    listing = content_files(config)
    inputs = list_inputs(config, listing)
    state.begin(config, theme_dirs(config), drafts=False, future=False)
    report = state.last_report(destination, inputs, build_now(), trust_output=False)
    if report is None:
        return None
    return Built(destination, _stories(config, state, listing), [], report.warnings)


def _build(config: SiteConfig, state: BuildState, folder: Path) -> Built:
    """Build into `folder`; files in error are left out of another round, up to ROUNDS builds."""
    if _linked_copy(config.output_path, folder):  # only what changed since the last build is rendered
        state.share_output(config.output_path, folder.resolve())
    listing = content_files(config)
    errors: list[DigestError] = []
    for _ in range(ROUNDS):
        try:
            report = build(config, state, Options(output=folder, listing=listing))
        except DigestError as error:  # a template: nothing can be rendered
            return Built(None, _stories(config, state, listing), [*errors, error], ())
        except BuildError as failed:
            errors += failed.errors
            left = _without(listing, {str(config.root / error.path) for error in failed.errors})
            if left == listing:  # not a content file's fault (a template): no pages to check
                return Built(None, _stories(config, state, listing), errors, ())
            listing = left
        else:
            return Built(folder, _stories(config, state, listing), errors, report.warnings)
    return Built(None, _stories(config, state, listing), errors, ())


def _linked_copy(source: Path, folder: Path) -> bool:
    """`folder` made of hard links to the output folder's files, when it is one digest wrote.

    The build never writes into a file it finds (it writes beside, then renames), so the output's
    files are safe; a link refused (another disk) leaves the folder empty, and every page is made.
    """
    if not (source / RECORD).is_file():
        return False
    try:
        for top, folders, names in os.walk(source):
            here = folder / os.path.relpath(top, source)
            here.mkdir(parents=True, exist_ok=True)
            if top == str(source):  # a killed build's work folders stay where recovery looks for them
                folders[:] = [name for name in folders if not name.startswith(WORK_PREFIX)]
                names = [name for name in names if not name.startswith(WORK_PREFIX) or name == RECORD]
            for name in names:
                os.link(os.path.join(top, name), here / name, follow_symlinks=False)  # noqa: PTH118
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        return False
    return True


def _without(listing: Listing, paths: set[str]) -> Listing:
    """The content folder without the files in error."""
    return Listing(
        {path: stat for path, stat in listing.articles.items() if path not in paths},
        [other for other in listing.others if str(other) not in paths],
    )


def _stories(config: SiteConfig, state: BuildState, listing: Listing) -> list[Article]:
    """The stories the build published, as the state holds them parsed."""
    known, _ = state.known_articles(listing.articles)
    published, _ = publish(collect(known, known).articles, build_now(), drafts=False, future=False)
    return published


def _remove(state: BuildState, folder: Path) -> None:
    """The scratch folder, a killed build's staging beside it, and the state kept about it."""
    for leftover in [folder, *folder.parent.glob(f".{SCRATCH}.*")]:
        shutil.rmtree(leftover, ignore_errors=True)
    state.forget_output(folder.resolve())
