"""The skipping inline pass (digest/content/inline.py): stock Python-Markdown's HTML, only sooner."""

from __future__ import annotations

import importlib.metadata
import json
import multiprocessing
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from concurrent.futures import ProcessPoolExecutor

import markdown
import pytest
from conftest import IN_CI, ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor

from digest.config.site_config import DEFAULT_EXTENSIONS, MarkdownConfig
from digest.content.inline import needed_characters, skip_impossible_patterns
from digest.content.inline_probe import PROBE, Extensions, fast_inline_pass_agrees
from digest.content.markup import MarkdownRenderer

CORPORA = ROOT.parent / "shared" / "corpora"
CORPUS_NAMES = ("18f-blog", "digitalgov-events", "digitalgov-news")
RE_PARSER_CHANGES = ("re._parser missing", "re._parser parses differently", "re._parser gives another shape")
OWN_RE_PARSER = pytest.mark.skipif(sys.version_info < (3, 11), reason="Python 3.10's re has no _parser")
WIDE_EXTENSIONS = ("extra", "smarty", "toc", "admonition", "nl2br", "sane_lists", "wikilinks")
_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n.*?^---[ \t]*$\r?\n?", re.S | re.M)


# needed_characters on hand-written regexes


@pytest.mark.parametrize(
    ("regex", "expected"),
    [
        (re.compile(r"\["), {"["}),
        (re.compile(r"\*|_"), {"*", "_"}),
        (re.compile("  \n"), {"\n"}),  # two spaces and a newline: the newline is the rarer need
        (re.compile("a?"), None),
        (re.compile("x*"), None),
        (re.compile("x+"), {"x"}),
        (re.compile("(?:ab){2}"), {"b"}),
        (re.compile("."), None),
        (re.compile("[^a]"), None),
        (re.compile(r"\w"), None),
        (re.compile(r"\s"), None),
        (re.compile(r"(?<!!)\["), {"["}),  # the lookbehind reads text before the match: no promise
        (re.compile(r"(?=\[)"), None),  # a match of nothing at all contains nothing
        (re.compile("[0-3]"), {"0", "1", "2", "3"}),
        (re.compile("k", re.I), None),  # KELVIN SIGN (U+212A) matches too
        (re.compile(r"\[", re.I), {"["}),  # punctuation has no other case
        (re.compile("(?i:k)"), None),
        (re.compile("(?i:k)|x"), None),  # an alternation is only as good as its weakest branch
        (re.compile("(?-i:k)", re.I), {"k"}),  # case-sensitive again inside the group
        (re.compile(r"(?-i:k)\]", re.I), {"]"}),  # both are needed: the rarer one (punctuation) is kept
    ],
    ids=lambda value: repr(value.pattern) if isinstance(value, re.Pattern) else None,
)
def test_needed_characters_of_hand_written_regexes(regex, expected):
    """Each kind of regex node either makes a promise about the text or, when unsure, makes none."""
    assert needed_characters(regex) == (None if expected is None else frozenset(expected))


_LITERALS = ["[", "]", "*", "_", "!", "<", ">", "`", "\n", " ", "a", "b", "k", "s", "K", "S", "0", "3"]
_CLASSES = ["[ab]", "[*_]", "[0-3]", "[^a]", r"\w", r"\s", ".", "[a-c]", "[k!]"]
_SUBJECT = "".join(_LITERALS) + "12cx\u212a\u017f\u0130\u0131"  # KELVIN SIGN, long s, dotted/dotless i


def _regexes() -> st.SearchStrategy[str]:
    """Small regexes, mostly of the kinds that do make a promise, so the promises get tested."""
    literal = st.sampled_from(_LITERALS).map(re.escape)
    atom = st.one_of(literal, literal, literal, st.sampled_from(_CLASSES))
    lookbehind = st.tuples(st.sampled_from(["(?<=", "(?<!"]), literal).map(
        lambda parts: f"{parts[0]}{parts[1]})"
    )

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        part = st.one_of(
            inner, inner, inner, lookbehind, inner.map("(?={})".format), inner.map("(?!{})".format)
        )
        return st.one_of(
            st.lists(part, min_size=2, max_size=4).map("".join),
            st.lists(part, min_size=2, max_size=4).map("".join),
            st.lists(inner, min_size=2, max_size=3).map("|".join),
            st.tuples(inner, st.sampled_from(["?", "*", "+", "{2}", "{0,2}", "+?", "*?", "{1,3}"])).map(
                lambda parts: "(?:{}){}".format(*parts)  # grouped, so that a repeat never repeats a repeat
            ),
            inner.map("({})".format),
            inner.map("(?i:{})".format),
        )

    return st.recursive(atom, extend, max_leaves=10)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pattern=_regexes(), ignorecase=st.booleans(), data=st.data())
