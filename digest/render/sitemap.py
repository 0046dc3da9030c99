"""Planned pages → sitemap.xml and robots.txt, so crawlers find every page and know when it changed."""

from __future__ import annotations

from xml.sax.saxutils import escape

from digest.config.site_config import SiteConfig
from digest.content.inputs import Copy
from digest.render.plan import Output, Page
from digest.urls import absolute_url

NOT_LISTED = ("404.html",)
UNLISTED_KINDS = ("email",)  # an edition's email is for the inbox; its web page is the edition
REPLACEABLE = frozenset({"robots.txt"})  # generated files a site's own static file may replace


def render_sitemap(config: SiteConfig, pages: list[Page], copies: list[Copy]) -> list[Output]:
    """A sitemaps.org 0.9 sitemap of every HTML page, with its last change, and a robots.txt.

    A robots.txt among the site's own files (`copies`) is published instead of the generated one.
    """
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    root = escape(config.base_url)  # escaping is per character: the root, then each page's own part
    lines += [
        f"  <url><loc>{root}{page.sitemap_entry}"
        for page in sorted(pages, key=lambda p: p.path)
        if page.path not in NOT_LISTED and page.info.kind not in UNLISTED_KINDS
    ]
    lines.append("</urlset>\n")
    robots = f"User-agent: *\nAllow: /\n\nSitemap: {absolute_url(config.base_url, 'sitemap.xml')}\n"
    outputs = [Output("sitemap.xml", "\n".join(lines).encode("utf-8")), Output("robots.txt", robots.encode())]
    replaced = REPLACEABLE.intersection(copy.path for copy in copies)
    return [output for output in outputs if output.path not in replaced]
