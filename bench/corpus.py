"""Generate a deterministic, realistic digest corpus so build timings are comparable across runs."""

from __future__ import annotations

import argparse
import json
import random
import re
from bisect import bisect
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from itertools import accumulate
from pathlib import Path

END = datetime(2024, 12, 31, 23, 0, tzinfo=timezone.utc)
SPAN_SECONDS = 3 * 365 * 24 * 3600  # ~3 years ending 2024-12-31
OFFSETS = (0, 0, 0, 60, 120, -300, -240, -420, 330, 480, 540, 180, 600, -180, 345)

SOURCES = (
    ("Reuters", "reuters.com"),
    ("Associated Press", "apnews.com"),
    ("AFP", "afp.com"),
    ("BBC News", "bbc.co.uk"),
    ("The Guardian", "theguardian.com"),
    ("NYTIMES", "nytimes.com"),
    ("The Washington Post", "washingtonpost.com"),
    ("Financial Times", "ft.com"),
    ("The Economist", "economist.com"),
    ("Bloomberg", "bloomberg.com"),
    ("Al Jazeera", "aljazeera.com"),
    ("Le Monde", "lemonde.fr"),
    ("Der Spiegel", "spiegel.de"),
    ("El País", "elpais.com"),
    ("NHK World", "nhk.or.jp"),
    ("The Hindu", "thehindu.com"),
    ("South China Morning Post", "scmp.com"),
    ("Folha de S.Paulo", "folha.uol.com.br"),
    ("Mail & Guardian", "mg.co.za"),
    ("ABC News Australia", "abc.net.au"),
    ("CBC News", "cbc.ca"),
    ("Kyiv Independent", "kyivindependent.com"),
    ("Politico Europe", "politico.eu"),
    ("Nikkei Asia", "asia.nikkei.com"),
    ("The Wall Street Journal", "wsj.com"),
    ("NPR", "npr.org"),
    ("Deutsche Welle", "dw.com"),
    ("Nature News", "nature.com"),
    ("Rest of World", "restofworld.org"),
    ("ProPublica", "propublica.org"),
)

