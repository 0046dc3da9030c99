"""What search costs: one-edit rebuilds with and without it, the index on disk, and a first query's bytes.

    python bench/search.py --articles 10000 [--runs 3] [--keep DIR]

Builds the seeded benchmark corpus (bench/corpus.py), then times, in fresh processes, a no-op rebuild,
a rebuild after an edit to the newest story (the index part of its month), one after an edit to a
story in the middle of the archive (the part of its year), and one after a new story is added, with
`search: true` and `search: false` alternating run by run; measures `public/pagefind/` on disk; and
serves the site to headless Chromium, types one query on the search page and sums the transfer sizes
of what the browser fetched from `pagefind/` (every file the first query needed: Pagefind's script,
its WebAssembly, each part's metadata, the index chunks and fragments).
Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))  # the test suite's browser and HTTP server

import http_server  # noqa: E402
from browser import chromium  # noqa: E402
from http_server import _handler, serve  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


def digest(site: Path, *args: str) -> float:
    """Seconds one `digest build` takes in a fresh process."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "digest.cli", "build", "-q", *args], cwd=site, check=True)
    return time.perf_counter() - started


def set_search(site: Path, on: bool) -> None:
    text = (site / "site.yml").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("search:")]
    (site / "site.yml").write_text("\n".join([*lines, f"search: {str(on).lower()}"]) + "\n", encoding="utf-8")


def edit(site: Path, run: int, which: str) -> None:
    """Append one sentence to the newest story, or to the one in the middle of the archive."""
    stories = sorted((site / "content").rglob("*.md"))  # YYYY/MM/YYYY-MM-DD-slug.md: in date order
    story = stories[-1] if which == "newest" else stories[len(stories) // 2]
    with story.open("a", encoding="utf-8") as file:
        file.write(f"\nThe correspondent added a note in revision {run}.\n")


def add(site: Path, run: int, on: bool) -> None:
    """A new story, dated as the newest and tagged alike (so it joins related lists), filed beside it."""
    newest = sorted((site / "content").rglob("*.md"))[-1]
    lines = newest.read_text(encoding="utf-8").splitlines()
    tags, date = (next(line for line in lines if line.startswith(key)) for key in ("tags:", "date:"))
    newest.with_name(f"{newest.stem}-added-{run}-{str(on).lower()}.md").write_text(
        f"---\ntitle: A story added in run {run}\n{date}\nsource: Bench Wire\n{tags}\n---\n"
        f"A short new story, written for run {run} of the benchmark.\n",
        encoding="utf-8",
    )


def index_size(public: Path) -> tuple[int, int]:
    files = [p for p in (public / "pagefind").rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def first_query_bytes(public: Path, query: str, profile: Path) -> tuple[int, int]:
    """Bytes served from pagefind/ for one query on a freshly opened search page, and the results shown.

    Counted by the server, since Pagefind fetches some files from a web worker, whose requests the
    page's own resource timing does not list.
    """
    served_bytes: list[int] = []

    def counted(folder: Path, prefix: str) -> type:
        class Counting(_handler(folder, prefix)):  # type: ignore[misc]
            def _send(self, status: int, content: bytes, suffix: str, body: bool) -> None:
                if "/pagefind/" in self.path:
                    served_bytes.append(len(content))
                super()._send(status, content, suffix, body)

        return Counting

    with patched_handler(counted), serve(public, "/") as served, chromium(profile) as browser:
        browser.get(served.url + "search/")
        field = browser.find_element(By.ID, "search-query")
        field.send_keys(query)
        WebDriverWait(browser, 60).until(lambda b: b.find_element(By.ID, "search-status").text)
        time.sleep(1)  # the results' fragments arrive just after the count is announced
        shown = len(browser.find_elements(By.CSS_SELECTOR, "#search-results li"))
        return sum(served_bytes), shown


@contextmanager
def patched_handler(make: Callable[[Path, str], type]) -> Iterator[None]:
    """Have the test suite's server use the request handler `make` gives."""
    original = http_server._handler
    http_server._handler = make
    try:
        yield
    finally:
        http_server._handler = original


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--articles", type=int, default=10000)
    options.add_argument("--runs", type=int, default=3)
    options.add_argument("--seed", type=int, default=1)
    options.add_argument("--query", default="minister")
    options.add_argument("--keep", type=Path, help="build in this folder and keep it")
    given = options.parse_args()
    folder = given.keep or Path(tempfile.mkdtemp(prefix="digest-search-bench-"))
    site = folder / f"site-{given.articles}"
    if not site.exists():
        corpus = [sys.executable, str(HERE / "corpus.py"), str(site), "--articles", str(given.articles)]
        subprocess.run([*corpus, "--seed", str(given.seed)], check=True, stdout=subprocess.DEVNULL)
    times: dict[str, list[float]] = {}
    for on in (False, True):  # one untimed build of each, so each timed one starts from a built site
        set_search(site, on)
        digest(site)
    for run in range(given.runs):
        for on in (False, True):
            set_search(site, on)
            digest(site)  # the settings changed: every page is made again, untimed
            times.setdefault(f"no-op, search {on}", []).append(digest(site))
            for which in ("newest", "middle"):
                edit(site, run, which)
                times.setdefault(f"one edit to the {which} story, search {on}", []).append(digest(site))
            add(site, run, on)
            times.setdefault(f"one story added, search {on}", []).append(digest(site))
    size, count = index_size(site / "public")
    query_bytes, shown = first_query_bytes(site / "public", given.query, folder / "chromium")
    print(f"{given.articles} stories, {os.cpu_count()} cores, median of {given.runs} fresh-process builds\n")
    print("| measure | value |\n|---|---|")
    for name, values in times.items():
        print(f"| {name} | {statistics.median(values):.2f} s ({min(values):.2f} to {max(values):.2f}) |")
    print(f"| index on disk | {size / 1e6:.1f} MB in {count} files |")
    print(f"| first query ({given.query!r}, {shown} results shown) | {query_bytes / 1e3:.0f} kB downloaded |")


if __name__ == "__main__":
    main()
