"""`digest check`: everything `digest build` validates, then the links, images, URLs and text of the pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from digest.config.load import load_config
from digest.curator.duplicates import same_source
from digest.curator.external import Settings, check_external
from digest.curator.findings import Finding, from_error, from_warning
from digest.curator.links import LinkChecker, Place
from digest.curator.origins import Origins
from digest.curator.pages import output_files, read_pages
from digest.curator.scratch import scratch_build
from digest.curator.syntax import check_syntax
from digest.curator.unregistered import unregistered_sources
from digest.errors import DigestError
from digest.write.lock import Busy, site_locked


@dataclass(frozen=True, slots=True)
class Outcome:
    """Everything found, and how much was looked at, for the summary."""

    findings: list[Finding]
    stories: int
    pages: int

    @classmethod
    def stopped(cls, errors: list[DigestError]) -> Outcome:
        """A check that could not begin (site.yml, the disk): these errors, nothing looked at."""
        return cls([from_error(error) for error in errors], 0, 0)


def run_check(config_file: Path, external: Settings | None, waiting: Callable[[Busy], None]) -> Outcome:
    """Build into a scratch folder, check what came out, and with `external` the outside links too."""
    config = load_config(config_file)
    with site_locked(config.root, waiting), scratch_build(config) as built:
        origins = Origins(config, config_file.resolve(), built.articles)
        findings = [*map(from_error, built.errors), *map(from_warning, built.warnings)]
        findings += same_source(built.articles, origins) + unregistered_sources(
            config, built.articles, origins
        )
        outside: dict[str, list[Place]] = {}
        pages = 0
        if built.folder is not None:
            files = output_files(built.folder)
            links = LinkChecker(files, origins, config.base_url, places=external is not None)
            ids: dict[str, frozenset[str]] = {}
            shown: list[tuple[str, tuple[str, ...]]] = []  # pages with template syntax, and the syntax
            for page in read_pages(built.folder, files):
                links.page(page)
                ids[page.path] = page.ids
                if page.syntax:
                    shown.append((page.path, page.syntax))
            pages = len(ids)
            findings += links.finish(ids) + check_syntax(shown, origins)
            outside = links.external
    if external is not None:
        findings += check_external(outside, external, config.root)
    unique = {(f.sort_key, f.kind): f for f in findings}
    ordered = sorted(unique.values(), key=lambda f: f.sort_key)
    return Outcome(ordered, len(built.articles), pages)
