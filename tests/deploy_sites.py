"""Helpers for the deploy tests: a small built site, `digest deploy` in its own process, what it published."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import SITE_YML, article, build_site, write_files

HALT = Path(__file__).with_name("halt_digest.py")


def newsroom(root: Path, count: int = 8, extra_yml: str = "") -> Path:
    """A site of `count` stories, built: the output a deploy publishes."""
    files = {
        f"content/s{n}.md": article(
            f"Dispatch {n}", f"2023-03-{n:02d}T09:00:00Z", tags="[Grid]" if n % 2 else "[Ports]"
        )
        for n in range(1, count + 1)
    }
    write_files(root, {"site.yml": SITE_YML + "per_page: 3\n" + extra_yml, **files})
    build_site(root)
    return root


def edit_one_story(root: Path) -> None:
    """One story's body rewritten, and the site built again."""
    story = root / "content/s3.md"
    story.write_text(story.read_text().replace("Some text.", "A corrected account of the night."))
    build_site(root)


def delete_one_story(root: Path) -> None:
    """The oldest story removed, and the site built again."""
    (root / "content/s1.md").unlink()
    build_site(root)


def deploy(root: Path, *args: str, env: dict[str, str] | None = None, halt: list[str] | None = None,
           prefix: list[str] | None = None) -> subprocess.CompletedProcess[str]:  # fmt: skip
    """`digest deploy ARGS` run in the site's folder, in a process of its own (under the halter if asked)."""
    runner = [sys.executable, str(HALT), *halt, "--"] if halt else [sys.executable, "-m", "digest.cli"]
    return subprocess.run(
        [*(prefix or []), *runner, "deploy", *args],
        cwd=root,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def published(root: Path) -> dict[str, bytes]:
    """Every file of the built output as a host should serve it (digest's own record aside)."""
    out = root / "public"
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in out.rglob("*")
        if p.is_file() and p.name != ".digest-record"
    }


def folder_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
