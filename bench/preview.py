"""Time how long a saved article takes to show in `digest serve`, beside a fresh `digest build`.

The preview runs as a user runs it (`digest serve` in the site folder). Each save appends a new
sentence to one article; the clock stops when the preview's HTTP server returns the article with
that sentence in it: noticing the save, rebuilding and serving are all inside. Between saves the
same edit is built by `digest build` in a fresh process, so both see the same noise. That build
works on a copy of the site, so neither one's cache writes disturb the other.

With --baseline CHECKOUT, a second `digest serve` runs that checkout's digest package on its own
copy of the site instead, and the saves take turns between the two previews, so a change's cost to
the preview is a ratio measured in one run. Both previews are read over HTTP unless --browser.
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
from dataclasses import dataclass, replace
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402  (sibling scripts, not a package)
from run import Site, build, digest_site, log, measure, seconds, spread  # noqa: E402

REBUILT = re.compile(r"rebuilt: \d+ files? changed in ([\d.]+) s")
TICK = 0.005  # how often the article is fetched while waiting for a save to show
IDLE = 3.0  # seconds over which the idle server's CPU use is measured
REBUILDING = "… of which rebuilding, as the preview reports it"
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
def preview(site: Site) -> Iterator[tuple[str, subprocess.Popen[str], list[str]]]:
    """`digest serve` in the site folder after its first build: its URL, its process and what it prints.

    It runs with the site's environment, so a baseline's preview imports the baseline's digest.
    """
    port = free_port()
    serve = subprocess.Popen(
        [sys.executable, "-m", "digest.cli", "serve", "--port", str(port)],
        cwd=site.root,
        env=site.env,
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


@dataclass(frozen=True)
class Watched:
    """A running preview, ready to be timed: how its page is read and what it has printed so far."""

    site: Site
    serve: subprocess.Popen[str]
    lines: list[str]
    read: Reader
    idle: float  # share of a core the server used while nothing happened

    def rebuilds(self, saves: int) -> list[float]:
        """The rebuild times the preview printed, one per save."""
        return [float(m[1]) for line in self.lines if (m := REBUILT.search(line))][:saves]


def watched(stack: ExitStack, sites: list[Site], slug: str, browser: bool) -> list[Watched]:
    """A preview of each site, started one after the other; idle CPU measured for all in one window.

    The idle figure comes before any page is opened, so a browser tab's live-reload socket is not in it.
    """
    started = [stack.enter_context(preview(site)) for site in sites]
    time.sleep(PAUSE)
    before = [cpu_seconds(serve.pid) for _, serve, _ in started]
    time.sleep(IDLE)
    previews = []
    for site, (base, serve, lines), was in zip(sites, started, before, strict=True):
        url = base + article_url(site.root, slug)
        read = stack.enter_context(browser_tab(url)) if browser else over_http(url)
        previews.append(Watched(site, serve, lines, read, (cpu_seconds(serve.pid) - was) / IDLE))
    return previews


@dataclass(frozen=True)
class Clock:
    """One way a save gets shown: the story it rewrites, and seconds until the save shows there."""

    target: Path
    shown: Callable[[str, float], float]  # (the new sentence, when the save was written) -> seconds


def in_preview(preview: Watched) -> Clock:
    """A preview's clock: it stops when the page, read every TICK, has the new sentence in it."""

    def shown(sentence: str, saved: float) -> float:
        while sentence not in (page := preview.read())[0]:
            if time.time() - saved > 120:
                sys.exit(f"{preview.site.name}: a save did not show within 120 s")
            time.sleep(TICK)
        return page[1] - saved

    return Clock(preview.site.target, shown)


def in_fresh_build(site: Site) -> Clock:
    """A fresh `digest build` of the saved story's site, timed by the `_measure.py` wrapper."""
    return Clock(site.target, lambda sentence, saved: measure(site, site.cmd)["wall_s"])


def saves_timed(clocks: list[Clock], saves: int) -> list[list[float]]:
    """Per clock, seconds per save: every save goes to each clock in turn, with the same new sentence.

    Taking turns save by save lets both see the same moment's machine noise; the pause after each is
    a writer's pause between saves, in which a preview tidies its memory.
    """
    originals = [clock.target.read_bytes() for clock in clocks]
    times: list[list[float]] = [[] for _ in clocks]
    try:
        for number in range(1, saves + 1):
            log(f"  save {number}/{saves}")
            sentence = f"Preview check number {number} of this run."
            for clock, original, taken in zip(clocks, originals, times, strict=True):
                saved = time.time()
                clock.target.write_bytes(original + f"\n{sentence}\n".encode())
                taken.append(clock.shown(sentence, saved))
                time.sleep(PAUSE)
    finally:
        for clock, original in zip(clocks, originals, strict=True):
            clock.target.write_bytes(original)
    return times


def shown_label(browser: bool) -> str:
    """The first row's name, saying how the page was read."""
    return f"save → shown by `digest serve` ({'in an open browser tab' if browser else 'over HTTP'})"