CITIES = (
    ("Samarkand", "Uzbekistan", 39.65, 66.96),
    ("Kyiv", "Ukraine", 50.45, 30.52),
    ("Kharkiv", "Ukraine", 49.99, 36.23),
    ("Moscow", "Russia", 55.76, 37.62),
    ("Beijing", "China", 39.90, 116.41),
    ("Shanghai", "China", 31.23, 121.47),
    ("Hong Kong", "China", 22.32, 114.17),
    ("Taipei", "Taiwan", 25.03, 121.57),
    ("Tokyo", "Japan", 35.68, 139.69),
    ("Osaka", "Japan", 34.69, 135.50),
    ("Seoul", "South Korea", 37.57, 126.98),
    ("New Delhi", "India", 28.61, 77.21),
    ("Mumbai", "India", 19.08, 72.88),
    ("Bengaluru", "India", 12.97, 77.59),
    ("Karachi", "Pakistan", 24.86, 67.01),
    ("Islamabad", "Pakistan", 33.68, 73.05),
    ("Dhaka", "Bangladesh", 23.81, 90.41),
    ("Jakarta", "Indonesia", -6.21, 106.85),
    ("Manila", "Philippines", 14.60, 120.98),
    ("Hanoi", "Vietnam", 21.03, 105.85),
    ("Bangkok", "Thailand", 13.76, 100.50),
    ("Singapore", "Singapore", 1.35, 103.82),
    ("Sydney", "Australia", -33.87, 151.21),
    ("Canberra", "Australia", -35.28, 149.13),
    ("Wellington", "New Zealand", -41.29, 174.78),
    ("London", "United Kingdom", 51.51, -0.13),
    ("Edinburgh", "United Kingdom", 55.95, -3.19),
    ("Dublin", "Ireland", 53.35, -6.26),
    ("Paris", "France", 48.86, 2.35),
    ("Marseille", "France", 43.30, 5.37),
    ("Berlin", "Germany", 52.52, 13.40),
    ("Frankfurt", "Germany", 50.11, 8.68),
    ("München", "Germany", 48.14, 11.58),
    ("Brussels", "Belgium", 50.85, 4.35),
    ("The Hague", "Netherlands", 52.07, 4.30),
    ("Zürich", "Switzerland", 47.38, 8.54),
    ("Geneva", "Switzerland", 46.20, 6.14),
    ("Vienna", "Austria", 48.21, 16.37),
    ("Rome", "Italy", 41.90, 12.50),
    ("Milan", "Italy", 45.46, 9.19),
    ("Madrid", "Spain", 40.42, -3.70),
    ("Barcelona", "Spain", 41.39, 2.17),
    ("Lisbon", "Portugal", 38.72, -9.14),
    ("Stockholm", "Sweden", 59.33, 18.07),
    ("Oslo", "Norway", 59.91, 10.75),
    ("Helsinki", "Finland", 60.17, 24.94),
    ("Copenhagen", "Denmark", 55.68, 12.57),
    ("Warsaw", "Poland", 52.23, 21.01),
    ("Kraków", "Poland", 50.06, 19.94),
    ("Prague", "Czech Republic", 50.08, 14.44),
    ("Budapest", "Hungary", 47.50, 19.04),
    ("Bucharest", "Romania", 44.43, 26.10),
    ("Athens", "Greece", 37.98, 23.73),
    ("Istanbul", "Türkiye", 41.01, 28.98),
    ("Ankara", "Türkiye", 39.93, 32.86),
    ("Tbilisi", "Georgia", 41.72, 44.78),
    ("Tehran", "Iran", 35.69, 51.39),
    ("Baghdad", "Iraq", 33.32, 44.36),
    ("Riyadh", "Saudi Arabia", 24.71, 46.68),
    ("Dubai", "United Arab Emirates", 25.20, 55.27),
    ("Doha", "Qatar", 25.29, 51.53),
    ("Jerusalem", "Israel", 31.77, 35.21),
    ("Beirut", "Lebanon", 33.89, 35.50),
    ("Cairo", "Egypt", 30.04, 31.24),
    ("Khartoum", "Sudan", 15.50, 32.56),
    ("Addis Ababa", "Ethiopia", 9.01, 38.76),
    ("Nairobi", "Kenya", -1.29, 36.82),
    ("Lagos", "Nigeria", 6.52, 3.38),
    ("Abuja", "Nigeria", 9.08, 7.40),
    ("Accra", "Ghana", 5.60, -0.19),
    ("Dakar", "Senegal", 14.72, -17.47),
    ("Kinshasa", "DR Congo", -4.44, 15.27),
    ("Johannesburg", "South Africa", -26.20, 28.05),
    ("Cape Town", "South Africa", -33.92, 18.42),
    ("Washington", "United States", 38.91, -77.04),
    ("New York", "United States", 40.71, -74.01),
    ("San Francisco", "United States", 37.77, -122.42),
    ("Ottawa", "Canada", 45.42, -75.70),
    ("Mexico City", "Mexico", 19.43, -99.13),
    ("Bogotá", "Colombia", 4.71, -74.07),
    ("Lima", "Peru", -12.05, -77.04),
    ("São Paulo", "Brazil", -23.55, -46.63),
    ("Brasília", "Brazil", -15.79, -47.88),
    ("Buenos Aires", "Argentina", -34.60, -58.38),
    ("Santiago", "Chile", -33.45, -70.67),
)

