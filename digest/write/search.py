"""The search index: Pagefind run over the site as this build leaves it, so the index goes out with it.

The index is in parts by date (search_parts.py); only the parts whose pages Pagefind would read
differently (search_view.py) are indexed again, the others are kept as they are in place.
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

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from functools import partial
from pathlib import Path

from digest.config.site_config import SiteConfig
from digest.errors import DigestError
from digest.render.plan import Output, Page
from digest.workers import die_with_parent
from digest.write.output import Staging, safe_join
from digest.write.record import read_record
from digest.write.search_order import in_order
from digest.write.search_parts import MANIFEST, Part, split
from digest.write.search_view import INDEXED, indexed_view

FOLDER = "pagefind"  # where the index is published, beside the pages
STALE = "out of date"  # listed for a part left as it was: the next build indexes it again
ENTRY = "pagefind-entry.json"  # in each part: its language indexes and the Pagefind version that made it
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
    config: SiteConfig, pages: list[Page], rendered: list[Output], staging: Staging, *, later: bool = False
) -> tuple[list[Output], bool]:
    """The Pagefind index of the stories and editions that carry `data-pagefind-body`, under pagefind/,
    and whether parts were left behind for a later build to index.

    In parts by date (see search_parts.py): a part none of whose pages changed is kept as it is in
    place, the others are indexed again — or, `later`, kept as they were (listed as out of date, so
    the next build indexes them) and a new part left out. Each page is read where this build leaves
    it: staged (`rendered` says which), or kept in place. Without a page to index there is no index.
    """
    if not config.search:
        return [], False
    parts = split(pages, config.tz)
    staged = {out.path for out in rendered if out.staged}
    last, held = _last_parts(staging.destination), _in_place(staging.destination)
    found = {part.name: _kept_part(part, last, held, staged, staging) for part in parts}
    todo = [part for part in parts if not found[part.name]]
    members: dict[str, str] = {}
    if later:
        found |= {part.name: held.get(part.name, []) for part in todo}
        members = {part.name: STALE for part in todo}
    elif todo:
        found |= _index_parts(config.root / "site.yml", todo, staging)
        if older := _of_another_version(parts, todo, found, staging.destination):
            found |= _index_parts(config.root / "site.yml", older, staging)
    made = [part for part in parts if found[part.name]]  # a part none of whose pages asks has no index
    behind = later and bool(todo)
    if not made:
        return [], behind  # nothing to search: no index, and the search page says so
    listed = [{"name": part.name, "pages": members.get(part.name, part.members)} for part in made]
    manifest = json.dumps({"parts": listed}, indent=1).encode("utf-8") + b"\n"
    outputs = [out for part in made for out in found[part.name]]
    return [*outputs, Output(f"{FOLDER}/{MANIFEST}", manifest)], behind


def _last_parts(destination: Path) -> dict[str, str]:
    """Each part the last build published, and the digest of which pages it held; {} if unreadable."""
    try:
        listing = json.loads(safe_join(destination, f"{FOLDER}/{MANIFEST}").read_bytes())
        return {str(part["name"]): str(part["pages"]) for part in listing["parts"]}
    except (OSError, ValueError, TypeError, KeyError):
        return {}


def _in_place(destination: Path) -> dict[str, list[Output]]:
    """Each part's files as the last build left them (the record says which), for the parts whose
    files are all there: checked as plain strings, ten times faster than Path for 10,000 files (the
    writer takes each path through safe_join)."""
    held: dict[str, list[Output]] = {}
    for path in sorted(read_record(destination) or ()):
        folder, _, rest = path.partition("/")
        if folder == FOLDER and "/" in rest:
            held.setdefault(rest.partition("/")[0], []).append(Output(path, None))
    place = f"{destination}{os.sep}"
    return {
        name: files
        for name, files in held.items()
        if all(os.path.isfile(place + out.path) for out in files)  # noqa: PTH113
    }


def _kept_part(
    part: Part, last: dict[str, str], held: dict[str, list[Output]], staged: set[str], staging: Staging
) -> list[Output]:
    """The part as the last build left it in place, when it holds the same pages and Pagefind would
    read each of them as before (a new story re-renders its neighbours, but only their navigation).

    Pagefind writes its filter files in no fixed order, so indexing the same pages again would
    still replace files: a build that changes other pages (a list page, a feed) keeps the part.
    """
    index = held.get(part.name, [])
    if last.get(part.name) != part.members or not index:
        return []
    changed = [page.path for page in part.pages if page.path in staged]
    if len(changed) > max(16, len(part.pages) // 4):  # reading them costs more than indexing the part
        return []
    for path in changed:
        new = _read(safe_join(staging.folder, path, ours=True))
        if indexed_view(new) != indexed_view(_read(safe_join(staging.destination, path, ours=True))):
            return []
    return index


def _of_another_version(
    parts: list[Part], todo: list[Part], found: dict[str, list[Output]], destination: Path
) -> list[Part]:
    """The kept parts that another Pagefind made, if it has changed since (its script refuses to
    merge indexes of other versions): told by the version each part's entry file names."""
    made = [out.content for part in todo for out in found[part.name] if out.path.endswith(f"/{ENTRY}")]
    if not made:
        return []
    version = _version(made[0])
    kept = [part for part in parts if part not in todo and found[part.name]]
    return [part for part in kept if _version(_read(destination / FOLDER / part.name / ENTRY)) != version]


def _version(entry: bytes | None) -> str | None:
    """The Pagefind version an index's entry file names; None if it names none."""
    try:
        return str(json.loads(entry or b"")["version"])
    except (ValueError, TypeError, KeyError):
        return None


def _index_parts(site_file: Path, parts: list[Part], staging: Staging) -> dict[str, list[Output]]:
    """Index each part anew, in a scratch folder beside the output folder: its files, by part."""
    scratch = _scratch(staging)
    try:
        made = {}
        for part in parts:
            folder = scratch / part.name
            found = _link_pages(part.pages, staging, folder / "site")
            if found:
                _run_pagefind(site_file, folder)
            made[part.name] = _outputs(folder / "index", part.name) if found else []
        return made
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


def _read(page: Path) -> bytes:
    """The page at `page`, or nothing when there is no such file."""
    try:
        return page.read_bytes()
    except FileNotFoundError:
        return b""


def _link_pages(pages: Iterable[Page], staging: Staging, site: Path) -> int:
    """Link each page that asks to be indexed into `site`, in the site's order; how many did."""
    found = 0
    for page in pages:
        if not page.path.endswith(".html"):
            continue
        staged = safe_join(staging.folder, page.path, ours=True)
        source = staged if staged.is_file() else safe_join(staging.destination, page.path, ours=True)
        if INDEXED not in _read(source):
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


def _outputs(index: Path, part: str) -> list[Output]:
    """Pagefind's files as outputs under pagefind/`part`/, in a fixed order, its own interfaces left out."""
    files = {}
    for folder, _, names in os.walk(index):
        for name in names:
            relative = Path(folder, name).relative_to(index).as_posix()
            if relative not in UNUSED:
                files[relative] = Path(folder, name).read_bytes()
    return [Output(f"{FOLDER}/{part}/{path}", data) for path, data in sorted(in_order(files).items())]
