"""Time `digest build` (and optionally Pelican) on generated corpora: cold, no-op and one-change rebuilds."""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from digest.config import site_config
from digest.config.themes import BUILTIN_THEMES

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402  (a sibling script, not a package)

SENTENCE = "\nA late update: officials confirmed the figures on Friday evening.\n"
MARKER = "<!-- bench: template edited -->\n"
SCENARIOS = ("cold build", "no-op rebuild", "one article edited", "one tag added", "one template edited")
SCENARIOS += ("one article deleted",)

Revert = Callable[[], None]


@dataclass
class Site:
    """One generator's copy of the corpus, and how to build it."""

    name: str
    root: Path
    cold_cmd: list[str]
    cmd: list[str]
    clean: tuple[str, ...]  # folders removed before a cold build
    target: Path  # the article that the one-change scenarios touch
    add_tag: Callable[[str], str]  # file text -> file text with one more tag
    template_src: Path
    template_dst: Path
    env: dict[str, str] | None = None  # the environment its builds run in (None: ours)
    results: dict[str, list[dict[str, float]]] = field(default_factory=dict)


def build(site: Site, cmd: list[str]) -> None:
    """An unmeasured build that must succeed (to restore the built state)."""
    done = subprocess.run(cmd, cwd=site.root, env=site.env, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(f"{site.name} build failed in {site.root}:\n{done.stdout}{done.stderr}")


def measure(site: Site, cmd: list[str]) -> dict[str, float]:
    """One build in a fresh process, measured by the `_measure.py` wrapper."""
    wrapped = [sys.executable, str(BENCH / "_measure.py"), "--", *cmd]
    done = subprocess.run(wrapped, cwd=site.root, env=site.env, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(f"{site.name} build failed in {site.root}:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def rewrite(path: Path, change: Callable[[bytes], bytes | None]) -> Revert:
    """Change (or with None, delete) a file; the returned function puts the original bytes back."""
    original = path.read_bytes()
    new = change(original)
    if new is None:
        path.unlink()
    else:
        path.write_bytes(new)
    return lambda: path.write_bytes(original)


def apply(site: Site, scenario: str) -> Revert:
    """Put the site in the scenario's starting state; returns how to undo it."""
    if scenario == "cold build":
        for name in site.clean:
            shutil.rmtree(site.root / name, ignore_errors=True)
    elif scenario == "one article edited":
        return rewrite(site.target, lambda b: b + SENTENCE.encode())
    elif scenario == "one tag added":
        return rewrite(site.target, lambda b: site.add_tag(b.decode()).encode())
    elif scenario == "one article deleted":
        return rewrite(site.target, lambda b: None)
    elif scenario == "one template edited":
        existed = site.template_dst.parent.exists()
        site.template_dst.parent.mkdir(parents=True, exist_ok=True)
        site.template_dst.write_text(MARKER + site.template_src.read_text(encoding="utf-8"), encoding="utf-8")

        def undo() -> None:
            site.template_dst.unlink()
            if not existed:
                site.template_dst.parent.rmdir()

        return undo
    return lambda: None


def tag_to_add(tags: list[str]) -> str:
    """A tag the corpus already uses but this article lacks (so one existing tag page changes)."""
    have = {t.casefold() for t in tags}
    return next(t for t in corpus.TAGS if t.casefold() not in have)


def digest_site(
    root: Path,
    arts: list[corpus.Article],
    target: int,
    clean_flag: bool,
    checkout: Path | None = None,
    *,
    editions: bool = False,
    search: bool = False,
) -> Site:
    """Write the digest corpus and describe how to build it: with the digest we import, or `checkout`'s.

    `editions`: the same corpus with weekly editions on (named "editions" in the report). `search`:
    with the Pagefind index (bench/search.py measures it); a checkout from before search has none.
    """
    settings = checkout / "digest/config/site_config.py" if checkout else Path(site_config.__file__)
    knows_search = settings.is_file() and "search: bool" in settings.read_text(encoding="utf-8")
    paths = corpus.write_site(root, arts, editions=editions, search=search if knows_search else None)
    extra = tag_to_add(arts[target].tags)
    cmd = [sys.executable, "-m", "digest.cli", "build", "-q"]
    template = BUILTIN_THEMES / "default/templates/article.html"
    env = None
    if checkout is not None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(checkout), os.environ.get("PYTHONPATH", "")])}
    return Site(
        name="editions" if editions else "digest" if checkout is None else "baseline",
        root=root,
        env=env,
        cold_cmd=[*cmd, "--clean"] if clean_flag else cmd,
        cmd=cmd,
        clean=("public", ".digest-cache"),
        target=paths[target],
        add_tag=lambda text: re.sub(r"^(tags: \[.*)\]$", rf'\1, "{extra}"]', text, count=1, flags=re.M),
        template_src=template,
        template_dst=root / "templates" / "article.html",
    )


