"""schema.org JSON-LD for search engines: structure decided here, printed by the templates."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from digest.config.site_config import SiteConfig, SourceEntry
from digest.content.article import Article
from digest.site.model import Edition
from digest.urls import absolute_url


def article_data(config: SiteConfig, article: Article) -> dict[str, Any]:
    """A schema.org NewsArticle for one story, with its dateline as `locationCreated`."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.summary,
        "url": absolute_url(config.base_url, article.url),
        "mainEntityOfPage": absolute_url(config.base_url, article.url),
        "datePublished": article.date.isoformat(timespec="seconds"),
        "dateModified": article.modified.isoformat(timespec="seconds"),
        "author": {"@type": "Person", "name": article.author or config.author or config.title},
        "publisher": _publisher(config),
        "keywords": [tag.name for tag in article.tags],
        "inLanguage": config.language,
    }
    if article.location is not None:
        place: dict[str, Any] = {"@type": "Place", "name": article.location.name}
        if article.location.lat is not None and article.location.lon is not None:
            place["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": article.location.lat,
                "longitude": article.location.lon,
            }
        data["locationCreated"] = place
    if article.source.url:
        data["isBasedOn"] = article.source.url
    if article.image:
        data["image"] = absolute_url(config.base_url, article.image)
    return data


def home_data(config: SiteConfig, articles: Sequence[Article]) -> list[dict[str, Any]]:
    """The front page as a schema.org WebSite plus an ItemList of the stories it shows."""
    website = {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": config.title,
        "description": config.description,
        "url": config.base_url,
        "inLanguage": config.language,
        "publisher": _publisher(config),
    }
    items = {
        "@context": "https://schema.org",
        "@type": "ItemList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "url": absolute_url(config.base_url, article.url),
                "name": article.title,
            }
            for position, article in enumerate(articles, 1)
        ],
    }
    return [website, items]


def source_data(config: SiteConfig, entry: SourceEntry) -> dict[str, Any]:
    """A source page as the schema.org Organization it is about, named as the registry names it."""
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": "Organization", "name": entry.name}
    if entry.home:
        data["url"] = absolute_url(config.base_url, entry.home)
    if entry.description:
        data["description"] = entry.description
    return data


def edition_data(config: SiteConfig, edition: Edition, front: bool = False) -> Any:
    """An edition as a schema.org PublicationIssue of the site's Periodical, its stories as its parts.

    On the front page it follows the WebSite, as the stream's front page has it.
    """
    url = absolute_url(config.base_url, edition.url)
    issue = {
        "@context": "https://schema.org",
        "@type": "PublicationIssue",
        "issueNumber": str(edition.number),
        "name": edition.title,
        "datePublished": edition.date.isoformat(),
        "url": url,
        "mainEntityOfPage": url,
        "inLanguage": config.language,
        "isPartOf": {
            "@type": "Periodical",
            "name": config.title,
            "url": config.base_url,
            "publisher": _publisher(config),
        },
        "hasPart": [
            {
                "@type": "NewsArticle",
                "headline": article.title,
                "url": absolute_url(config.base_url, article.url),
                "datePublished": article.date.isoformat(timespec="seconds"),
                **({"isBasedOn": article.source.url} if article.source.url else {}),
            }
            for article in edition.articles
        ],
    }
    return [home_data(config, ())[0], issue] if front else issue


def _publisher(config: SiteConfig) -> dict[str, Any]:
    name = config.publisher.name if config.publisher else config.title
    url = config.publisher.url if config.publisher and config.publisher.url else config.base_url
    return {"@type": "Organization", "name": name, "url": url}
