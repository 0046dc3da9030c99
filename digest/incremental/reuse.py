"""Results of this process's last build, taken again when their inputs compare equal.

In the preview a save changes one article, and every other article is the very same object from
build to build (the cache keeps them), so comparing inputs is mostly identity checks: far cheaper
than planning, hashing or formatting 15,000 pages again. Different settings start afresh.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from digest.config.site_config import SiteConfig

T = TypeVar("T")


class Reuse(Generic[T]):
    """One build's results by name, with the last build's to take from."""

    def __init__(self, config: SiteConfig, last: dict[str, tuple[tuple[Any, ...], T]]) -> None:
        self.config = config
        self.last = last
        self.now: dict[str, tuple[tuple[Any, ...], T]] = {}

    def get(self, name: str, make: Callable[..., T], *inputs: Any) -> T:
        """`make(config, *inputs)`, or what it made last build from equal inputs."""
        found = self.last.get(name)
        result = found[1] if found is not None and found[0] == inputs else make(self.config, *inputs)
        self.now[name] = (inputs, result)
        return result


_LAST: dict[str, Reuse[Any]] = {}


def start(stage: str, config: SiteConfig) -> Reuse[Any]:
    """A new build's store for one stage, holding what the last build of the same settings made."""
    last = _LAST.get(stage)
    reuse: Reuse[Any] = Reuse(config, last.now if last is not None and last.config == config else {})
    _LAST[stage] = reuse
    return reuse
