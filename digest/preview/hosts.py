"""The names the preview answers to, so that a web page elsewhere cannot read it through DNS rebinding.

A page on evil.example can point its own name at 127.0.0.1 and then read the preview "same-origin":
drafts, future stories, the site's sources. The browser still sends `Host: evil.example`, so the
preview answers only to names that cannot be rebound: its own address, the loopback names, IP
literals when it listens beyond this machine, this machine's name, and names the user trusts.
"""

from __future__ import annotations

import argparse
import ipaddress
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
LABEL = r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"  # underscores too: Docker's service names have them
NAME = re.compile(rf"(?:{LABEL}\.)*{LABEL}")
HOST = re.compile(r"(?:\[(?P<v6>[0-9a-f:.]+)\]|(?P<name>[a-z0-9_.-]+))(?::(?P<port>[0-9]{1,5}))?")


@dataclass(frozen=True, slots=True)
class Hosts:
    """The Host names one preview server accepts; the port is not compared (see `for_address`)."""

    names: frozenset[str]
    domains: tuple[str, ...]  # `--allow-host .example.lan`: that name and every name under it
    any_ip: bool  # listening beyond this machine: an IP literal cannot be rebound, so any is fine

    @classmethod
    def for_address(cls, address: str, allowed: Iterable[str] = ()) -> Hosts:
        """The names for a server listening on `address`, plus the user's `--allow-host` names.

        Ports are not compared: a rebinding page must use the preview's own port anyway, and a port
        forward (`ssh -L 9000:localhost:8000`, `docker run -p 9000:8000`) legitimately changes it.
        """
        own = _canonical(address)
        local = own == "localhost" or (_is_ip(own) and ipaddress.ip_address(own).is_loopback)
        machine = () if local else _machine_names()
        names = {own, *LOOPBACK_NAMES, *machine} - {"0.0.0.0", "::"}
        names.update(name for name in allowed if not name.startswith("."))
        domains = tuple(name for name in allowed if name.startswith("."))
        return cls(frozenset(names), domains, any_ip=not local)

    def accepts(self, header: str | None) -> bool:
        """True when a request's Host header names this preview."""
        name = name_of(header or "")
        return name is not None and (
            name in self.names
            or any(name.endswith(domain) or name == domain[1:] for domain in self.domains)
            or (self.any_ip and _is_ip(name))
        )


def name_of(header: str) -> str | None:
    """The host name in a Host header (`name`, `name:port`, `[v6]:port`), lowercase; None if malformed."""
    return _parsed(header)[0]


def same_origin(origin: str, host_header: str) -> bool:
    """True when a websocket's Origin is the page the preview itself served at this Host."""
    return origin.strip().lower() == f"http://{host_header.strip().lower()}"


def allowed_host(text: str) -> str:
    """The value of `--allow-host`: a host name, an IP address, or `.domain` for every name under it."""
    bare = text.strip().lower()
    domain = bare.startswith(".")
    name, port = _parsed(f"[{bare}]" if ":" in bare and not bare.startswith("[") else bare.removeprefix("."))
    if name is None or port is not None:
        raise argparse.ArgumentTypeError(
            f"`{text}` is not a host name — give the name alone, without http:// or a port, "
            "e.g. --allow-host mybox.lan (or --allow-host .lan for every name under lan)"
        )
    return f".{name}" if domain else name


def _parsed(header: str) -> tuple[str | None, str | None]:
    """A Host header's name (None if malformed) and port (None if absent)."""
    found = HOST.fullmatch(header.strip().lower())
    if found is None:
        return None, None
    if found["v6"]:
        name = _canonical(found["v6"]) if ":" in found["v6"] and _is_ip(found["v6"]) else None
    else:
        name = found["name"].removesuffix(".")  # `localhost.` is `localhost`, as DNS sees it
        name = name if len(name) <= 253 and NAME.fullmatch(name) else None
    return name, found["port"]


def _canonical(name: str) -> str:
    """IPv6 addresses in the one form browsers send (`::1`, never `0:0:0:0:0:0:0:1`)."""
    return ipaddress.ip_address(name).compressed if _is_ip(name) else name.lower()


def _is_ip(name: str) -> bool:
    """True for an IP address, which no DNS answer can make point elsewhere."""
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _machine_names() -> tuple[str, ...]:
    """This machine's name as a browser on the network may type it: `box`, `box.example`, `box.local`."""
    full = socket.gethostname().lower()
    short = full.split(".")[0]
    return (full, short, f"{short}.local")