TOPICS = (
    "diplomacy",
    "elections",
    "energy",
    "climate",
    "inflation",
    "interest rates",
    "trade",
    "sanctions",
    "migration",
    "refugees",
    "public health",
    "vaccines",
    "pandemic",
    "education",
    "housing",
    "labour",
    "strikes",
    "wages",
    "unemployment",
    "central banks",
    "stock markets",
    "bonds",
    "currencies",
    "oil",
    "natural gas",
    "coal",
    "nuclear power",
    "renewables",
    "solar",
    "wind power",
    "electric vehicles",
    "batteries",
    "semiconductors",
    "artificial intelligence",
    "cybersecurity",
    "privacy",
    "social media",
    "misinformation",
    "press freedom",
    "human rights",
    "courts",
    "supreme court",
    "constitution",
    "corruption",
    "protests",
    "policing",
    "crime",
    "terrorism",
    "defence",
    "NATO",
    "European Union",
    "United Nations",
    "G7",
    "G20",
    "BRICS",
    "WHO",
    "IMF",
    "World Bank",
    "OPEC",
    "WTO",
    "ASEAN",
    "African Union",
    "drought",
    "floods",
    "wildfires",
    "heatwaves",
    "hurricanes",
    "earthquakes",
    "famine",
    "food security",
    "agriculture",
    "fisheries",
    "biodiversity",
    "oceans",
    "forests",
    "water",
    "air pollution",
    "plastics",
    "space",
    "science",
    "research",
    "universities",
    "culture",
    "film",
    "music",
    "literature",
    "art",
    "football",
    "olympics",
    "cricket",
    "tennis",
    "tourism",
    "aviation",
    "shipping",
    "railways",
    "infrastructure",
    "cities",
    "transport",
    "telecoms",
    "5G",
    "internet",
    "antitrust",
    "big tech",
    "startups",
    "venture capital",
    "banking",
    "insurance",
    "pensions",
    "taxation",
    "budgets",
    "debt",
    "austerity",
    "subsidies",
    "tariffs",
    "supply chains",
    "manufacturing",
    "mining",
    "lithium",
    "copper",
    "steel",
    "cars",
    "pharmaceuticals",
    "biotech",
    "genetics",
    "mental health",
    "ageing",
    "demographics",
    "fertility",
    "gender",
    "LGBTQ rights",
    "religion",
    "indigenous rights",
    "land reform",
    "peace talks",
    "ceasefire",
    "war crimes",
    "arms control",
    "nuclear weapons",
    "missiles",
    "drones",
    "espionage",
    "coups",
    "monarchy",
    "parliament",
    "referendums",
    "populism",
    "far right",
    "coalitions",
    "local government",
    "devolution",
    "independence movements",
    "border disputes",
    "Arctic",
    "Antarctica",
    "Amazon",
    "Sahel",
    "Middle East",
    "Balkans",
    "Caucasus",
    "Central Asia",
    "Indo-Pacific",
    "South China Sea",
    "Black Sea",
    "Red Sea",
    "Mediterranean",
    "Horn of Africa",
    "Latin America",
    "Caribbean",
    "Pacific Islands",
    "cost of living",
    "energy prices",
    "grain",
    "fertiliser",
    "cryptocurrency",
    "stablecoins",
    "CBDCs",
    "fintech",
    "gig economy",
    "remote work",
    "automation",
    "robotics",
    "quantum computing",
    "open source",
    "data protection",
    "surveillance",
    "facial recognition",
    "elections integrity",
    "voting rights",
    "census",
    "obituaries",
)

PEOPLE = (
    "the prime minister",
    "the president",
    "the finance minister",
    "the foreign minister",
    "a government spokesperson",
    "the central bank governor",
    "an opposition leader",
    "a senior diplomat",
    "the mayor",
    "a union leader",
    "a company spokesperson",
    "the health minister",
    "an economist at a regional bank",
    "a former ambassador",
    "a researcher at the university",
    "the defence ministry",
    "a local resident",
    "an aid worker",
    "the chief executive",
    "a party official",
    "the energy regulator",
    "a climate scientist",
    "a lawyer for the families",
    "the election commission",
)
ADJECTIVES = (
    "sharp",
    "modest",
    "unexpected",
    "long-awaited",
    "contested",
    "historic",
    "cautious",
    "sweeping",
    "temporary",
    "fragile",
    "rapid",
    "gradual",
    "narrow",
    "broad",
    "costly",
    "controversial",
    "limited",
    "significant",
    "renewed",
    "delayed",
    "record",
    "preliminary",
    "unprecedented",
)
NOUNS = (
    "agreement",
    "proposal",
    "decision",
    "reform",
    "budget",
    "deal",
    "inquiry",
    "ruling",
    "plan",
    "package",
    "law",
    "ban",
    "cut",
    "increase",
    "shortage",
    "surplus",
    "deficit",
    "outbreak",
    "investigation",
    "offensive",
    "negotiation",
    "partnership",
    "programme",
    "strategy",
    "report",
    "forecast",
    "framework",
    "commitment",
    "deadline",
    "mandate",
    "recovery",
    "crackdown",
    "merger",
)
VERBS_PAST = (
    "announced",
    "approved",
    "rejected",
    "delayed",
    "unveiled",
    "criticised",
    "defended",
    "signed",
    "suspended",
    "expanded",
    "proposed",
    "welcomed",
    "questioned",
    "confirmed",
    "blocked",
    "revised",
)
VERBS = (
    "raise",
    "cut",
    "delay",
    "expand",
    "review",
    "challenge",
    "support",
    "replace",
    "extend",
    "restrict",
    "fund",
    "reform",
    "protect",
    "strengthen",
    "weaken",
    "reconsider",
)
TIMES = (
    "on Monday",
    "on Tuesday",
    "on Wednesday",
    "on Thursday",
    "on Friday",
    "over the weekend",
    "last week",
    "earlier this month",
    "late on Sunday",
    "this morning",
    "in a statement",
    "after hours of talks",
    "at a press conference",
    "in an interview",
)
CONNECTORS = (
    "However,",
    "Meanwhile,",
    "At the same time,",
    "Still,",
    "In practice,",
    "By contrast,",
    "For now,",
    "Even so,",
    "Critics note that",
    "Supporters argue that",
    "Analysts say",
)
QUOTES = (
    "We cannot afford to wait any longer",
    "This is a turning point for the region",
    "The numbers simply do not add up",
    "Nobody wants a return to the crisis of last year",
    "It is a first step, not a solution",
    "We will keep pressing until the promises are kept",
    "The details matter more than the headline",
    "People are tired, and they want results",
    "There is no quick fix for a problem this size",
    "We were never consulted",
    "The risks are real, but so are the opportunities",
    "This decision will be judged by what happens next",
)
HEADINGS = (
    "What happened",
    "Why it matters",
    "The backdrop",
    "What comes next",
    "The numbers",
    "Reaction at home",
    "Reaction abroad",
    "The politics",
    "The economics",
    "Open questions",
    "A longer view",
    "Who wins and who loses",
)

