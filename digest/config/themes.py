"""Which theme folders a site renders with: its own theme, then the built-in default under it."""

from __future__ import annotations

from pathlib import Path

from digest.config.lined_yaml import load_fields
from digest.config.site_config import SiteConfig
from digest.errors import DigestError


def _builtin_themes() -> Path:
    """Where the built-in themes are: in the installed package (a wheel), else the checkout's themes/.

    The wheel maps the repository's `themes/` folder into the package (see pyproject.toml); a checkout,
    plain or installed editable, keeps it beside the package. Links are resolved so that an editable
    install's tree of file links reads the real files.
    """
    package = Path(__file__).resolve().parents[1]
    shipped = package / "themes"
    return shipped if (shipped / "default").is_dir() else package.parent / "themes"


BUILTIN_THEMES = _builtin_themes()


def theme_dirs(config: SiteConfig) -> list[Path]:
    """The theme folders to search, most specific first: the site's own, then the built-in default.

    Each folder appears once, even when the site's theme is the built-in one (the repository as a site).
    """
    own = config.root / "themes" / config.theme
    candidates = [d for d in (own, BUILTIN_THEMES / config.theme) if d.is_dir()]
    if not candidates:
        site_yml = config.root / "site.yml"
        raise DigestError(
            site_yml,
            _theme_line(site_yml),
            f"theme `{config.theme}` not found — create themes/{config.theme}/templates/ "
            "or remove `theme` to use the default",
        )
    candidates.append(BUILTIN_THEMES / "default")  # a theme may override only some templates
    found: dict[Path, Path] = {}
    for folder in candidates:
        found.setdefault(folder.resolve(), folder)
    return list(found.values())


def _theme_line(site_yml: Path) -> int | None:
    """Where site.yml names the theme, so the message points at it (read only when the theme is missing)."""
    try:
        return load_fields(site_yml.read_text(encoding="utf-8-sig"), site_yml).lines.get("theme")
    except (OSError, UnicodeError, DigestError):
        return None
