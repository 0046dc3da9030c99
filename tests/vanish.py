"""Run `digest …` with one file deleted at the moment digest first opens it (a file gone mid-build).

Usage: python tests/vanish.py FILE build -q — a real process and a real deletion, timed by an audit
hook, so the race between listing the content folder and reading a file is hit every time.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any


def main() -> None:
    """Install the hook, then run the command line as `python -m digest.cli` would."""
    target = Path(sys.argv[1]).resolve()

    def delete_on_open(event: str, args: tuple[Any, ...]) -> None:
        opened = event == "open" and isinstance(args[0], (str, os.PathLike))
        if opened and os.path.realpath(args[0]) == str(target) and target.exists():
            target.unlink()

    sys.addaudithook(delete_on_open)
    from digest.cli import main as digest

    sys.exit(digest(sys.argv[2:]))


if __name__ == "__main__":
    main()