def test_needed_characters_is_a_promise_every_match_keeps(pattern, ignorecase, data):
    """A pattern is skipped on text without its needed characters: sound only if no match lacks them all."""
    regex = re.compile(pattern, re.I if ignorecase else 0)
    needed = needed_characters(regex)
    if needed is None:
        return
    texts = data.draw(st.lists(st.text(alphabet=_SUBJECT, max_size=12), max_size=4), label="texts")
    texts.append(data.draw(st.from_regex(regex), label="text matching it"))  # with some text around it
    for text in texts:
        for match in regex.finditer(text):
            assert match.group(0), f"{pattern!r} promised {set(needed)} but matched nothing in {text!r}"
            assert not needed.isdisjoint(match.group(0)), (
                f"{pattern!r} promised {set(needed)} but matched {match.group(0)!r} in {text!r}"
            )


# The same HTML as stock Python-Markdown


def _pair(extensions) -> tuple[markdown.Markdown, markdown.Markdown]:
    """A stock Markdown and one with the skipping inline pass, otherwise the same."""
    stock = markdown.Markdown(extensions=list(extensions), output_format="html")
    fast = markdown.Markdown(extensions=list(extensions), output_format="html")
    skip_impossible_patterns(fast)
    return stock, fast


def _body(path) -> str:
    return _FRONT_MATTER.sub("", path.read_text(encoding="utf-8"), count=1)


def _differing(extensions, paths) -> list[str]:
    """Those of `paths` whose stock and skipping HTML differ (run in a worker process: its own pair)."""
    stock, fast = _pair(extensions)
    return [
        str(path.relative_to(ROOT.parent))
        for path in paths
        if stock.reset().convert(text := _body(path)) != fast.reset().convert(text)
    ]


def _differing_in_parallel(extensions, paths) -> list[str]:
    """`_differing` over several processes: rendering ~3,000 files twice takes half a minute on one core."""
    workers = min(os.cpu_count() or 1, 4)
    if workers == 1 or "fork" not in multiprocessing.get_all_start_methods():
        return _differing(extensions, paths)
    chunks = [paths[i :: workers * 4] for i in range(workers * 4)]  # interleaved: big files are spread out
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        return sorted(
            path for found in pool.map(_differing, [extensions] * len(chunks), chunks) for path in found
        )


def _sources(name: str) -> list:
    folder = ROOT / "content" if name == "content" else CORPORA / name
    if not folder.is_dir():
        if IN_CI:
            pytest.fail(f"{folder} is missing")
        pytest.skip(f"{folder} is not here")
    files = sorted(folder.rglob("*.md"))
    assert files, f"no .md files under {folder}"
    return files


@pytest.mark.parametrize(
    ("name", "extensions", "step"),
    [(name, DEFAULT_EXTENSIONS, 1) for name in ("content", *CORPUS_NAMES)]
    + [(name, WIDE_EXTENSIONS, 5) for name in ("content", *CORPUS_NAMES)],
    ids=lambda value: (
        "default" if value == DEFAULT_EXTENSIONS else "wide" if value == WIDE_EXTENSIONS else None
    ),
)
def test_real_content_renders_byte_identical(name, extensions, step):
    """Every real article (every 5th with the wider, slower set of extensions) gets stock Markdown's HTML."""
    files = _sources(name)[::step]
    differing = _differing_in_parallel(extensions, files)
    assert not differing, f"{len(differing)} of {len(files)} files in {name} differ: {differing}"


_FRAGMENTS = [
    "*", "**", "_", "`", "``", "[", "]", "(", ")", "![", "[^1]", "[^1]: note\n", "<", ">", "<b>", "</b>",
    "<http://a.example/x>", "<me@a.example>", "&amp;", "&#8212;", "&", "'", '"', "--", "---", "...",
    "\\", "\\*", "  \n", "\n", "\n\n", "# ", "- ", "1. ", "> ", "    ", "|", "{: .x}", "'70s",
    "word", "Two words", "x", "http://a.example/y", "[[Wiki Link]]", " ", "a.png", '"title"', "HTML",
    "\n*[HTML]: Hyper Text\n", "{#id}", "<<", ">>", "``code``", "\t",
]  # fmt: skip
_PAIRS = {
    "default": _pair(DEFAULT_EXTENSIONS),
    "wide": _pair(WIDE_EXTENSIONS),
}


