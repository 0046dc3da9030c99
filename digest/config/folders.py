"""The site's folders must not overlap: a build replaces its output whole and publishes its static folder."""

from __future__ import annotations

import difflib
from pathlib import Path

from digest.config.lined_yaml import Fields
from digest.config.site_config import SiteConfig
from digest.errors import DigestError

CACHE_FOLDER = ".digest-cache"  # in the site folder: the build state, the preview's output, the lock
STATIC_FIX = "use a folder of its own, like `static`"
OUTPUT_FIX = "choose another `output_dir`"


def folder_problems(raw: Fields, config: SiteConfig) -> list[DigestError]:
    """The folders site.yml names: the content folder exists, static and output ones hold nothing else."""
    problems = []
    if not config.content_path.is_dir():
        problems.append(_missing_content(raw, config))
    blame_static = "static_dir" in raw.lines  # the static and output folders overlap: whose line?
    output = output_clash(config, config.output_path, static=not blame_static)
    if output:
        problems.append(_error(raw, "output_dir", output))
    if reason := _static_clash(config, with_output=blame_static and not output):
        problems.append(_error(raw, "static_dir", f"`{config.static_dir}` {reason} — {STATIC_FIX}"))
    return problems


def output_clash(config: SiteConfig, destination: Path, *, static: bool = True) -> str | None:
    """Why `destination` cannot take the output: it would replace, or be read back as, the site's files.

    A build replaces the output folder whole, and reads every folder below but the cache (which
    holds the preview's output).
    """
    folders = {"site": config.root, **_site_folders(config)}
    del folders["output folder"]
    if not static:
        del folders["static folder"]
    for name, folder in folders.items():
        if destination == folder or folder.is_relative_to(destination):
            return f"output folder {destination} would replace the {name} {folder} — {OUTPUT_FIX}"
        if name not in ("site", "cache folder") and destination.is_relative_to(folder):
            return (
                f"output folder {destination} is inside the {name} {_shown(config, folder)}, so a build "
                f"would read it back — {OUTPUT_FIX}"
            )
    return None


def _missing_content(raw: Fields, config: SiteConfig) -> DigestError:
    """Name the content folder that is not there, and the nearest folder that is."""
    folders = sorted(p.name for p in config.root.iterdir() if p.is_dir() and not p.name.startswith("."))
    close = difflib.get_close_matches(config.content_dir, folders, n=1, cutoff=0.7)
    if "content_dir" in raw.lines:
        found = "is a file, not a folder" if config.content_path.exists() else "does not exist"
        hint = (
            f"did you mean `{close[0]}`?"
            if close
            else "create it, or set `content_dir` to your stories' folder"
        )
        return _error(raw, "content_dir", f"folder {config.content_dir} {found} — {hint}")
    hint = f"add `content_dir: {close[0]}` to site.yml" if close else "create it and put your stories in it"
    return DigestError(
        raw.path,
        None,
        f"the content folder `{config.content_dir}/` does not exist — {hint}, "
        "or set `content_dir` to the folder holding them",
    )


def _static_clash(config: SiteConfig, *, with_output: bool) -> str | None:
    """Why the static folder cannot be one: everything in it is published as it is."""
    folders = _site_folders(config)
    static = folders.pop("static folder")
    if static == config.root or not static.is_relative_to(config.root):
        return "is not a folder inside the site: site.yml, your sources and the cache would be published"
    del folders["themes folder"]
    if not with_output:
        del folders["output folder"]
    for name, folder in folders.items():
        if static.is_relative_to(folder) or folder.is_relative_to(static):
            return f"overlaps the {name} {_shown(config, folder)}"
    return None


def _site_folders(config: SiteConfig) -> dict[str, Path]:
    """The folders a build reads or writes, by name, resolved."""
    return {
        "content folder": config.content_path.resolve(),
        "output folder": config.output_path,
        "cache folder": (config.root / CACHE_FOLDER).resolve(),
        "static folder": (config.root / config.static_dir).resolve(),
        "themes folder": (config.root / "themes").resolve(),
    }


def _error(raw: Fields, key: str, message: str) -> DigestError:
    """An error on `key`'s line in site.yml, or on none when site.yml leaves the key at its default."""
    return DigestError(raw.path, raw.lines.get(key), f"`{key}`: {message}")


def _shown(config: SiteConfig, folder: Path) -> str:
    """A folder as site.yml would name it: relative to the site when inside it."""
    return f"{config.shown(folder).as_posix()}/" if folder.is_relative_to(config.root) else str(folder)


def cache_folder(root: Path) -> Path:
    """The site's .digest-cache/, made with a .gitignore inside so git never picks it up.

    A file in its place is in the user's site folder, not in the cache: it is reported, never removed.
    """
    folder = root / CACHE_FOLDER
    folder.mkdir(exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# digest's build cache: safe to delete\n*\n")
    return folder
