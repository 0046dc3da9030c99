"""Run one command as our only child and print its wall time, CPU time and peak RSS as JSON.

A fresh wrapper per measurement keeps getrusage(RUSAGE_CHILDREN) about exactly one build: the
parent's own children (earlier builds) can never leak into ru_maxrss, which is a running maximum.
The child's stdout goes to our stderr so that our stdout holds only the JSON line.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time


def main(argv: list[str]) -> int:
    """`python bench/_measure.py -- cmd args...`; exits with the command's status."""
    cmd = argv[1:] if argv and argv[0] == "--" else argv
    if not cmd:
        print("usage: python bench/_measure.py -- cmd [args...]", file=sys.stderr)
        return 2
    start = time.perf_counter()
    status = subprocess.run(cmd, stdout=sys.stderr, check=False).returncode
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = {
        "status": status,
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "maxrss_kb": usage.ru_maxrss,  # kilobytes on Linux (bytes on macOS)
    }
    print(json.dumps(result))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
