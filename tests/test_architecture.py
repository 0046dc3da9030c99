"""The package keeps the shape ARCHITECTURE.md draws: stages import only earlier stages, never the state."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "digest"
# each layer may import itself and the layers before it, never one after
LAYERS = [
    {"digest", "digest.errors", "digest.oserrors", "digest.urls", "digest.safeurl", "digest.report",
     "digest.workers"},
    {"digest.config"},
    {"digest.content"},
    {"digest.site"},
    {"digest.render"},
    {"digest.write"},
    {"digest.incremental"},
    {"digest.build"},
    {"digest.curator"},
    {"digest.newsletter"},
    {"digest.deploy"},
    {"digest.preview"},
    {"digest.cli", "digest.commands"},
]  # fmt: skip


def _layer(module: str) -> int:
    for number, names in enumerate(LAYERS):
        if any(module == name or (name != "digest" and module.startswith(f"{name}.")) for name in names):
            return number
    raise AssertionError(f"{module} is in no layer: add it to ARCHITECTURE.md and to LAYERS")


def _modules() -> dict[str, Path]:
    return {
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): path
        for path in sorted(PACKAGE.rglob("*.py"))
    }


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("digest"):
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("digest"))
    return found


def test_no_module_imports_a_later_stage():
    wrong = [
        f"{module} imports {imported}"
        for module, path in _modules().items()
        for imported in _imports(path)
        if _layer(imported) > _layer(module)
    ]
    assert wrong == []


def test_no_stage_knows_the_build_state():
    stages = ("digest.content", "digest.site", "digest.render", "digest.write")
    knowing = [
        f"{module} imports {imported}"
        for module, path in _modules().items()
        if module.startswith(stages)
        for imported in _imports(path)
        if imported.startswith("digest.incremental")
    ]
    assert knowing == []


def test_architecture_md_names_every_module_and_no_other():
    text = (ROOT / "ARCHITECTURE.md").read_text()
    tree = text[text.index("```text") : text.index("```", text.index("```text") + 7)]
    named, folder = set(), ""
    for line in tree.splitlines()[1:]:
        if match := re.match(r"^  (\w+)/", line):
            folder = match[1] + "/"
        elif match := re.match(r"^    (\w+\.py)\b", line):
            named.add(f"digest/{folder}{match[1]}")
        elif match := re.match(r"^  (\w+\.py)\b", line):
            named.add(f"digest/{match[1]}")
            folder = ""
    actual = {p.relative_to(ROOT).as_posix() for p in PACKAGE.rglob("*.py") if p.name != "__init__.py"}
    assert named == actual
