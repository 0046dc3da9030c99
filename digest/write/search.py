"""The search index: Pagefind run over the site as this build leaves it, so the index goes out with it.

The site as it will be (pages staged by this build, the others kept in the output folder) exists
in no one folder until the switch, so the pages that ask to be indexed (`data-pagefind-body`) are
read from where each is and given to Pagefind in the site's order (see indexer.py). The index comes
back in memory, and its files go out as outputs: staged, recorded and switched in with the pages,
all or nothing. Pagefind runs in an empty scratch folder inside the staging folder, which a killed
build leaves for the next start to remove with the staging folder.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

from digest.config.site_config import SiteConfig
from digest.errors import DigestError
from digest.render.plan import Output, Page
from digest.urls import encoded
from digest.write.indexer import Indexed, IndexerError, index_files
from digest.write.output import Staging, safe_join
from digest.write.record import read_record
from digest.write.search_order import in_order

FOLDER = "pagefind"  # where the index is published, beside the pages
INDEXED = b"data-pagefind-body"  # the attribute that asks for a page to be indexed
SCRATCH = ".digest-search"  # Pagefind's working folder, inside the staging folder: removed before the switch
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
    indexed = _indexed(pages, staging)
    if not indexed:
        return []  # nothing to search: no index, and the search page says so
    site_file = config.root / "site.yml"
    scratch = staging.folder / SCRATCH
    try:
        scratch.mkdir()
        files = index_files(_program(site_file), _read_pages(indexed), scratch)
    except IndexerError as error:
        raise DigestError(site_file, None, _failed(f"Pagefind could not index the site: {error}")) from None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return _outputs(files)


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


def _indexed(pages: list[Page], staging: Staging) -> list[tuple[str, Path]]:
    """Each page asking to be indexed, in the site's order: its URL for Pagefind, and where it is now."""
    found = []
    for page in pages:
        if not page.path.endswith(".html"):
            continue
        staged = safe_join(staging.folder, page.path, ours=True)
        source = staged if staged.is_file() else safe_join(staging.destination, page.path, ours=True)
        if _asks_to_be_indexed(source):
            found.append(("/" + encoded(page.info.url), source))
    return found


def _read_pages(indexed: list[tuple[str, Path]]) -> Iterator[Indexed]:
    """The pages' HTML, read one at a time as Pagefind takes them."""
    for url, source in indexed:
        yield Indexed(url, source.read_bytes().decode("utf-8", errors="replace"))


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


def _outputs(files: dict[str, bytes]) -> list[Output]:
    """Pagefind's files as outputs under pagefind/, in a fixed order, Pagefind's own interfaces left out."""
    wanted = {path: data for path, data in files.items() if path not in UNUSED}
    return [Output(f"{FOLDER}/{path}", data) for path, data in sorted(in_order(wanted).items())]
