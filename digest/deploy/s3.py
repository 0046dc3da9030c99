"""S3-compatible object storage (AWS, MinIO, R2, B2, Spaces) through boto3: changed files only.

Credentials come from where boto3 finds them (environment, ~/.aws/ profile, instance role), never
from site.yml. Uploads go a phase at a time (see plan.py), several at once within one; deletions
come last, so a failure halfway leaves the old pages and every asset they link in place.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any

from digest.config.site_config import DeployTarget
from digest.deploy.files import Local
from digest.deploy.plan import Plan, cache_control, content_type
from digest.deploy.record import TargetRecord
from digest.errors import DigestError

AT_ONCE = 8  # uploads in flight: enough to hide the round trips, few enough for a small host
BATCH = 1000  # keys per DeleteObjects request, S3's limit


def bucket_and_prefix(url: str) -> tuple[str, str]:
    """`s3://bucket/some/prefix` → (`bucket`, `some/prefix/`)."""
    bucket, _, prefix = url.removeprefix("s3://").partition("/")
    prefix = prefix.strip("/")
    return bucket, f"{prefix}/" if prefix else ""


def address(target: DeployTarget) -> str:
    """What the record of this target is kept under: the bucket, prefix and host."""
    return f"{target.url} at {target.endpoint or 'aws'}"


def connect(target: DeployTarget, fail: Callable[[str], DigestError]) -> Any:
    """A boto3 client for the target's host, after checking that the bucket is there and ours."""
    try:
        import boto3
        from botocore.config import Config
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:
        raise fail("boto3 is not installed — install it with: pip install 'digest[s3]'") from None
    bucket, _ = bucket_and_prefix(target.url)
    try:
        session = boto3.session.Session(profile_name=target.profile)
        client = session.client(
            "s3",
            endpoint_url=target.endpoint,
            region_name=target.region,
            config=Config(
                retries={"max_attempts": 3, "mode": "standard"},
                connect_timeout=5,
                read_timeout=60,
                max_pool_connections=AT_ONCE,
            ),
        )
        client.head_bucket(Bucket=bucket)
    except (BotoCoreError, ClientError) as error:
        raise explain(error, target, fail) from None
    return client


def publish(
    client: Any,
    target: DeployTarget,
    plan: Plan,
    output: Path,
    record: TargetRecord,
    fail: Callable[[str], DigestError],
) -> None:
    """Upload the plan's files phase by phase, then delete; `record` learns each confirmed change."""
    from botocore.exceptions import BotoCoreError, ClientError

    bucket, prefix = bucket_and_prefix(target.url)

    def upload(local: Local) -> Local:
        client.put_object(
            Bucket=bucket,
            Key=prefix + local.path,
            Body=(output / local.path).read_bytes(),
            ContentType=content_type(local.path),
            CacheControl=cache_control(local.path),
        )
        return local

    try:
        with ThreadPoolExecutor(AT_ONCE) as pool:
            for phase in plan.phases():
                pending = {pool.submit(upload, local) for local in phase}
                while pending:
                    done, pending = wait(pending, return_when=FIRST_EXCEPTION)
                    for future in done:
                        if future.exception() is None:
                            record.confirm(future.result())
                    if any(future.exception() for future in done):
                        for future in pending:
                            future.cancel()
                        raise next(f.exception() for f in done if f.exception())  # type: ignore[misc]
        for start in range(0, len(plan.deletions), BATCH):
            batch = plan.deletions[start : start + BATCH]
            answer = client.delete_objects(
                Bucket=bucket, Delete={"Objects": [{"Key": prefix + p} for p in batch], "Quiet": True}
            )
            refused = {e["Key"].removeprefix(prefix) for e in answer.get("Errors", [])}
            for path in batch:
                if path not in refused:
                    record.forget(path)
            if refused:
                raise fail(f"the host refused to delete {len(refused)} file(s), e.g. {min(refused)}")
    except (BotoCoreError, ClientError) as error:
        raise explain(error, target, fail) from None
    finally:
        record.save()


def explain(error: Exception, target: DeployTarget, fail: Callable[[str], DigestError]) -> DigestError:
    """A boto3 error as one line: what went wrong and what to do about it."""
    from botocore.exceptions import ClientError, EndpointConnectionError, NoCredentialsError, ProfileNotFound

    bucket, _ = bucket_and_prefix(target.url)
    host = target.endpoint or "AWS"
    if isinstance(error, NoCredentialsError):
        return fail(
            "no credentials found — set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, "
            "or `profile:` (a name in ~/.aws/credentials) in site.yml"
        )
    if isinstance(error, ProfileNotFound):
        return fail(f"{error} — add it to ~/.aws/credentials or change `profile` in site.yml")
    if isinstance(error, EndpointConnectionError) or "Connect" in type(error).__name__:
        return fail(f"cannot reach {host} ({error}) — check the network and `endpoint`, then deploy again")
    if isinstance(error, ClientError):
        code = str(error.response.get("Error", {}).get("Code", ""))
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if code in ("NoSuchBucket", "404") or status == 404:
            return fail(f"bucket `{bucket}` does not exist on {host} — create it, or correct the address")
        if (
            code in ("InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidClientTokenId", "403")
            or status == 403
        ):
            return fail(
                f"{host} refused the credentials ({code or status}) — check AWS_ACCESS_KEY_ID and "
                f"AWS_SECRET_ACCESS_KEY (or the profile), and that they may write to `{bucket}`"
            )
        return fail(f"{host} answered {code or status}: {error} — fix that, then deploy again")
    return fail(f"{type(error).__name__}: {error} — check the network and `endpoint`, then deploy again")