TAGS: tuple[str, ...] = tuple(
    dict.fromkeys([*TOPICS, *(c for _, c, _, _ in CITIES), *(f"{t} policy" for t in TOPICS[:60])])
)[:300]
TAG_WEIGHTS = tuple(accumulate(1 / (i + 1) ** 0.8 for i in range(len(TAGS))))  # a few tags dominate


@dataclass
class Article:
    """One generated story: the data both the digest and the Pelican writers need."""

    title: str
    slug: str
    date: datetime
    source: str
    source_url: str | None
    city: str
    country: str
    coords: tuple[float, float] | None
    tags: list[str]
    summary: str
    body: str
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def relpath(self) -> str:
        """The content path: `YYYY/MM/YYYY-MM-DD-slug.md`, dated in the article's own offset."""
        d = self.date
        return f"{d:%Y}/{d:%m}/{d:%Y-%m-%d}-{self.slug}.md"


class Writer:
    """Builds sentences, paragraphs and articles from one seeded random stream."""

    def __init__(self, seed: int) -> None:
        """Every choice comes from `self.rng`, so one seed always gives the same bytes."""
        self.rng = random.Random(seed)
        self.used_slugs: dict[str, int] = {}

    def pick(self, items: tuple[str, ...]) -> str:
        """A uniform choice (faster than rng.choice on hot paths)."""
        return items[int(self.rng.random() * len(items))]

    def tag(self) -> str:
        """A tag drawn from a skewed (Zipf-like) distribution, as on real sites."""
        return TAGS[bisect(TAG_WEIGHTS, self.rng.random() * TAG_WEIGHTS[-1])]

    def sentence(self, country: str) -> str:
        """One news-register sentence from a template."""
        p = self.pick
        kind = int(self.rng.random() * 7)
        if kind == 0:
            s = f'"{p(QUOTES)}," {p(PEOPLE)} said {p(TIMES)}.'
        elif kind == 1:
            s = f"{p(PEOPLE).capitalize()} {p(VERBS_PAST)} the {p(ADJECTIVES)} {p(NOUNS)} {p(TIMES)}."
        elif kind == 2:
            s = (
                f"{p(CONNECTORS)} the {p(NOUNS)} could {p(VERBS)} the {p(ADJECTIVES)} {p(NOUNS)} "
                f"that {country} {p(VERBS_PAST)} in {2015 + int(self.rng.random() * 9)}."
            )
        elif kind == 3:
            pct = f"{self.rng.randint(1, 40)}.{self.rng.randint(0, 9)}"
            s = (
                f"The {p(NOUNS)} on {p(TOPICS)} would {p(VERBS)} spending by {pct} per cent, "
                f"according to figures {p(VERBS_PAST)} by {p(PEOPLE)}."
            )
        elif kind == 4:
            s = (
                f"{p(PEOPLE).capitalize()} told reporters that the {p(NOUNS)} was \u201c{p(ADJECTIVES)} "
                f"but necessary\u201d and that officials would {p(VERBS)} it within "
                f"{self.rng.randint(2, 24)} months."
            )
        elif kind == 5:
            s = (
                f"Officials in {country} have long sought to {p(VERBS)} the {p(NOUNS)}, "
                f"and the {p(ADJECTIVES)} {p(NOUNS)} on {p(TOPICS)} is likely to test that goal."
            )
        else:
            s = (
                f"{p(CONNECTORS)} the {p(ADJECTIVES)} {p(NOUNS)} leaves {p(PEOPLE)} with "
                f"{p(ADJECTIVES)} room to {p(VERBS)} the {p(NOUNS)} on {p(TOPICS)}."
            )
        return s[0].upper() + s[1:]

    def paragraph(self, country: str) -> str:
        """Three to six sentences."""
        return " ".join(self.sentence(country) for _ in range(self.rng.randint(3, 6)))

    def slug_for(self, title: str) -> str:
        """A URL slug from the title, unique across the whole corpus (Pelican needs that)."""
        words = re.sub(r"[^a-z0-9 ]+", "", title.lower()).split()[:7]
        base = "-".join(words) or "story"
        n = self.used_slugs.get(base, 0) + 1
        self.used_slugs[base] = n
        return base if n == 1 else f"{base}-{n}"

    def article(self) -> Article:
        """One complete article with front matter values and a 600-900 word Markdown body."""
        rng, p = self.rng, self.pick
        city, country, lat, lon = CITIES[int(rng.random() * len(CITIES))]
        source, domain = SOURCES[int(rng.random() * len(SOURCES))]
        offset = timezone(timedelta(minutes=OFFSETS[int(rng.random() * len(OFFSETS))]))
        date = (END - timedelta(seconds=int(rng.random() * SPAN_SECONDS))).astimezone(offset)
        topic = p(TOPICS)
        title = (
            f"{country} {p(VERBS_PAST)} {p(ADJECTIVES)} {p(NOUNS)} on {topic} "
            f"as {p(PEOPLE)} {p(VERBS_PAST)} {p(NOUNS)}"
        )
        title = title[0].upper() + title[1:]
        slug = self.slug_for(title)
        tags: list[str] = [topic] if rng.random() < 0.5 else []
        want = rng.randint(2, 5)
        while len(tags) < want:
            t = self.tag()
            if t not in tags:
                tags.append(t)
        if rng.random() < 0.05:
            tags[0] = tags[0].lower() if tags[0][0].isupper() else tags[0].capitalize()  # case variants
        summary = f"{self.sentence(country)} {self.sentence(country)}"
        url = (
            f"https://www.{domain}/{date:%Y/%m/%d}/{slug}" if rng.random() < 0.5 else None
        )  # half the articles give a source mapping with a URL
        coords = (lat, lon) if rng.random() < 0.25 else None
        body = self.body(country, url or f"https://www.{domain}/", date)
        return Article(title, slug, date, source, url, city, country, coords, tags, summary, body)

    def body(self, country: str, link: str, date: datetime) -> str:
        """Paragraphs plus the occasional heading, list, link, table and footnote."""
        rng, p = self.rng, self.pick
        target = rng.randint(600, 900)
        blocks: list[str] = []
        words = 0
        marked = False
        footnote = rng.random() < 0.15
        table_at = rng.randint(3, 8) if rng.random() < 0.15 else -1
        list_at = rng.randint(2, 7) if rng.random() < 0.35 else -1
        while words < target:
            i = len(blocks)
            if i > 1 and not blocks[-1].startswith("#") and rng.random() < 0.18:
                blocks.append(f"## {p(HEADINGS)}")
            elif i == list_at:
                items = [f"- {self.sentence(country)}" for _ in range(rng.randint(3, 5))]
                blocks.append("Key points from the report:\n\n" + "\n".join(items))
            elif i == table_at:
                rows = "\n".join(
                    f"| {date.year - k} | {rng.randint(10, 999)}.{rng.randint(0, 9)} | "
                    f"{rng.choice('+-')}{rng.randint(0, 15)}.{rng.randint(0, 9)}% |"
                    for k in range(rng.randint(3, 5))
                )
                blocks.append(f"| Year | {p(NOUNS).capitalize()} (bn) | Change |\n|---|---:|---:|\n{rows}")
            else:
                para = self.paragraph(country)
                if i == 0:
                    para += f" The [original report]({link}) has the full details."
                elif footnote and i >= 2 and not marked:
                    para += "[^1]"
                    marked = True
                elif rng.random() < 0.05:
                    para += f" See the [archive for {date.year}](/archive/{date.year}/) for earlier coverage."
                blocks.append(para)
            words += blocks[-1].count(" ") + 1
        blocks.append(f"**Why it matters:** {self.sentence(country)}")
        if marked:
            blocks.append(f"[^1]: {self.sentence(country)}")
        return "\n\n".join(blocks) + "\n"


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def digest_text(a: Article) -> str:
    """The article as a digest Markdown file with YAML front matter."""
    lines = ["---", f"title: {q(a.title)}", f"date: {a.date.isoformat()}"]
    if a.source_url:
        lines += ["source:", f"  name: {q(a.source)}", f"  url: {a.source_url}"]
    else:
        lines.append(f"source: {q(a.source)}")
    if a.coords:
        lines += ["location:", f"  city: {q(a.city)}", f"  country: {q(a.country)}"]
        lines += [f"  lat: {a.coords[0]}", f"  lon: {a.coords[1]}"]
    else:
        lines.append(f"location: {q(f'{a.city}, {a.country}')}")
    lines.append(f"tags: [{', '.join(q(t) for t in a.tags)}]")
    lines += [f"summary: {q(a.summary)}", "---", a.body]
    return "\n".join(lines)


