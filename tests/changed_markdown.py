"""Render with digest after changing Python-Markdown's or `re`'s internals the way a new release might.

    python tests/changed_markdown.py CHANGE FILE…

CHANGE is one of CHANGES below; it is made before digest is imported. Then each FILE's body is
rendered by digest's MarkdownRenderer and by stock Python-Markdown in this (changed) process. Prints
one JSON object: which inline pass digest chose ("fast" or "stock") and the files whose HTML differs.
"""

from __future__ import annotations

import json
import re
import sys
import types
from collections.abc import Callable
from pathlib import Path

import markdown
from markdown.treeprocessors import InlineProcessor

PRIVATE = "_InlineProcessor__"


def _renamed(code: types.CodeType, names: dict[str, str]) -> types.CodeType:
    """`code` reading the new names, and so the functions defined inside it."""
    consts = tuple(_renamed(c, names) if isinstance(c, types.CodeType) else c for c in code.co_consts)
    return code.replace(co_names=tuple(names.get(n, n) for n in code.co_names), co_consts=consts)


def _functions(namespace: dict[str, object]) -> list[types.FunctionType]:
    """The functions, methods and cached functions defined in a module's or class's namespace."""
    found = []
    for value in namespace.values():
        value = getattr(value, "__wrapped__", value)
        if isinstance(value, types.FunctionType):
            found.append(value)
        elif isinstance(value, type):
            found += [f for f in vars(value).values() if isinstance(f, types.FunctionType)]
    return found


def rename(owner: object, names: dict[str, str], replace: dict[str, object] | None = None) -> None:
    """A release renames some of `owner`'s private names, its own code following; `replace` fills gaps."""
    for function in _functions(vars(owner)):
        function.__code__ = _renamed(function.__code__, names)
    for old, new in names.items():
        if old in vars(owner):  # not so for what only instances hold
            setattr(owner, new, vars(owner)[old])
            delattr(owner, old)
    for name, value in (replace or {}).items():
        setattr(owner, name, value)


def rename_private(*names: str) -> None:
    """Python-Markdown renames private methods of its inline pass (`__x` → `__x_v2`)."""
    rename(InlineProcessor, {PRIVATE + name: PRIVATE + name + "_v2" for name in names})


def rewrite_the_loop() -> None:
    """Python-Markdown's inline loop does something new: here, `...` becomes an ellipsis character."""
    loop = vars(InlineProcessor)[PRIVATE + "handleInline"]

    def new_loop(self: InlineProcessor, data: str, patternIndex: int = 0) -> str:  # noqa: N803
        return loop(self, data, patternIndex).replace("...", "\u2026")

    setattr(InlineProcessor, PRIVATE + "handleInline", new_loop)


def break_the_fast_pass() -> None:
    """digest's fast pass goes wrong: it decides that no pattern could ever match."""
    from digest.content import inline

    inline._SkippingInlineProcessor._candidates = lambda self, data: ()  # type: ignore[method-assign]


def remove_re_parser() -> None:
    """A Python whose `re` calls its parser something else (and has no `sre_parse` any more)."""
    rename(re, {"_parser": "_parser_v2"})
    sys.modules["re._parser"] = None  # type: ignore[assignment]
    sys.modules["sre_parse"] = None  # type: ignore[assignment]


def replace_re_parser(parse: Callable[..., object]) -> Callable[[], None]:
    """A Python whose `re._parser.parse` gives something else (`re` itself keeps working)."""
    return lambda: rename(re, {"_parser": "_parser_v2"}, {"_parser": types.SimpleNamespace(parse=parse)})


ORIGINAL_PARSE = getattr(getattr(re, "_parser", None), "parse", None)  # Python 3.10's re has no _parser
CHANGES: dict[str, Callable[[], None]] = {
    "none": lambda: None,
    "applyPattern renamed": lambda: rename_private("applyPattern"),
    "every private name renamed": lambda: rename_private(
        *(name.removeprefix(PRIVATE) for name in vars(InlineProcessor) if name.startswith(PRIVATE))
    ),
    "Registry._priority renamed": lambda: rename(markdown.util.Registry, {"_priority": "_priority_v2"}),
    "inline loop rewritten": rewrite_the_loop,
    "fast pass broken": break_the_fast_pass,
    "re._parser missing": remove_re_parser,
    "re._parser parses differently": replace_re_parser(lambda pattern, flags=0: ORIGINAL_PARSE("\0")),  # type: ignore[misc]
    "re._parser gives another shape": replace_re_parser(lambda pattern, flags=0: [("LITERAL", 0, 0)]),
}
FRONT_MATTER = re.compile(r"\A---\n.*?^---\n", re.S | re.M)


def main(change: str, files: list[str]) -> None:
    CHANGES[change]()
    from digest.config.site_config import MarkdownConfig
    from digest.content.markup import MarkdownRenderer, _RelativeLinksExtension

    config = MarkdownConfig()
    renderer = MarkdownRenderer(config)
    stock = markdown.Markdown(
        extensions=[*config.extensions, _RelativeLinksExtension()], output_format="html"
    )
    differ = []
    for name in files:
        body = FRONT_MATTER.sub("", Path(name).read_text(encoding="utf-8"), count=1)
        stock.reset().treeprocessors["digest-relative-links"].page_url = "2024/01/story/"
        if renderer.render(body, "2024/01/story/") != stock.convert(body):
            differ.append(name)
    fast = type(renderer._md.treeprocessors["inline"]) is not InlineProcessor
    print(json.dumps({"pass": "fast" if fast else "stock", "differ": differ}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
