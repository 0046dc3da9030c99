"""site.yml's `deploy:` key: named targets, each checked once at load with the fix for every mistake.

```yaml
deploy:
  www: s3://my-bucket/digest/                  # a name and where to, or a mapping with options
  pages: {to: git+origin#gh-pages, history: squash}
  mirror: deploy@web1.example.org:/var/www/digest/
```
"""

from __future__ import annotations

import re
from typing import Any

from digest.config.lined_yaml import Fields
from digest.config.site_config import DeployTarget
from digest.errors import DigestError

S3_OPTIONS = ("endpoint", "region", "profile")
GIT_OPTIONS = ("history", "cname", "message")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_HOST = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")


def deploy_targets(raw: Fields, value: Any) -> tuple[DeployTarget, ...]:
    """Each target under `deploy:`, checked; raises at the first wrong one, naming it."""
    if not isinstance(value, dict):
        raise _fail(raw, "", "expected a mapping of `name: where-to` lines, like `www: s3://bucket/digest/`")
    targets = []
    for name, spec in value.items():
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise _fail(raw, str(name), "a target's name may hold letters, digits, `-`, `_` and `.`")
        options = {"to": spec} if isinstance(spec, str) else spec
        if not isinstance(options, dict) or not isinstance(options.get("to"), str):
            raise _fail(raw, name, "expected `where-to` text, or a mapping with `to: where-to` and options")
        targets.append(target(name, options, lambda message, name=name: _fail(raw, name, message)))
    return tuple(targets)


def target(name: str, options: dict[str, Any], fail: Any) -> DeployTarget:
    """One target from its options (site.yml's, or `{to: …}` from the command line); `fail` makes errors."""
    url = options["to"].strip()
    kind = kind_of(url)
    allowed = {"s3": S3_OPTIONS, "git": GIT_OPTIONS, "rsync": ()}[kind]
    for key in options:
        if key != "to" and key not in allowed:
            valid = ", ".join(("to", *allowed))
            raise fail(f"`{key}` is not an option of a {kind} target — valid keys: {valid}")
    texts = {key: _text(options[key], key, fail) for key in options if key != "to"}
    if kind == "s3" and not re.fullmatch(r"s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?", url):
        raise fail(f"`{url}` is not an S3 address — write it like s3://my-bucket/digest/")
    if kind == "git" and not url.removeprefix("git+").partition("#")[0]:
        raise fail(f"`{url}` names no repository — write it like git+origin#gh-pages")
    if texts.get("history", "keep") not in ("keep", "squash"):
        raise fail(f"`history` must be `keep` or `squash`, not `{texts['history']}`")
    cname = options.get("cname")
    if cname not in (None, False) and not _HOST.fullmatch(texts["cname"]):
        raise fail(f"`cname` must be a host name like news.example.org, not `{cname}`")
    if kind == "rsync" and not url:
        raise fail("an empty destination — write a folder, or user@host:/path for rsync")
    return DeployTarget(
        name=name,
        url=url,
        kind=kind,
        endpoint=texts.get("endpoint"),
        region=texts.get("region"),
        profile=texts.get("profile"),
        history=texts.get("history", "keep"),
        cname=None if cname is None else (texts["cname"] if cname is not False else ""),
        message=texts.get("message"),
    )


def kind_of(url: str) -> str:
    """Which kind of host an address names: `s3://…`, `git+…`, or else a folder or rsync destination."""
    if url.startswith("s3://"):
        return "s3"
    if url.startswith("git+"):
        return "git"
    return "rsync"


def _text(value: Any, key: str, fail: Any) -> str:
    if value is False and key == "cname":
        return ""
    if isinstance(value, (bool, dict, list)) or value is None:
        raise fail(f"`{key}` expects text")
    return str(value).strip()


def _fail(raw: Fields, name: str, message: str) -> DigestError:
    where = f"`deploy.{name}`" if name else "`deploy`"
    return DigestError(raw.path, raw.line("deploy"), f"{where}: {message}")