def pelican_text(a: Article) -> str:
    """The same article in Pelican's Markdown metadata format (Pelican ignores YAML front matter)."""
    head = [
        f"Title: {a.title}",
        f"Date: {a.date.astimezone(timezone.utc):%Y-%m-%d %H:%M}",  # Pelican's month archives need UTC
        f"Slug: {a.slug}",
        f"Tags: {', '.join(a.tags)}",
        f"Category: {a.source}",
        f"Summary: {a.summary}",
    ]
    return "\n".join(head) + "\n\n" + a.body


SITE_YML = """title: Bench Digest
base_url: https://example.org/bench/
timezone: UTC
per_page: 20
"""


def articles(count: int, seed: int) -> list[Article]:
    """The corpus, in generation order."""
    w = Writer(seed)
    return [w.article() for _ in range(count)]


EDITIONS_YML = """editions:
  cadence: weekly
  first: 2022-01-03
  sections:
    - title: Politics
      tags: [diplomacy, elections]
    - title: Money
      tags: [energy, inflation, trade]
  other_section: Elsewhere
"""
EDITION_FILES = 12  # edition files with a note and a story order, a quarter apart


def write_editions(content: Path, arts: list[Article]) -> None:
    """Edition files spread over the corpus: each dated in its own week, listing two of its stories."""
    by_date = sorted(arts, key=lambda a: a.date)
    folder = content / "editions"
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(EDITION_FILES):
        index = (2 * n + 1) * len(by_date) // (2 * EDITION_FILES)
        lead = by_date[index]
        listed = dict.fromkeys(a.relpath for a in by_date[index : index + 2])
        stories = "".join(f"  - {path}\n" for path in listed)
        note = f"The week's lead: {lead.title}. {lead.summary}"
        text = f"---\ndate: {lead.date:%Y-%m-%d}\ntitle: Edition {n + 1}\nstories:\n{stories}---\n{note}\n"
        (folder / f"edition-{n + 1}.md").write_text(text, encoding="utf-8")


