"""YAML that remembers the file line of every key, so every error can point at the line to fix."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from digest.errors import BuildWarning, DigestError

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # invisible; tab and newlines are text
_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml is ~10x faster


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe YAML without the 1.1 traps: `NO` stays a string (Norway) and dates stay text for our parser."""


# YAML 1.1 reads yes/no/on/off as booleans and timestamps into naive or odd datetimes;
# keep only true/false and leave every date as the text the user wrote.
_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


@dataclass(frozen=True, slots=True)
class Fields:
    """A YAML mapping's values with the file line of each top-level key."""

    values: dict[str, Any]
    lines: dict[str, int]
    path: Path
    first_line: int

    def line(self, key: str) -> int:
        """The line of `key` (`a.b[2]` when loaded `deep`), else of the nearest enclosing key that has one,
        else of the block's start (the key is absent or came from defaults)."""
        while not (found := self.lines.get(key)):
            cut = max(key.rfind("."), key.rfind("["))
            if cut <= 0:
                return self.lines.get(key.split(".")[0], self.first_line)
            key = key[:cut]
        return found


def load_fields(
    text: str,
    path: Path,
    line_offset: int = 0,
    warnings: list[BuildWarning] | None = None,
    *,
    deep: bool = False,
) -> Fields:
    """Parse a YAML mapping; `line_offset` is the number of file lines before `text` starts.

    `deep` also keeps the lines of nested keys and list items (`editions.sections[1].title`), for
    settings whose mistakes hide below the top level; story files do without, as they are many.
    """
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return Fields({}, {}, path, line_offset + 1)
            if not isinstance(node, yaml.MappingNode):
                raise DigestError(
                    path,
                    line_offset + node.start_mark.line + 1,
                    f"expected a mapping of `key: value` lines, found {_kind(node)} — "
                    "write one `key: value` per line",
                )
            values: dict[str, Any] = {}
            lines: dict[str, int] = {}
            for key_node, value_node in node.value:
                key = loader.construct_object(key_node, deep=True)
                line = line_offset + key_node.start_mark.line + 1
                if not isinstance(key, str):
                    key = str(key)
                if key in values and warnings is not None:
                    warnings.append(
                        BuildWarning(
                            path,
                            line,
                            f"duplicate key `{key}` (also on line {lines[key]}); the last one wins"
                            " — delete one of them",
                        )
                    )
                values[key] = loader.construct_object(value_node, deep=True)
                lines[key] = line
                if deep:
                    _nested_lines(key, value_node, line_offset, lines)
            return Fields(values, lines, path, line_offset + 1)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        last = line_offset + text.rstrip("\n").count("\n") + 1  # an error at the end is on the last line
        line = min(line_offset + mark.line + 1, last) if mark else None
        problem = exc.problem or "invalid YAML"
        hint = _hint(text, mark.line if mark else None, problem)
        raise DigestError(path, line, f"invalid YAML: {problem}{hint}") from None
    except yaml.reader.ReaderError as exc:  # a raw control character: PyYAML names it by offset
        line = line_offset + text.count("\n", 0, exc.position) + 1
        raise DigestError(
            path, line, f"{control_character(exc.character)} is not allowed — delete it"
        ) from None
    except yaml.YAMLError as exc:
        raise DigestError(path, line_offset + 1 or None, f"invalid YAML: {exc}") from None


def _nested_lines(prefix: str, node: yaml.Node, line_offset: int, lines: dict[str, int]) -> None:
    """The file line of every key and list item below `prefix`, named `prefix.key` and `prefix[0]`."""
    if isinstance(node, yaml.MappingNode):
        items = [(f"{prefix}.{key.value}", key, value) for key, value in node.value]
    elif isinstance(node, yaml.SequenceNode):
        items = [(f"{prefix}[{index}]", item, item) for index, item in enumerate(node.value)]
    else:
        return
    for name, marked, value in items:
        lines.setdefault(name, line_offset + marked.start_mark.line + 1)
        _nested_lines(name, value, line_offset, lines)


def control_character(character: str | int) -> str:
    """Name an invisible character so the user can find it: `the control character U+0001`."""
    code = character if isinstance(character, int) else ord(character)
    return f"the control character U+{code:04X}"


def _kind(node: yaml.Node) -> str:
    """Name a YAML node's shape the way a user would."""
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if isinstance(node, yaml.ScalarNode):
        return f"the text {node.value[:40]!r}"
    return "something else"


def _hint(text: str, line: int | None, problem: str) -> str:
    """Suggest the usual fix for the YAML mistakes people really make."""
    source_line = text.split("\n")[line] if line is not None and line < len(text.split("\n")) else ""
    if "\t" in source_line or "'\\t'" in problem:
        return " — YAML does not allow TAB characters here: replace them with spaces"
    if "mapping values are not allowed" in problem:
        return ' — a value that contains `: ` must be quoted, e.g. title: "Markets: a rally"'
    if "found character '@'" in problem or "found character '`'" in problem:
        return " — values starting with @ or ` must be quoted"
    return " — check the indentation and quoting on this line"
