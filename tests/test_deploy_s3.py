"""`digest deploy` to S3-compatible storage: a real moto server on 127.0.0.1, reached by boto3 over HTTP."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import boto3
import pytest
from conftest import STYLE, write_files
from deploy_sites import HALT, delete_one_story, deploy, edit_one_story, newsroom, published
from s3_server import Link, moto_server

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "digest-test",
    "AWS_SECRET_ACCESS_KEY": "digest-test-secret",
    "AWS_EC2_METADATA_DISABLED": "true",  # never wait for a cloud's metadata service
    "AWS_CONFIG_FILE": "/nonexistent",
    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
}


@pytest.fixture(scope="module")
def endpoint():
    with moto_server() as url:
        yield url


def _bucket(endpoint: str, name: str):
    s3 = boto3.resource("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="x",
                        aws_secret_access_key="y")  # fmt: skip
    bucket = s3.Bucket(name)
    bucket.create()
    return bucket


def _held(bucket, prefix: str = "digest/") -> dict[str, bytes]:
    return {o.key.removeprefix(prefix): o.get()["Body"].read() for o in bucket.objects.filter(Prefix=prefix)}


def _site(make_site, endpoint: str, bucket: str):
    target = f"deploy:\n  www: {{to: 's3://{bucket}/digest/', endpoint: '{endpoint}', region: us-east-1}}\n"
    return newsroom(make_site({}), extra_yml=target)


def test_only_changed_files_are_uploaded_with_their_headers_and_removed_ones_last(make_site, endpoint):
    bucket = _bucket(endpoint, "news-full")
    root = _site(make_site, endpoint, "news-full")
    first = deploy(root, env=CREDENTIALS)
    assert first.returncode == 0, first.stderr
    assert _held(bucket) == published(root)
    head = bucket.Object("digest/index.html").get()
    assert head["ContentType"] == "text/html; charset=utf-8"
    assert head["CacheControl"] == "public, max-age=0, must-revalidate"
    style = bucket.Object(f"digest/{STYLE}").get()
    assert (style["ContentType"], style["CacheControl"]) == (
        "text/css; charset=utf-8",
        "public, max-age=31536000, immutable",
    )
    assert bucket.Object("digest/feed.xml").get()["ContentType"] == "application/atom+xml"
    assert "up to date" in deploy(root, env=CREDENTIALS).stdout

    edit_one_story(root)
    second = deploy(root, env=CREDENTIALS)
    assert second.returncode == 0, second.stderr
    uploaded = int(second.stdout.split(": ", 1)[1].split(" file(s)")[0])
    assert 0 < uploaded < len(published(root)) / 2
    assert "  /digest/2023/03/s3/\n" in second.stdout and f"/digest/{STYLE}" not in second.stdout
    assert _held(bucket) == published(root)

    delete_one_story(root)
    third = deploy(root, env=CREDENTIALS)
    assert third.returncode == 0, third.stderr
    assert "2023/03/s1/index.html" not in _held(bucket)
    assert _held(bucket) == published(root)


def test_a_missing_bucket_is_one_line_naming_it(make_site, endpoint):
    root = _site(make_site, endpoint, "no-such-bucket")
    result = deploy(root, env=CREDENTIALS)
    assert result.returncode == 1
    first, last = result.stderr.splitlines()
    assert first == (
        "site.yml: deploy to `www` (s3://no-such-bucket/digest/): bucket `no-such-bucket` does not exist on "
        f"{endpoint} — create it, or correct the address"
    )
    assert last.startswith("deploy failed; the target still serves a complete site")


def test_refused_credentials_are_one_line_and_change_nothing(make_site):
    with moto_server(INITIAL_NO_AUTH_ACTION_COUNT="1") as guarded:  # only the bucket is made unchecked
        boto3.client("s3", endpoint_url=guarded, region_name="us-east-1", aws_access_key_id="x",
                     aws_secret_access_key="y").create_bucket(Bucket="locked")  # fmt: skip
        root = _site(make_site, guarded, "locked")
        result = deploy(root, env=CREDENTIALS)
    assert result.returncode == 1
    assert f"{guarded} refused the credentials (" in result.stderr
    assert "check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or the profile)" in result.stderr
    assert "Traceback" not in result.stderr


def test_no_credentials_at_all_says_where_to_put_them(make_site, endpoint):
    root = _site(make_site, endpoint, "news-full")
    env = {**CREDENTIALS, "AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""}
    result = deploy(root, env=env)
    assert result.returncode == 1
    assert (
        "no credentials found — set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE"
        in result.stderr
    )


def test_an_unknown_profile_is_named(make_site, endpoint):
    target = f"deploy:\n  www: {{to: 's3://news-full/x/', endpoint: '{endpoint}', profile: newsroom}}\n"
    root = newsroom(make_site({}), extra_yml=target)
    result = deploy(root, env=CREDENTIALS)
    assert result.returncode == 1
    assert "The config profile (newsroom) could not be found — add it to ~/.aws/credentials" in result.stderr


def test_without_boto3_the_fix_is_named(make_site, endpoint):
    root = _site(make_site, endpoint, "news-full")
    code = (
        "import sys; sys.modules['boto3'] = None; sys.argv[1:] = ['deploy']; import digest.cli as c; c.run()"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=root, env={**os.environ, **CREDENTIALS},
                            capture_output=True, text=True, check=False)  # fmt: skip
    assert result.returncode == 1
    assert "boto3 is not installed — install it with: pip install 'digest[s3]'" in result.stderr


def test_a_network_failure_halfway_leaves_a_complete_site_and_the_next_deploy_finishes(make_site, endpoint):
    bucket = _bucket(endpoint, "news-cut")
    port = int(endpoint.rsplit(":", 1)[1])
    root = newsroom(make_site({}))
    link = Link(port)
    target = f"deploy:\n  www: {{to: 's3://news-cut/digest/', endpoint: 'http://127.0.0.1:{link.port}'}}\n"
    write_files(root, {"site.yml": (root / "site.yml").read_text() + target})
    assert deploy(root, env=CREDENTIALS).returncode == 0
    before = _held(bucket)
    edit_one_story(root)
    delete_one_story(root)

    link.cut_after(5)  # the network fails after five uploads: assets are through, pages are not
    failed = deploy(root, env=CREDENTIALS)
    assert failed.returncode == 1
    assert f"cannot reach http://127.0.0.1:{link.port}" in failed.stderr.splitlines()[0]
    assert "then deploy again" in failed.stderr.splitlines()[0]
    now = _held(bucket)
    assert set(before) <= set(now)  # nothing removed: every old page still links what it did
    changed = {p for p in now if now[p] != before.get(p)}
    assert changed and all(p in published(root) and now[p] == published(root)[p] for p in changed)

    link.mend()
    finished = deploy(root, env=CREDENTIALS)
    assert finished.returncode == 0, finished.stderr
    assert _held(bucket) == published(root)


def test_a_killed_deploy_is_finished_by_the_next(make_site, endpoint):
    bucket = _bucket(endpoint, "news-killed")
    root = _site(make_site, endpoint, "news-killed")
    at, nth = f"open:{root / 'public'}", len(published(root)) + 12  # each file is hashed, then uploaded
    halted = subprocess.Popen(
        [sys.executable, str(HALT), "--at", at, "--nth", str(nth), "--then", "stall", "--", "deploy"],
        cwd=root, env={**os.environ, **CREDENTIALS}, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert halted.stderr and halted.stderr.readline() == "stalled\n"  # an upload hangs, the others go on
    time.sleep(0.5)
    halted.kill()
    assert halted.wait() == -9
    assert 0 < len(_held(bucket)) < len(published(root))
    assert "index.html" not in _held(bucket)  # the home page waits for every page before it
    finished = deploy(root, env=CREDENTIALS)
    assert finished.returncode == 0, finished.stderr
    assert _held(bucket) == published(root)