@settings(max_examples=400, deadline=None)
@given(text=st.lists(st.sampled_from(_FRAGMENTS), max_size=30).map("".join))
def test_markdownish_text_renders_byte_identical(text):
    """Text dense in every inline pattern's trigger characters still gives stock Markdown's exact HTML."""
    for which, (stock, fast) in _PAIRS.items():
        assert fast.reset().convert(text) == stock.reset().convert(text), which


class _Wrap(InlineProcessor):
    """Wraps what its regex matched (its last group, if any) in `tag`."""

    def __init__(self, tag: str, pattern: str, md: markdown.Markdown) -> None:
        super().__init__(pattern, md)
        self.tag = tag

    def handleMatch(self, m, data):  # noqa: N802 (Python-Markdown's API name)
        element = ET.Element(self.tag)
        element.text = m.group(m.lastindex or 0)
        return element, m.start(0), m.end(0)


class _OwnPatterns(Extension):
    """A third-party extension's inline patterns: (name, tag, regex, priority)."""

    def __init__(self, *patterns: tuple[str, str, str, int]) -> None:
        super().__init__()
        self.patterns = patterns

    def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's API name)
        for name, tag, pattern, priority in self.patterns:
            md.inlinePatterns.register(_Wrap(tag, pattern, md), name, priority)


def _pair_with(*patterns: tuple[str, str, str, int]) -> tuple[markdown.Markdown, markdown.Markdown]:
    stock = markdown.Markdown(extensions=[*DEFAULT_EXTENSIONS, _OwnPatterns(*patterns)], output_format="html")
    fast = markdown.Markdown(extensions=[*DEFAULT_EXTENSIONS, _OwnPatterns(*patterns)], output_format="html")
    skip_impossible_patterns(fast)
    assert type(fast.treeprocessors["inline"]).__name__ == "_SkippingInlineProcessor"
    return stock, fast


def test_an_extensions_own_inline_patterns_still_fire():
    """Needs come from each pattern's own regex: a third-party pattern is skipped only if it cannot match."""
    stock, fast = _pair_with(("mark", "mark", r"@@(\w+)@@", 175), ("nb", "small", r"(?i:\b(nb)\b)", 174))
    assert needed_characters(fast.inlinePatterns["mark"].getCompiledRegExp()) == {"@"}
    assert needed_characters(fast.inlinePatterns["nb"].getCompiledRegExp()) is None  # so always tried
    text = "Some @@marked@@ words, *emphasis* and @@two@@ @@marks@@; an @ alone, `@@code@@`.\n\nNB: plain."
    html = fast.reset().convert(text)
    assert html == stock.reset().convert(text)
    assert "<mark>marked</mark>" in html
    assert "<mark>two</mark> <mark>marks</mark>" in html
    assert "<code>@@code@@</code>" in html
    assert "<small>NB</small>: plain." in html
    assert fast.reset().convert("No at signs here, nb.") == stock.reset().convert("No at signs here, nb.")


def test_a_pattern_that_only_matches_what_an_earlier_match_put_in_is_still_tried():
    """A match swaps in a placeholder (`\\x02klzzwxh:0000\\x03`): the characters present are read again.

    A careless pattern for four digits then matches inside the placeholder and mangles the output; stock
    Python-Markdown does so too, and the point is to do exactly what it does.
    """
    stock, fast = _pair_with(("mark", "mark", r"@@(\w+)@@", 175), ("digits", "sub", "[0-9]{4}", 1))
    for text, fires in [("Some @@marked@@ words.", True), ("@@a@@ and 1234.", True), ("No digit.", False)]:
        html = fast.reset().convert(text)
        assert html == stock.reset().convert(text), text
        assert ("<sub>" in html) is fires, (
            text
        )  # it fires on a placeholder's digits, though the text had none


def test_the_site_renderer_uses_the_skipping_pass():
    """Articles are rendered by MarkdownRenderer, so that is where the speed-up has to be switched on."""
    renderer = MarkdownRenderer(MarkdownConfig())
    for name in ("inline", "smarty"):
        assert type(renderer._md.treeprocessors[name]).__name__ == "_SkippingInlineProcessor", name
    assert renderer.render("A *b* -- 'c'", "2024/01/x/") == "<p>A <em>b</em> &ndash; &lsquo;c&rsquo;</p>"


