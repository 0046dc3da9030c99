"""Run `digest` with one of its functions failing as a bug would: a real process, a real exception.

    python tests/raise_inside.py MODULE:FUNCTION -- digest-args…

FUNCTION in MODULE is replaced by one that raises RuntimeError before digest.cli is imported, so
every `from MODULE import FUNCTION` sees the failing one. digest itself has no test hooks.
"""

from __future__ import annotations

import importlib
import sys
from typing import NoReturn


def main() -> None:
    target, *rest = sys.argv[1:]
    module_name, _, name = target.partition(":")
    module = importlib.import_module(module_name)
    getattr(module, name)  # a typo in a test fails here, not as a passing "internal error"

    def broken(*_args: object, **_kwargs: object) -> NoReturn:
        raise RuntimeError(f"{name} broke")

    setattr(module, name, broken)
    from digest.cli import run

    sys.argv = ["digest", *rest[rest[:1] == ["--"] :]]
    run()


if __name__ == "__main__":
    main()
