"""A story's local image must be among the files the build publishes, checked on every build.

Parsed stories come from the cache while their file is unchanged, so an image deleted later is only
noticed by a check that runs on every build, against this build's files, not at parse time.
"""

from __future__ import annotations

import re
from pathlib import Path

from digest.config.site_config import SiteConfig
from digest.content.inputs import Copy
from digest.errors import DigestError
from digest.safeurl import local_path
from digest.site.model import Site
from digest.urls import is_external

_IMAGE_KEY = re.compile(r"image\s*:")


def missing_images(config: SiteConfig, site: Site, copies: list[Copy]) -> list[DigestError]:
    """Every story whose `image` is a site path that no published file answers, naming its line."""
    published = {relative for _, relative in copies}
    where = f"{config.content_dir}/ or {config.static_dir}/"
    return [
        DigestError(
            article.path,
            _line_of_image(config.root / article.path),
            f"`image`: there is no {wanted} in {where} — add the file there, or fix the path",
        )
        for article in site.articles
        if article.image is not None
        and not is_external(article.image)
        and (wanted := local_path(article.image)) not in published
    ]


def _line_of_image(path: Path) -> int | None:
    """The line of the `image:` key: looked up only for a story in error, so its file is read again."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    return next((number for number, line in enumerate(lines, 1) if _IMAGE_KEY.match(line)), None)
