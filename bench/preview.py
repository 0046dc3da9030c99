"""Time how long a saved article takes to show in `digest serve`, beside a fresh `digest build`.

The preview runs as a user runs it (`digest serve` in the site folder). Each save appends a new
sentence to one article; the clock stops when the preview's HTTP server returns the article with
that sentence in it: noticing the save, rebuilding and serving are all inside. Between saves the
same edit is built by `digest build` in a fresh process, the baseline, so both see the same noise.
The baseline builds a copy of the site, so neither one's cache writes disturb the other.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402  (sibling scripts, not a package)
from run import Site, build, digest_site, log, measure, seconds, spread  # noqa: E402

REBUILT = re.compile(r"rebuilt: \d+ files? changed in ([\d.]+) s")
TICK = 0.005  # how often the article is fetched while waiting for a save to show
IDLE = 3.0  # seconds over which the idle server's CPU use is measured
PAUSE = 1.5  # between saves, as an editor types: the preview tidies its memory in the pauses


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode()
    except OSError:  # not listening yet, or busy with its first build
        return ""


def wait_for(read: Callable[[], str], text: str, timeout: float) -> None:
    """Return once what `read` returns contains `text`."""
    start = time.perf_counter()
    while text not in read():
        if time.perf_counter() - start > timeout:
            sys.exit(f"{text!r} did not show within {timeout:.0f} s")
        time.sleep(TICK)


Reader = Callable[[], tuple[str, float]]  # the page's text, and when (epoch seconds) it was loaded


def over_http(url: str) -> Reader:
    """The page fetched every TICK: shown when a fetch returns it."""
    return lambda: (fetch(url), time.time())


@contextmanager
def browser_tab(url: str) -> Iterator[Reader]:
    """Debian's headless Chromium showing `url`, connected to the live reload.

    The time a page was shown is the reloaded document's own DOMContentLoaded, in the browser's
    clock, so looking at the tab only every 50 ms neither rounds the figure nor loads the machine.
    """
    from selenium import webdriver
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must not download a browser
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    page = (
        "const m = document.querySelector('main'), n = performance.getEntriesByType('navigation')[0];"
        "return [m ? m.innerText : '', performance.timeOrigin + (n ? n.domContentLoadedEventEnd : 0)];"
    )
    connected = "return String(!!(window.LiveReload && LiveReload.connector._connectionDesired))"

    def read() -> tuple[str, float]:
        time.sleep(0.05)
        try:
            text, loaded = driver.execute_script(page)
            return str(text), loaded / 1000
        except WebDriverException:  # the tab is reloading
            return "", 0.0

    try:
        driver.get(url)
        wait_for(lambda: str(driver.execute_script(connected)), "true", 30)
        yield read
    finally:
        driver.quit()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a running process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def article_url(root: Path, slug: str) -> str:
    """The article's site-relative URL, found in the preview's output by its slug."""
    found = sorted((root / ".digest-cache/preview").glob(f"**/{slug}/index.html"))
    if not found:
        sys.exit(f"no page for {slug} in the preview")
    return found[0].parent.relative_to(root / ".digest-cache/preview").as_posix() + "/"


@contextmanager
def preview(root: Path) -> Iterator[tuple[str, subprocess.Popen[str], list[str]]]:
    """`digest serve` in `root` after its first build: its URL, its process and what it prints."""
    port = free_port()
    serve = subprocess.Popen(
        [sys.executable, "-m", "digest.cli", "serve", "--port", str(port)],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(serve.stdout or ()), daemon=True).start()
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_for(lambda: fetch(base), "<main", timeout=3600)
        yield base, serve, lines
    finally:
        serve.terminate()
        serve.wait(timeout=30)


def saves_timed(site: Site, twin: Site, read: Reader, saves: int) -> tuple[list[float], list[float]]:
    """Per save: seconds until `read` shows it, and the same edit's fresh `digest build` of `twin`."""
    original = site.target.read_bytes()
    shown: list[float] = []
    built: list[float] = []
    try:
        for number in range(1, saves + 1):
            log(f"  save {number}/{saves}")
            sentence = f"Preview check number {number} of this run."
            saved = time.time()
            site.target.write_bytes(original + f"\n{sentence}\n".encode())
            while sentence not in (page := read())[0]:
                if time.time() - saved > 120:
                    sys.exit(f"save {number} did not show within 120 s")
                time.sleep(TICK)
            shown.append(page[1] - saved)
            time.sleep(PAUSE)
            twin.target.write_bytes(site.target.read_bytes())
            built.append(measure(twin, twin.cmd)["wall_s"])
            time.sleep(PAUSE)
    finally:
        site.target.write_bytes(original)
    return shown, built


def bench(root: Path, n: int, saves: int, seed: int, browser: bool) -> str:
    arts = corpus.articles(n, seed)
    site = digest_site(root, arts, n // 2, clean_flag=False)
    build(site, site.cmd)
    twin = replace(site, root=root.with_name(f"{root.name}-build"))  # the baseline's own copy
    twin.target = twin.root / site.target.relative_to(root)
    shutil.copytree(root, twin.root, symlinks=True)
    build(twin, twin.cmd)  # its output folder has another path: made once, unmeasured
    log(f"  {n} articles: first preview build")
    with preview(root) as (base, serve, lines), ExitStack() as stack:
        time.sleep(PAUSE)
        before = cpu_seconds(serve.pid)
        time.sleep(IDLE)
        idle = (cpu_seconds(serve.pid) - before) / IDLE
        url = base + article_url(root, arts[n // 2].slug)
        read = stack.enter_context(browser_tab(url)) if browser else over_http(url)
        shown, built = saves_timed(site, twin, read, saves)
    rebuilds = [float(m[1]) for line in lines if (m := REBUILT.search(line))][:saves]
    where = "in an open browser tab" if browser else "over HTTP"
    return "\n".join(
        [
            f"### {n:,} articles, {saves} saves",
            "",
            "| | wall |",
            "|---|---|",
            f"| save → shown by `digest serve` ({where}) | {spread(shown, seconds)} |",
            f"| … of which rebuilding, as the preview reports it | {spread(rebuilds, seconds)} |",
            f"| same edit, fresh `digest build` | {spread(built, seconds)} |",
            f"| ratio | {statistics.median(built) / statistics.median(shown):.1f}\u00d7 |",
            f"| idle preview server | {idle:.1%} of a core |",
        ]
    )


def main() -> None:
    """`python bench/preview.py [--articles 10000] [--saves 10] [--browser] [--keep DIR]`."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--articles", type=int, default=10_000, help="corpus size (default 10000)")
    ap.add_argument("--saves", type=int, default=10, help="measured saves (default 10)")
    ap.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    ap.add_argument("--browser", action="store_true", help="read the page in headless Chromium (selenium)")
    ap.add_argument("--keep", type=Path, metavar="DIR", help="work in DIR and keep it (default: a temp dir)")
    args = ap.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="digest-preview-"))
    try:
        print(f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores.\n")
        print(
            bench(work / str(args.articles), args.articles, args.saves, args.seed, args.browser), flush=True
        )
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
