"""Deploy to S3 after a one-story edit against a full upload, on the same site in the same run.

    python bench/deploy.py [--articles 10000] [--dir /tmp/deploy-bench]

Builds a generated site, starts moto in server mode on 127.0.0.1 (an S3-compatible server reached by
boto3 over HTTP), deploys the whole site to an empty bucket, then after each of two one-story edits
builds and deploys again: a sentence added to the body of the story bench/run.py edits (its page
alone changes), and a corrected summary of the newest story (shown on the home page, its tag, source,
location and archive pages, and in every feed). Prints the files uploaded and the seconds each
deploy took, against the full upload.
Needs `pip install -e '.[test]'` (boto3 and moto). Each deploy is one `digest deploy` process.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import boto3

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import corpus
from s3_server import moto_server

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_EC2_METADATA_DISABLED": "true",
}


def digest(site: Path, *args: str) -> str:
    """Run digest in `site`, failing loudly; its standard output."""
    done = subprocess.run(
        [sys.executable, "-m", "digest.cli", *args], cwd=site, env={**os.environ, **CREDENTIALS},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return done.stdout


def timed_deploy(site: Path) -> tuple[int, float]:
    """Files uploaded and wall seconds of one `digest deploy`."""
    started = time.perf_counter()
    out = digest(site, "deploy")
    seconds = time.perf_counter() - started
    found = re.search(r": (\d+) file\(s\) uploaded", out)
    return (int(found[1]) if found else 0), seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/digest-deploy-bench"))
    args = ap.parse_args()
    site = args.dir / f"site-{args.articles}"
    stories = corpus.articles(args.articles, 1)
    if not (site / "site.yml").exists():
        corpus.write_site(site, stories)
    content = site / "content"
    middle = content / stories[args.articles // 2].relpath  # bench/run.py's "one article edited"
    newest = content / max(stories, key=lambda a: a.date).relpath
    with moto_server() as endpoint:
        boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="b",
                     aws_secret_access_key="b").create_bucket(Bucket="bench")  # fmt: skip
        yml = (site / "site.yml").read_text().split("deploy:")[0]
        target = f"deploy:\n  bench: {{to: 's3://bench/news/', endpoint: '{endpoint}'}}\n"
        (site / "site.yml").write_text(yml + target)
        for folder in ("public", ".digest-cache"):
            subprocess.run(["rm", "-rf", str(site / folder)], check=True)
        digest(site, "build", "-q")
        rows = [("full upload", *timed_deploy(site))]
        middle.write_text(middle.read_text() + "\nA late update: officials confirmed the figures.\n")
        digest(site, "build", "-q")
        rows.append(("one story's body edited", *timed_deploy(site)))
        newest.write_text(newest.read_text().replace('\nsummary: "', '\nsummary: "Corrected: ', 1))
        digest(site, "build", "-q")
        rows.append(("newest story's summary", *timed_deploy(site)))
        rows.append(("nothing changed", *timed_deploy(site)))
    files = sum(1 for p in (site / "public").rglob("*") if p.is_file())
    print(f"{args.articles} stories, {files} output files, moto S3 on 127.0.0.1, one run each")
    full_s = rows[0][2]
    for name, count, seconds in rows:
        ratio = f"  ({full_s / seconds:.0f}x faster)" if name != "full upload" else ""
        print(f"{name:26s} {count:6d} files  {seconds:7.2f} s{ratio}")


if __name__ == "__main__":
    main()
