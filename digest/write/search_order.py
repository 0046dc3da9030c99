"""Pagefind's filter files in a fixed order, so the same pages always give the same index, byte for byte.

Pagefind lists each filter's values in hash-map order, which changes from run to run: the same site
would get new filter files (and new names for them and for the metadata file naming them) at every
indexing, and an incremental build would differ from a clean one. The files are gzip'd CBOR after
a signature; this puts each filter's values in order, names the file after its content as Pagefind
does, and updates the names that point at it. A file that does not read back exactly is left as it is.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import struct
from dataclasses import dataclass
from typing import Any

SIGNATURE = b"pagefind_dcd"
FILTER = re.compile(r"filter/(\w+?)_([0-9a-f]+)\.pf_filter")
META = re.compile(r"pagefind\.(\w+?)_([0-9a-f]+)\.pf_meta")


@dataclass(frozen=True, slots=True)
class Raw:
    """A CBOR item kept as its bytes (floats, negative numbers, tags): only copied, never changed."""

    data: bytes


def in_order(files: dict[str, bytes]) -> dict[str, bytes]:
    """The index files (relative path → bytes) with filter values sorted, and the names that follow."""
    renamed: dict[str, str] = {}  # old filter file stem → new
    result: dict[str, bytes] = {}
    for path, data in files.items():
        found = FILTER.fullmatch(path)
        tree = _read(data) if found else None
        if found is None or tree is None or not _is_filter(tree):
            result[path] = data
            continue
        tree[1] = sorted(tree[1], key=lambda entry: entry[0])
        content = _write(tree)
        new = f"{found[1]}_{hashlib.sha256(content).hexdigest()[: len(found[2])]}"
        renamed[f"{found[1]}_{found[2]}"] = new
        result[f"filter/{new}.pf_filter"] = content
    metas: dict[str, str] = {}
    for path in [p for p in result if META.fullmatch(p)]:
        found = META.fullmatch(path)
        tree = _read(result[path])
        if found is None or tree is None:
            continue
        content = _write(_renamed(tree, renamed))
        new = f"{found[1]}_{hashlib.sha256(content).hexdigest()[: len(found[2])]}"
        metas[f"{found[1]}_{found[2]}"] = new
        del result[path]
        result[f"pagefind.{new}.pf_meta"] = content
    if "pagefind-entry.json" in result and metas:
        entry = json.loads(result["pagefind-entry.json"])
        for language in entry.get("languages", {}).values():
            language["hash"] = metas.get(language.get("hash"), language.get("hash"))
        result["pagefind-entry.json"] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode()
    return result


def _is_filter(tree: Any) -> bool:
    """[name, [[value, [page, …]], …]]: one filter's values and the pages having each."""
    return (
        isinstance(tree, list)
        and len(tree) == 2
        and isinstance(tree[1], list)
        and all(isinstance(e, list) and len(e) == 2 and isinstance(e[0], str) for e in tree[1])
    )


def _renamed(tree: Any, names: dict[str, str]) -> Any:
    """The metadata with filter file names replaced, and its list of filters in order of name."""
    if isinstance(tree, str):
        return names.get(tree, tree)
    if not isinstance(tree, list):
        return tree
    items = [_renamed(item, names) for item in tree]
    pairs = all(isinstance(i, list) and len(i) == 2 and i[1] in names.values() for i in items)
    return sorted(items, key=lambda pair: pair[0]) if items and pairs else items


def _read(data: bytes) -> Any | None:
    """The CBOR tree of a Pagefind file, or None if it would not be written back byte for byte."""
    try:
        plain = gzip.decompress(data)
        if not plain.startswith(SIGNATURE):
            return None
        tree, end = _item(plain, len(SIGNATURE))
    except (OSError, EOFError, IndexError, struct.error, ValueError):
        return None
    if end != len(plain) or _encode(tree) != plain[len(SIGNATURE) :]:
        return None
    return tree


def _write(tree: Any) -> bytes:
    return gzip.compress(SIGNATURE + _encode(tree), mtime=0)


def _item(data: bytes, at: int) -> tuple[Any, int]:
    """One CBOR item at `at`: unsigned numbers, text and arrays as Python values, anything else Raw."""
    major, info = data[at] >> 5, data[at] & 31
    value, start = _argument(data, at, info)
    if major == 0:
        return value, start
    if major == 3:
        return data[start : start + value].decode(), start + value
    if major == 4:
        items, end = [], start
        for _ in range(value):
            item, end = _item(data, end)
            items.append(item)
        return items, end
    if major == 2:
        end = start + value
    elif major == 5:
        end = start
        for _ in range(2 * value):
            end = _item(data, end)[1]
    elif major == 6:
        end = _item(data, start)[1]
    elif major == 1 or (major == 7 and info < 28):
        end = start
    else:
        raise ValueError("indefinite-length CBOR")
    return Raw(data[at:end]), end


def _argument(data: bytes, at: int, info: int) -> tuple[int, int]:
    if info < 24:
        return info, at + 1
    size = {24: 1, 25: 2, 26: 4, 27: 8}.get(info)
    if size is None:
        raise ValueError("indefinite-length CBOR")
    return int.from_bytes(data[at + 1 : at + 1 + size], "big"), at + 1 + size


def _encode(tree: Any) -> bytes:
    if isinstance(tree, Raw):
        return tree.data
    if isinstance(tree, int):
        return _head(0, tree)
    if isinstance(tree, str):
        text = tree.encode()
        return _head(3, len(text)) + text
    return _head(4, len(tree)) + b"".join(_encode(item) for item in tree)


def _head(major: int, value: int) -> bytes:
    """The shortest CBOR head for `value`, as Pagefind writes it."""
    if value < 24:
        return bytes([major << 5 | value])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if value < 1 << (8 * size):
            return bytes([major << 5 | info]) + value.to_bytes(size, "big")
    raise ValueError("number too large for CBOR")
