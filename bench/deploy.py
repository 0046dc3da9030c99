"""Deploy to S3 after a one-story edit against a full upload, on the same site in the same run.

    python bench/deploy.py [--articles 10000] [--dir /tmp/deploy-bench]

Builds a generated site, starts moto in server mode on 127.0.0.1 (an S3-compatible server reached by
boto3 over HTTP), deploys the whole site to an empty bucket, edits one story, builds again and
deploys again; prints the files uploaded and the seconds each deploy took, and their ratio.
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
    if not (site / "site.yml").exists():
        paths = corpus.write_site(site, corpus.articles(args.articles, 1))
        (site / ".story").write_text(str(paths[len(paths) // 2]))
    story = Path((site / ".story").read_text())
    with moto_server() as endpoint:
        boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="b",
                     aws_secret_access_key="b").create_bucket(Bucket="bench")  # fmt: skip
        yml = (site / "site.yml").read_text().split("deploy:")[0]
        (site / "site.yml").write_text(
            yml + f"deploy:\n  bench: {{to: 's3://bench/news/', endpoint: '{endpoint}'}}\n"
        )
        for folder in ("public", ".digest-cache"):
            subprocess.run(["rm", "-rf", str(site / folder)], check=True)
        digest(site, "build", "-q")
        full, full_s = timed_deploy(site)
        story.write_text(story.read_text() + "\nA late correction to the story.\n")
        digest(site, "build", "-q")
        edit, edit_s = timed_deploy(site)
        noop, noop_s = timed_deploy(site)
    files = sum(1 for p in (site / "public").rglob("*") if p.is_file())
    print(f"{args.articles} stories, {files} output files, moto S3 on 127.0.0.1")
    print(f"full upload:           {full:6d} files  {full_s:7.2f} s")
    print(f"after one story edit:  {edit:6d} files  {edit_s:7.2f} s  ({full_s / edit_s:.0f}x faster)")
    print(f"nothing changed:       {noop:6d} files  {noop_s:7.2f} s")


if __name__ == "__main__":
    main()