PELICANCONF = """\
SITENAME = "Bench Digest"
SITEURL = ""
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_PAGINATION = 20
YEAR_ARCHIVE_SAVE_AS = "archive/{date:%Y}/index.html"
MONTH_ARCHIVE_SAVE_AS = "archive/{date:%Y}/{date:%m}/index.html"
THEME_TEMPLATES_OVERRIDES = ["templates"]
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
"""
PELICANCONF_CACHED = """\
from pelicanconf import *  # noqa: F403

CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
"""


def pelican_site(root: Path, arts: list[corpus.Article], target: int) -> Site:
    """Write the same corpus in Pelican's metadata format, with a cold and a cached configuration."""
    content = root / "content"
    for a in arts:
        path = content / a.relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(corpus.pelican_text(a).encode())
    (root / "templates").mkdir(exist_ok=True)
    (root / "pelicanconf.py").write_text(PELICANCONF, encoding="utf-8")
    (root / "pelicanconf_cached.py").write_text(PELICANCONF_CACHED, encoding="utf-8")
    extra = tag_to_add(arts[target].tags)
    cmd = [sys.executable, "-m", "pelican", "content", "-o", "output", "-q", "-s"]
    theme = Path(importlib.util.find_spec("pelican").origin).parent / "themes/notmyidea/templates"
    return Site(
        name="Pelican",
        root=root,
        cold_cmd=[*cmd, "pelicanconf.py"],
        cmd=[*cmd, "pelicanconf_cached.py"],
        clean=("output", "cache", "__pycache__"),
        target=content / arts[target].relpath,
        add_tag=lambda text: re.sub(r"^(Tags: .*)$", rf"\1, {extra}", text, count=1, flags=re.M),
        template_src=theme / "article.html",
        template_dst=root / "templates" / "article.html",
    )


def bench_size(
    base: Path, n: int, options: argparse.Namespace, pelican: bool, clean_flag: bool
) -> list[Site]:
    """All scenarios for one corpus size; the builders alternate run by run so noise hits all alike."""
    arts, runs = corpus.articles(n, options.seed), options.runs
    target = n // 2
    search = options.search
    sites = [digest_site(base / "digest", arts, target, clean_flag, search=search)]
    if options.baseline:
        sites.append(
            digest_site(base / "baseline", arts, target, clean_flag, options.baseline, search=search)
        )
    if options.editions:
        sites.append(digest_site(base / "editions", arts, target, clean_flag, editions=True, search=search))
    if pelican:
        sites.append(pelican_site(base / "pelican", arts, target))
    if "cold build" not in options.scenarios:
        for site in sites:  # every other scenario starts from a built site: built once, not measured
            log(f"  {n} articles: {site.name}: first build (not measured)")
            build(site, site.cold_cmd)
            if site.cmd != site.cold_cmd:
                build(site, site.cmd)
    for scenario in options.scenarios:
        for run in range(runs):
            for site in sites:
                log(f"  {n} articles: {site.name}: {scenario} ({run + 1}/{runs})")
                undo = apply(site, scenario)
                cmd = site.cold_cmd if scenario == "cold build" else site.cmd
                site.results.setdefault(scenario, []).append(measure(site, cmd))
                undo()
                if scenario not in ("cold build", "no-op rebuild"):
                    build(site, site.cmd)  # back to the same built state, not measured
            if scenario == "cold build" and run == runs - 1:
                for site in sites:
                    if site.cmd != site.cold_cmd:
                        build(site, site.cmd)  # fill the rebuild cache (Pelican), not measured
    return sites


