"""The source registry → sources.opml (OPML 2.0), so readers can follow the outlets the digest follows."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from digest.config.site_config import SiteConfig
from digest.render.plan import OPML, Output
from digest.urls import absolute_url

SPEC = "http://opml.org/spec2.opml"


def render_opml(config: SiteConfig) -> list[Output]:
    """One `<outline type="rss">` per registry source with a feed, by name; nothing when none has one."""
    sources = sorted(
        ((s, s.feed) for s in config.sources if s.feed),
        key=lambda pair: (pair[0].name.casefold(), pair[0].key),
    )
    if not sources:
        return []
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = f"Sources of {config.title}"
    if owner := (config.publisher.name if config.publisher else config.author):
        ET.SubElement(head, "ownerName").text = owner
    ET.SubElement(head, "docs").text = SPEC
    body = ET.SubElement(root, "body")
    for source, feed in sources:
        outline = {"type": "rss", "text": source.name, "title": source.name}
        outline["xmlUrl"] = absolute_url(config.base_url, feed)
        if source.home:
            outline["htmlUrl"] = absolute_url(config.base_url, source.home)
        if source.description:
            outline["description"] = source.description
        ET.SubElement(body, "outline", outline)
    ET.indent(root)
    text = ET.tostring(root, encoding="unicode", xml_declaration=False)
    return [Output(OPML, f'<?xml version="1.0" encoding="UTF-8"?>\n{text}\n'.encode())]
