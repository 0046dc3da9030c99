"""The start-up check that the fast inline pass (inline.py) still gives stock Python-Markdown's HTML.

inline.py replaces Python-Markdown's private, name-mangled inline loop and reads the private parser of
Python's `re`. pyproject.toml pins the Markdown minor series it was tested with; this check covers what
a pin cannot (an install that ignored it, a Python whose `re` moved on). Once per process and set of
extensions, a short probe document is rendered both ways. If the HTML differs, or the fast pass fails
at all, articles are rendered by stock Python-Markdown: slower, never different.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

import markdown

# Every inline pattern of Python-Markdown and its bundled extensions fires on this text at least once
# (tests/test_inline.py checks it): emphasis of both kinds, links, references, images, autolinks, code,
# escapes, inline HTML, entities, line breaks, footnote references, wiki links, abbreviations, attribute
# lists, and each of smarty's quote, dash and ellipsis rules.
PROBE = """\
"Talks," *said* **aides**; _envoys_ met at __noon__ for ***late*** talks.
'Tis the '90s accord -- signed --- still... "'Twas 'fragile'," '"Fine" words'.
A *mixed **nest** in* *unclosed, a lone * \\*escaped\\*, `code`, ``a `tick` here``.
[Report](https://news.example/r "R"), [brief][w], [w], ![map](m.png "M"), ![chart][w], ![w],
<desk@news.example>, <https://news.example/live>.
A<br>b <span class="x">c</span> <!-- n --> 5&nbsp;pm &amp; &#8212; &#x2014;\x20\x20
break, note[^1], [[Wiki Link]], << angled >>.
The clerks' desk ('tis) heard "a 'yes'" and 'a "no"', *it*{: .term } \\'plain\\',
by the WHO, "at the end".

'... so,' a clerk; **later**"... not again," she said.

*[WHO]: World Health Organization
[w]: https://news.example/wire "Wire"
[^1]: A *noted* point.
"""


@dataclass(frozen=True, slots=True)
class Extensions:
    """Python-Markdown's extensions and their settings, as a cache key (the settings are a dict)."""

    names: tuple[str, ...]
    configs: dict[str, dict[str, Any]] = field(hash=False)  # compared, not hashed


@functools.cache
def fast_inline_pass_agrees(extensions: Extensions) -> bool:
    """True when the fast inline pass renders the probe exactly as stock Python-Markdown does."""
    stock = _converter(extensions)
    try:
        from digest.content.inline import skip_impossible_patterns  # fails if `re` has no parser to read

        fast = _converter(extensions)
        skip_impossible_patterns(fast)
        return fast.convert(PROBE) == stock.convert(PROBE)
    except Exception:  # whatever a Python-Markdown or `re` with other internals raises: use stock
        return False


def _converter(extensions: Extensions) -> markdown.Markdown:
    """A stock Python-Markdown with these extensions, as the site's renderer makes it."""
    return markdown.Markdown(
        extensions=list(extensions.names), extension_configs=extensions.configs, output_format="html"
    )