def spread(values: list[float], fmt: Callable[[float], str]) -> str:
    """`median (min-max)`, or just the value for a single run."""
    if len(values) == 1:
        return fmt(values[0])
    return f"{fmt(statistics.median(values))} ({fmt(min(values))}\u2013{fmt(max(values))})"


def seconds(v: float) -> str:
    """Seconds with three significant-ish digits."""
    return f"{v:.2f} s" if v < 100 else f"{v:.0f} s"


def table(n: int, sites: list[Site], scenarios: list[str]) -> str:
    """The Markdown table for one corpus size: digest's figures, then each other builder's beside them."""
    digest = sites[0]
    head = ["scenario", "wall", "CPU", "peak RSS"]
    for other in sites[1:]:
        head += [f"{other.name} wall", f"{other.name} / digest"]
    lines = [f"### {n:,} articles", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for scenario in scenarios:
        rs = digest.results[scenario]
        wall = [r["wall_s"] for r in rs]
        row = [
            scenario,
            spread(wall, seconds),
            spread([r["cpu_s"] for r in rs], seconds),
            spread([r["maxrss_kb"] / 1024 for r in rs], lambda v: f"{v:.0f} MB"),
        ]
        for other in sites[1:]:
            owall = [r["wall_s"] for r in other.results[scenario]]
            row += [spread(owall, seconds), f"{statistics.median(owall) / statistics.median(wall):.2f}\u00d7"]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def log(message: str) -> None:
    """Progress goes to stderr so stdout is just the report."""
    print(message, file=sys.stderr, flush=True)


def main() -> None:
    """`python bench/run.py [--sizes 1000,10000] [--runs 3] [--pelican] [--keep DIR]`."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="1000,10000", help="article counts, e.g. 1000,10000")
    ap.add_argument("--runs", type=int, default=3, help="measured runs per scenario (default 3)")
    ap.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    ap.add_argument("--pelican", action="store_true", help="also build the same corpus with Pelican")
    ap.add_argument("--keep", type=Path, metavar="DIR", help="build in DIR and keep it (default: a temp dir)")
    ap.add_argument(
        "--baseline",
        type=Path,
        metavar="CHECKOUT",
        help="also build with the digest package of another checkout (e.g. a git worktree of main)",
    )
    ap.add_argument(
        "--editions", action="store_true", help="also build the same corpus with weekly editions on"
    )
    ap.add_argument(
        "--search",
        action="store_true",
        help="build with the search index (off by default: bench/search.py measures what it costs)",
    )
    ap.add_argument(
        "--scenarios",
        type=lambda text: [s.strip() for s in text.split(",") if s.strip()],
        default=list(SCENARIOS),
        help="comma-separated subset, in order (default: all): " + ", ".join(SCENARIOS),
    )
    args = ap.parse_args()
    # builds run as a user's do, with Python's compiled modules cached: without that each process
    # compiles every module it imports, a cost that grows with the number of modules, not the site
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    if unknown := set(args.scenarios) - set(SCENARIOS):
        ap.error(f"unknown scenario(s): {', '.join(sorted(unknown))}")
    if args.baseline and not (args.baseline / "digest" / "cli.py").is_file():
        ap.error(f"--baseline {args.baseline}: no digest/cli.py there; give the folder holding the package")
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    pelican = args.pelican and importlib.util.find_spec("pelican") is not None
    if args.pelican and not pelican:
        log("pelican is not importable (pip install -e '.[bench]'); running digest only")
    helptext = subprocess.run(
        [sys.executable, "-m", "digest.cli", "build", "--help"], capture_output=True, text=True, check=True
    ).stdout
    version = subprocess.run(
        [sys.executable, "-m", "digest.cli", "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    work = args.keep or Path(tempfile.mkdtemp(prefix="digest-bench-"))
    try:
        print(f"{version}, Python {platform.python_version()}, {platform.machine()}, runs={args.runs}.")
        print("Each cell: median (min\u2013max) over fresh-process builds; peak RSS = largest process.\n")
        for n in sizes:
            base = work / str(n)
            if base.exists():
                shutil.rmtree(base)
            sites = bench_size(base, n, args, pelican, "--clean" in helptext)
            print(table(n, sites, args.scenarios) + "\n", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
