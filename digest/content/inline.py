"""A faster inline pass for Python-Markdown that gives the same HTML: patterns that cannot match are skipped.

Stock Python-Markdown tries every inline pattern on every run of text, and most text holds none of
the characters a pattern needs (`[`, `*`, a backtick, `<`, a quote). Those tries were over half of
the time spent on a news article. Here a pattern is tried only when the text holds at least one
character that every match of its regex must contain, worked out from the regex itself, so the rule
holds for any extension's patterns too.

It overrides Python-Markdown's private inline loop, so it is only switched on after inline_probe.py
has seen it give stock Python-Markdown's HTML in this process.
"""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as ET
from bisect import bisect_left
from collections.abc import Iterable
from types import MappingProxyType
from typing import Any

import markdown
from markdown.treeprocessors import InlineProcessor
from markdown.util import AtomicString

try:
    from re import _constants as sre  # Python ≥ 3.11
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover (Python 3.10)
    import sre_constants as sre  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

_COMMON = MappingProxyType({" ": 100, "e": 20, "t": 20, "a": 20})  # ranks a pattern's needs: rarest first


def skip_impossible_patterns(md: markdown.Markdown) -> None:
    """Swap each stock inline pass (the core one, smarty's) for the skipping one, with the same patterns."""
    for item in list(md.treeprocessors._priority):
        processor = md.treeprocessors[item.name]
        if type(processor) is InlineProcessor:
            skipping = _SkippingInlineProcessor(md)
            skipping.inlinePatterns = processor.inlinePatterns
            md.treeprocessors.register(skipping, item.name, item.priority)


class _SkippingInlineProcessor(InlineProcessor):
    """Python-Markdown's inline pass, visiting only the patterns that could match the text at hand."""

    _patterns: tuple[Any, ...] = ()

    def run(self, tree: ET.Element, ancestors: list[str] | None = None) -> ET.Element:
        patterns = tuple(self.inlinePatterns)
        if patterns != self._patterns:  # the same for every document, unless an extension changed them
            self._patterns = patterns
            self._needed = [needed_characters(p.getCompiledRegExp()) for p in patterns]
            self._triggers = "".join(sorted(frozenset().union(*(n for n in self._needed if n))))
            self._tried: dict[str, tuple[int, ...]] = {}
        return super().run(tree, ancestors)

    def _candidates(self, data: str) -> tuple[int, ...]:
        """Indexes of the patterns that could match `data`, worked out once per set of characters present."""
        present = "".join(c for c in self._triggers if c in data)
        found = self._tried.get(present)
        if found is None:
            found = tuple(i for i, n in enumerate(self._needed) if n is None or not n.isdisjoint(present))
            self._tried[present] = found
        return found

    def _InlineProcessor__handleInline(self, data: str, index: int = 0) -> str:  # noqa: N802
        """The upstream loop (under its name-mangled name, so it replaces it), visiting only candidates."""
        if isinstance(data, AtomicString):
            return data
        apply = self._InlineProcessor__applyPattern  # type: ignore[attr-defined]
        start = 0
        candidates = self._candidates(data)
        while (i := bisect_left(candidates, index)) < len(candidates):
            if candidates[i] != index:  # the patterns in between cannot match: skipped
                index, start = candidates[i], 0
            data, matched, start = apply(self._patterns[index], data, index, start)
            if matched:  # the text changed: a placeholder replaced what matched
                candidates = self._candidates(data)
            else:
                index += 1
        return data


@functools.cache
def needed_characters(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Characters of which every match of `pattern` contains at least one; None when there is no such set."""
    fold = bool(pattern.flags & re.IGNORECASE)
    return _needed(sre_parse.parse(pattern.pattern, pattern.flags), fold)


def _needed(items: Iterable[tuple[Any, Any]], fold: bool) -> frozenset[str] | None:
    """A sequence matches only if each of its parts does: the rarest part's characters will do."""
    sets = [found for op, value in items if (found := _needed_by(op, value, fold)) is not None]
    return min(sets, key=_commonness, default=None)


def _commonness(chars: frozenset[str]) -> int:
    return sum(_COMMON.get(c, 10 if c.isalnum() else 1) for c in chars)


def _needed_by(op: Any, value: Any, fold: bool) -> frozenset[str] | None:
    """What one node of the regex's parse tree needs; repeats that may match nothing need nothing."""
    if op is sre.LITERAL:
        return _literal({chr(value)}, fold)
    if op is sre.IN:
        chars: set[str] = set()
        for kind, arg in value:
            if kind is sre.LITERAL:
                chars.add(chr(arg))
            elif kind is sre.RANGE and arg[1] - arg[0] < 64:
                chars.update(map(chr, range(arg[0], arg[1] + 1)))
            else:  # a negated set or a category (\w, \s) can match almost anything
                return None
        return _literal(chars, fold)
    if op is sre.SUBPATTERN:
        _, add, remove, body = value
        ignorecase = sre.SRE_FLAG_IGNORECASE
        return _needed(body, (fold or bool(add & ignorecase)) and not remove & ignorecase)
    if op is getattr(sre, "ATOMIC_GROUP", None):
        return _needed(value, fold)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)):
        least, _, body = value
        return _needed(body, fold) if least >= 1 else None
    if op is sre.BRANCH:
        branches = [_needed(branch, fold) for branch in value[1]]
        return None if None in branches else frozenset().union(*branches)  # type: ignore[arg-type]
    return None  # anchors, lookarounds, `.`, back-references: no promise about the text


def _literal(chars: set[str], fold: bool) -> frozenset[str] | None:
    """Under IGNORECASE a cased letter also matches its other cases (even `K` for `k`): give up on those."""
    if fold and any(c.lower() != c or c.upper() != c for c in chars):
        return None
    return frozenset(chars)
