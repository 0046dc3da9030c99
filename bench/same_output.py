"""Check that this checkout builds byte for byte what a baseline checkout builds, before a refactor lands.

    python bench/same_output.py --baseline /path/to/old/checkout [--articles 10000]

Builds, with each checkout's own code, the sample digest, the three corpora in ../shared/corpora
(their genuinely bad files ignored, stand-in files for their images) and a generated corpus, each
cold and then again after one story is edited, and compares the output folders file by file.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from digest.config.site_config import SiteConfig

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
CORPORA = ROOT.parent / "shared" / "corpora"
BAD_FILES = {  # files each corpus's test expects to be reported, left out here so the rest builds
    "digitalgov-news": ["2018-09-24-example.md", "2023-11-20-infrastructure-as-a-public-service.md"],
}
sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402  (a sibling script, not a package)


def sites(work: Path, count: int) -> dict[str, Path]:
    """Each site to compare: a folder holding site.yml (its content given by path or copied in)."""
    found = {"sample": work / "sample"}
    shutil.copytree(ROOT / "content", work / "sample/content")
    shutil.copy(ROOT / "site.yml", work / "sample/site.yml")
    for name in sorted(p.name for p in CORPORA.iterdir() if (p / "content").is_dir()):
        site = found[name] = work / name
        content = site / "content"
        shutil.copytree(CORPORA / name / "content", content)
        settings = yaml.safe_load((ROOT / "tests/corpora" / f"{name}.yml").read_text())
        ignored = settings.get("ignore", list(SiteConfig.__dataclass_fields__["ignore"].default))
        settings["ignore"] = [*ignored, *BAD_FILES.get(name, [])]
        (site / "site.yml").write_text(yaml.safe_dump(settings, allow_unicode=True))
        for path in content.rglob("*.md"):
            for image in re.finditer(
                r"^image:\s*['\"]?/?([^'\"\s]+)", path.read_text(errors="replace"), re.M
            ):
                if "://" not in image.group(1):
                    (site / "static" / image.group(1)).parent.mkdir(parents=True, exist_ok=True)
                    (site / "static" / image.group(1)).touch()
    corpus.write_site(work / "generated", corpus.articles(count, 1))
    found["generated"] = work / "generated"
    return found


def build(checkout: Path, site: Path, output: Path) -> None:
    environment = {**os.environ, "PYTHONPATH": str(checkout), "SOURCE_DATE_EPOCH": "1700000000"}
    command = [sys.executable, "-m", "digest.cli", "build", "-q", "--output", str(output)]
    subprocess.run(command, cwd=site, env=environment, check=True)


def edit_one(site: Path) -> None:
    """Append a sentence to one story, the middle one in path order."""
    stories = sorted((site / "content").rglob("*.md"))
    story = stories[len(stories) // 2]
    story.write_text(story.read_text() + "\nA sentence added by the comparison.\n")


def differences(one: Path, other: Path) -> list[str]:
    """The relative paths of files present in only one folder, or with other bytes."""
    found = []
    compared = filecmp.dircmp(one, other)
    stack = [(compared, "")]
    while stack:
        node, prefix = stack.pop()
        found += [prefix + name for name in node.left_only + node.right_only]
        found += [prefix + name for name in node.common_files if not filecmp.cmp(
            Path(node.left, name), Path(node.right, name), shallow=False)]  # fmt: skip
        stack += [(sub, f"{prefix}{name}/") for name, sub in node.subdirs.items()]
    return sorted(found)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--baseline", type=Path, required=True, help="checkout of the code to compare with")
    ap.add_argument("--articles", type=int, default=10_000, help="size of the generated corpus")
    args = ap.parse_args()
    failed = False
    with tempfile.TemporaryDirectory(prefix="same-output-") as folder:
        work = Path(folder)
        checkouts = {"baseline": args.baseline.resolve(), "this": ROOT}
        for name, site in sites(work, args.articles).items():
            copies = {who: site.with_name(f"{name}-{who}") for who in checkouts}  # each its own cache
            for copy in copies.values():
                shutil.copytree(site, copy)
            for step in ("cold", "after one edit"):
                outputs = {who: work / f"out-{name}-{who}" for who in checkouts}
                for who, checkout in checkouts.items():
                    if step != "cold":
                        edit_one(copies[who])
                    build(checkout, copies[who], outputs[who])
                found = differences(outputs["baseline"], outputs["this"])
                files = sum(1 for p in outputs["this"].rglob("*") if p.is_file())
                print(
                    f"{name:18} {step:15} {files:6} files  " + (f"DIFFER: {found[:5]}" if found else "same")
                )
                failed = failed or bool(found)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
