"""The search index: Pagefind run over the site as this build leaves it, so the index goes out with it.

The site as it will be (pages staged by this build, the others kept in the output folder) exists
in no one folder until the switch, so the pages that ask to be indexed (`data-pagefind-body`) are
linked into a scratch folder beside the output folder, where Pagefind reads them. Its files come
back as outputs: staged, recorded and switched in with the pages, all or nothing. A killed build
leaves the scratch folder, named like a staging folder, for the next start to remove.

Pagefind numbers pages in the order the filesystem lists them, so two builds on one disk give the
same index, byte for byte (see search_order.py for the rest); on another kind of filesystem the
index files may differ, and search the same. (Its service takes pages in a given order, but one at
a time: at 10,000 stories more than ten times slower.)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from functools import partial
from pathlib import Path

from digest.config.site_config import SiteConfig
from digest.errors import DigestError
from digest.render.plan import Output, Page
from digest.workers import die_with_parent
from digest.write.output import Staging, safe_join
from digest.write.record import read_record
from digest.write.search_order import in_order

FOLDER = "pagefind"  # where the index is published, beside the pages
INDEXED = b"data-pagefind-body"  # the attribute that asks for a page to be indexed
SCRATCH = ".digest-search-"  # a scratch folder inside the staging folder, where none can be made beside
# Pagefind's own search interfaces: the theme brings its own, so these would only be dead weight
UNUSED = frozenset(
    {
        "pagefind-ui.js",
        "pagefind-ui.css",
        "pagefind-modular-ui.js",
        "pagefind-modular-ui.css",
        "pagefind-component-ui.js",
        "pagefind-component-ui.css",
        "pagefind-highlight.js",
    }
)


def search_index(
    config: SiteConfig, pages: list[Page], rendered: list[Output], staging: Staging
) -> list[Output]:
    """The Pagefind index of the `pages` that carry `data-pagefind-body`, as files under pagefind/.

    Each page is read where this build leaves it: staged (`rendered` says which), or kept in place.
    """
    if not config.search:
        return []
    paths = [page.path for page in pages]
    if kept := _kept_index(paths, [out.path for out in rendered if out.staged], staging):
        return kept
    scratch = _scratch(staging)
    try:
        if not _link_pages(pages, staging, scratch / "site"):
            return []  # nothing to search: no index, and the search page says so
        _run_pagefind(config.root / "site.yml", scratch)
        return _outputs(scratch / "index")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _scratch(staging: Staging) -> Path:
    """A new folder beside the output folder, on the disk whose listing order the index will follow.

    Named like a staging folder, so the next start removes it if this build is killed; inside the
    staging folder where nothing can be made beside the output folder.
    """
    destination = staging.destination
    try:
        return Path(tempfile.mkdtemp(prefix=f".{destination.name}.new-", dir=destination.parent))
    except OSError:
        return Path(tempfile.mkdtemp(prefix=SCRATCH, dir=staging.folder))


def _kept_index(paths: list[str], staged: list[str], staging: Staging) -> list[Output]:
    """The last build's index, as it is in place, when no page it indexed or would index changed.

    Pagefind writes its filter files in no fixed order, so indexing the same pages again would
    still replace files: a build that changes other pages (a list page, a feed) keeps the index.
    """
    ours = read_record(staging.destination) or frozenset()
    index = [path for path in ours if path.startswith(f"{FOLDER}/")]
    if not index or not all(safe_join(staging.destination, path, ours=True).is_file() for path in index):
        return []
    removed = [path for path in ours - set(paths) if path.endswith(".html")]
    if any(_asks_to_be_indexed(safe_join(staging.folder, path, ours=True)) for path in staged):
        return []
    # a page indexed before, and now changed or gone
    if any(_asks_to_be_indexed(safe_join(staging.destination, path)) for path in [*staged, *removed]):
        return []
    return [Output(path, None) for path in sorted(index)]


def _asks_to_be_indexed(page: Path) -> bool:
    """Whether the page at `page` carries `data-pagefind-body`; False when there is no such file."""
    try:
        with page.open("rb") as file:
            return INDEXED in file.read()
    except FileNotFoundError:
        return False


def _link_pages(pages: list[Page], staging: Staging, site: Path) -> int:
    """Link each page that asks to be indexed into `site`, in the site's order; how many did."""
    found = 0
    for page in pages:
        if not page.path.endswith(".html"):
            continue
        staged = safe_join(staging.folder, page.path, ours=True)
        source = staged if staged.is_file() else safe_join(staging.destination, page.path, ours=True)
        if not _asks_to_be_indexed(source):
            continue
        target = site / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        try:  # a link leaves the published file as it was, not even its link count changed
            target.symlink_to(source.resolve())
        except OSError:  # links refused: a copy reads the same
            shutil.copyfile(source, target)
        found += 1
    return found


def _run_pagefind(site_file: Path, scratch: Path) -> None:
    """Index `scratch/site` into `scratch/index`, or explain why not in terms the user can act on."""
    program = _program(site_file)
    command = [str(program), "--site", "site", "--output-path", "index", "--silent"]
    try:
        done = subprocess.run(
            command,
            cwd=scratch,  # so a pagefind.yml of the user's own does not change the index
            capture_output=True,
            text=True,
            check=False,
            preexec_fn=partial(die_with_parent, os.getpid()),  # a killed build leaves no indexer running
        )
    except OSError as error:
        reason = f"{program} could not be started ({error.strerror})"
        raise DigestError(site_file, None, _failed(reason)) from None
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines()
        reason = said[-1] if said else f"it stopped with exit status {done.returncode}"
        raise DigestError(site_file, None, _failed(f"Pagefind could not index the site: {reason}"))


def _program(site_file: Path) -> Path:
    """The Pagefind program: PAGEFIND_BINARY_PATH if set, else the one the pagefind-bin wheel brings."""
    from pagefind.service import get_executable  # here: only a build that indexes needs it

    program = get_executable()
    if program is None or not program.is_file():
        where = f"there is no {program}" if program else "the pagefind-bin package is not installed"
        raise DigestError(
            site_file,
            None,
            _failed(f"search needs the Pagefind program, but {where} — run `pip install 'pagefind[bin]'`"),
        )
    return program


def _failed(reason: str) -> str:
    return f"{reason} (or set `search: false` to build the site without search)"


def _outputs(index: Path) -> list[Output]:
    """Pagefind's files as outputs under pagefind/, in a fixed order, Pagefind's own interfaces left out."""
    files = {}
    for folder, _, names in os.walk(index):
        for name in names:
            relative = Path(folder, name).relative_to(index).as_posix()
            if relative not in UNUSED:
                files[relative] = Path(folder, name).read_bytes()
    return [Output(f"{FOLDER}/{path}", data) for path, data in sorted(in_order(files).items())]
