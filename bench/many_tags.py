"""Time `digest build` on a corpus holding one story with thousands of tags (related stories must scale)."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402  (a sibling script, not a package)

SENTENCE = "\nA late update: officials confirmed the figures on Friday evening.\n"


def many_tags_story(tags: int) -> str:
    """A story carrying every tag of the corpus, then new ones up to `tags` in all."""
    names = list(corpus.TAGS[:tags]) + [f"Topic {n}" for n in range(tags - len(corpus.TAGS))]
    return (
        "---\ntitle: Everything at once\ndate: 2024-06-01T12:00:00+00:00\nsource: Reuters\n"
        f"tags: [{', '.join(corpus.q(name) for name in names)}]\n---\nOne story about every topic.\n"
    )


def measure(root: Path, *flags: str) -> dict[str, float]:
    """Wall and CPU seconds of one build in a fresh process, measured by the `_measure.py` wrapper."""
    build = [sys.executable, "-m", "digest.cli", "build", "-q", *flags]
    wrapped = [sys.executable, str(BENCH / "_measure.py"), "--", *build]
    done = subprocess.run(wrapped, cwd=root, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(f"build failed in {root}:\n{done.stderr}")
    return json.loads(done.stdout)


def main() -> None:
    """`python bench/many_tags.py [--articles N] [--tags T]`: prints a Markdown table."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--articles", type=int, default=200, help="other stories (default 200)")
    ap.add_argument("--tags", type=int, default=5000, help="tags on the one story (default 5000)")
    ap.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="digest-many-tags-") as folder:
        root = Path(folder)
        corpus.write_site(root, corpus.articles(args.articles, args.seed))
        story = root / "content" / "2024-06-01-everything.md"
        story.write_text(many_tags_story(args.tags), encoding="utf-8")
        cold = measure(root, "--clean")
        with story.open("a", encoding="utf-8") as file:
            file.write(SENTENCE)
        edited = measure(root)
    print(f"| {args.articles:,} stories + one with {args.tags:,} tags | wall | CPU |\n|---|---|---|")
    for scenario, result in (("cold build", cold), ("that story edited", edited)):
        print(f"| {scenario} | {result['wall_s']:.2f} s | {result['cpu_s']:.2f} s |")


if __name__ == "__main__":
    main()