# The start-up probe: the fast pass only where it gives stock HTML

# between them, every built-in extension that adds inline patterns, and smarty's optional ones
PROBED_SETS = [
    (DEFAULT_EXTENSIONS, {}),
    (WIDE_EXTENSIONS, {"smarty": {"smart_angled_quotes": True}}),
    (("legacy_em", "abbr", "footnotes", "nl2br", "wikilinks", "smarty", "md_in_html"), {}),
]


def test_the_probe_passes_on_the_pinned_markdown():
    """The installed Python-Markdown is in the pinned series, and there the fast pass is kept."""
    pin = re.search(r'"markdown>=([\d.]+),<([\d.]+)"', (ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pin, "pyproject.toml pins markdown to one minor series"
    installed = tuple(map(int, importlib.metadata.version("markdown").split(".")[:2]))
    assert tuple(map(int, pin[1].split("."))) <= installed < tuple(map(int, pin[2].split(".")))
    for names, configs in PROBED_SETS:
        assert fast_inline_pass_agrees(Extensions(names, configs)), names


def test_the_probe_is_rendered_once_per_process_and_set_of_extensions():
    """Renderers made for every build (the preview's saves) reuse the verdict instead of probing again."""
    config = MarkdownConfig(extension_configs={"smarty": {"smart_dashes": False}})
    MarkdownRenderer(config).render("*a*", "")
    probed = fast_inline_pass_agrees.cache_info().misses
    for _ in range(3):
        MarkdownRenderer(MarkdownConfig(extension_configs={"smarty": {"smart_dashes": False}})).render(
            "b", ""
        )
    assert fast_inline_pass_agrees.cache_info().misses == probed
    MarkdownRenderer(MarkdownConfig(extension_configs={"smarty": {"smart_dashes": True}})).render("c", "")
    assert fast_inline_pass_agrees.cache_info().misses == probed + 1  # other settings: probed again


@pytest.mark.parametrize(("names", "configs"), PROBED_SETS, ids=["default", "wide", "others"])
def test_the_probe_makes_every_inline_pattern_fire(names, configs):
    """A changed loop shows on the probe only where it runs a pattern: each one must match at least once."""
    md = markdown.Markdown(extensions=list(names), extension_configs=configs, output_format="html")
    fired: dict[str, int] = {}
    passes = {id(p): p for p in md.treeprocessors if type(p) is markdown.treeprocessors.InlineProcessor}
    for processor in passes.values():  # the core inline pass and smarty's
        for item in processor.inlinePatterns._priority:
            pattern = processor.inlinePatterns[item.name]
            fired[item.name] = 0
            pattern.handleMatch = _counting(pattern.handleMatch, fired, item.name)
    md.convert(PROBE)
    assert len(fired) >= 15
    assert [name for name, count in fired.items() if not count] == []


def _counting(handle, fired: dict[str, int], name: str):
    """`handle`, counting the matches it accepted (a pattern may also decline what its regex matched)."""

    def counted(*args):
        result = handle(*args)
        element, start = (result[0], result[1]) if isinstance(result, tuple) else (result, 0)
        fired[name] += element is not None and start is not None
        return result

    return counted


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("none", "fast"),
        ("applyPattern renamed", "stock"),
        ("every private name renamed", None),  # the override is then never called: stock's loop runs
        ("Registry._priority renamed", "stock"),
        ("inline loop rewritten", "stock"),
        ("fast pass broken", "stock"),
        *(pytest.param(change, "stock", marks=OWN_RE_PARSER) for change in RE_PARSER_CHANGES),
    ],
)
def test_a_changed_markdown_or_re_falls_back_to_stock(tmp_path, change, expected):
    """Internals changed for real in a fresh process: digest still renders exactly what stock Markdown does.

    Without the probe, each "stock" case crashes or differs (AttributeError, ValueError, lost emphasis).
    """
    story = tmp_path / "story.md"
    story.write_text("The minister paused... then *spoke*: [read more](https://news.example/).\n")
    files = [str(story), *map(str, _sources("content"))]
    done = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "changed_markdown.py"), change, *files],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["differ"] == []
    if expected:
        assert result["pass"] == expected
