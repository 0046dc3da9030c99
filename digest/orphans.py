"""No orphans: a forked worker dies with the build that forked it, even when that build is killed.

Without this a `kill -9` of `digest build` leaves its workers running, waiting for work that never
comes, and holding the site's lock (they share its descriptor), so the next build would wait for ever.
"""

from __future__ import annotations

import os
import signal
import sys

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>: the signal a child gets when its parent dies


def die_with_parent(parent: int) -> None:
    """Have Linux SIGKILL this forked child when `parent` dies; elsewhere, do nothing.

    Called first in the child, with the pid the parent had before forking: when the parent has died
    already, the child belongs to another process, which the kernel would watch instead, so it ends now.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes  # only in the child, so a build that never forks never pays for it
    except ImportError:  # a Python built without it: the child works, only without the guarantee
        return
    if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        return  # refused (a sandbox's filter): the same
    if os.getppid() != parent:
        os.kill(os.getpid(), signal.SIGKILL)
