"""Which theme folders a site renders with: its own theme, then the built-in default under it."""

from __future__ import annotations

from pathlib import Path

from digest.config.site_config import SiteConfig
from digest.errors import DigestError

BUILTIN_THEMES = Path(__file__).parent.parent / "themes"


def theme_dirs(config: SiteConfig) -> list[Path]:
    """The theme folders to search, most specific first: the site's own, then the built-in default."""
    own = config.root / "themes" / config.theme
    builtin = BUILTIN_THEMES / config.theme
    found = [d for d in (own, builtin) if d.is_dir()]
    if not found:
        raise DigestError(
            config.root / "site.yml",
            None,
            f"theme `{config.theme}` not found — create themes/{config.theme}/templates/ "
            "or remove `theme` to use the default",
        )
    if BUILTIN_THEMES / "default" not in found:
        found.append(BUILTIN_THEMES / "default")  # a theme may override only some templates
    return found