def write_site(
    folder: Path, arts: list[Article], *, editions: bool = False, search: bool | None = None
) -> list[Path]:
    """Write `site.yml` and `content/` for a digest site; returns the article paths in generation order.

    `editions`: weekly editions with sections and a few edition files, to measure what they cost.
    `search`: written as `search:` in site.yml; None leaves the key out (digest before search had none).
    """
    folder.mkdir(parents=True, exist_ok=True)
    searching = "" if search is None else f"search: {str(search).lower()}\n"
    (folder / "site.yml").write_text(
        SITE_YML + searching + (EDITIONS_YML if editions else ""), encoding="utf-8"
    )
    if editions:
        write_editions(folder / "content", arts)
    content = folder / "content"
    paths = []
    made: set[Path] = set()
    for a in arts:
        path = content / a.relpath
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_bytes(digest_text(a).encode())
        paths.append(path)
    return paths


def main() -> None:
    """`python bench/corpus.py DIR --articles N [--seed S]`."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("dir", type=Path, help="site folder to write (site.yml and content/)")
    ap.add_argument("--articles", type=int, default=1000, help="number of articles (default 1000)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = ap.parse_args()
    paths = write_site(args.dir, articles(args.articles, args.seed))
    print(f"wrote {len(paths)} articles into {args.dir}")


if __name__ == "__main__":
    main()