def table(title: str, head: list[str], rows: list[list[str]]) -> str:
    """A Markdown table under a heading, as bench/run.py prints its own."""
    lines = [f"### {title}", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    return "\n".join([*lines, *("| " + " | ".join(row) + " |" for row in rows)])


def ratio(numerator: list[float], denominator: list[float]) -> str:
    """Two medians' ratio, as the tables print it."""
    return f"{statistics.median(numerator) / statistics.median(denominator):.2f}\u00d7"


def against_build(root: Path, n: int, saves: int, seed: int, browser: bool, search: bool = False) -> str:
    """The preview beside a fresh `digest build` of the same edit, on a copy of the site."""
    arts = corpus.articles(n, seed)
    site = digest_site(root, arts, n // 2, clean_flag=False, search=search)
    build(site, site.cmd)
    twin = replace(site, root=root.with_name(f"{root.name}-build"))  # the fresh builds' own copy
    twin.target = twin.root / site.target.relative_to(root)
    shutil.copytree(root, twin.root, symlinks=True)
    build(twin, twin.cmd)  # its output folder has another path: made once, unmeasured
    log(f"  {n} articles: first preview build")
    with ExitStack() as stack:
        (served,) = watched(stack, [site], arts[n // 2].slug, browser)
        times, built = saves_timed([in_preview(served), in_fresh_build(twin)], saves)
    rebuilt = served.rebuilds(saves)
    return table(
        f"{n:,} articles, {saves} saves",
        ["", "wall"],
        [
            [shown_label(browser), spread(times, seconds)],
            [REBUILDING, spread(rebuilt, seconds)],
            ["same edit, fresh `digest build`", spread(built, seconds)],
            ["ratio", f"{statistics.median(built) / statistics.median(times):.1f}\u00d7"],
            ["idle preview server", f"{served.idle:.1%} of a core"],
        ],
    )


def against_baseline(root: Path, n: int, saves: int, seed: int, browser: bool, checkout: Path) -> str:
    """This checkout's preview beside the baseline checkout's, each on its own copy of the site."""
    arts = corpus.articles(n, seed)
    sites = [
        digest_site(root, arts, n // 2, clean_flag=False),
        digest_site(
            root.with_name(f"{root.name}-baseline"), arts, n // 2, clean_flag=False, checkout=checkout
        ),
    ]
    for site in sites:
        log(f"  {n} articles: {site.name}: first build and first preview build")
        build(site, site.cmd)
    with ExitStack() as stack:
        ours, theirs = watched(stack, sites, arts[n // 2].slug, browser)
        shown = saves_timed([in_preview(ours), in_preview(theirs)], saves)
    rebuilt = [ours.rebuilds(saves), theirs.rebuilds(saves)]
    packages = f"digest imported from `{imported(sites[0])}`, baseline from `{imported(sites[1])}`.\n\n"
    return packages + table(
        f"{n:,} articles, {saves} saves each, the two previews taking turns",
        ["", "digest", "baseline", "digest / baseline"],
        [
            [shown_label(browser), *(spread(t, seconds) for t in shown), ratio(*shown)],
            [REBUILDING, *(spread(t, seconds) for t in rebuilt), ratio(*rebuilt)],
            ["idle preview server", *(f"{w.idle:.1%} of a core" for w in (ours, theirs)), ""],
        ],
    )


def imported(site: Site) -> str:
    """Where the site folder's processes import digest from: printed, so a wrong PYTHONPATH shows."""
    code = "import digest, pathlib; print(pathlib.Path(digest.__file__).parent)"
    run = [sys.executable, "-c", code]
    done = subprocess.run(run, cwd=site.root, env=site.env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def main() -> None:
    """`python bench/preview.py [--articles N] [--saves N] [--browser] [--baseline CHECKOUT] [--keep DIR]`."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--articles", type=int, default=10_000, help="corpus size (default 10000)")
    ap.add_argument("--saves", type=int, default=10, help="measured saves (default 10)")
    ap.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    ap.add_argument("--browser", action="store_true", help="read the page in headless Chromium (selenium)")
    ap.add_argument(
        "--baseline",
        type=Path,
        metavar="CHECKOUT",
        help="instead of a fresh `digest build`, time a second `digest serve` running another "
        "checkout's digest package (e.g. a git worktree of main), saves taking turns with this one's",
    )
    ap.add_argument("--keep", type=Path, metavar="DIR", help="work in DIR and keep it (default: a temp dir)")
    ap.add_argument("--search", action="store_true", help="with the search index (not with --baseline)")
    args = ap.parse_args()
    if args.baseline and not (args.baseline / "digest" / "cli.py").is_file():
        ap.error(f"--baseline {args.baseline}: no digest/cli.py there; give the folder holding the package")
    work = args.keep or Path(tempfile.mkdtemp(prefix="digest-preview-"))
    root = work / str(args.articles)
    try:
        print(f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores.\n")
        if args.baseline:
            report = against_baseline(root, args.articles, args.saves, args.seed, args.browser, args.baseline)
        else:
            report = against_build(root, args.articles, args.saves, args.seed, args.browser, args.search)
        print(report, flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
