"""The render cache: what the render processes drew, by a hash of what they were given and of the libraries' versions.

It imports nothing heavy, so the command line can look in it before the builder's own imports load.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from . import drawing

PNG_SCALE = 2
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def renderer_version() -> str:
    """Return what identifies the renderer's output: the drawing libraries' versions and the PNG scale."""
    return f"{drawing.library_versions()} scale {PNG_SCALE}"


# What each kind of entry holds, in order, and how its first part begins.
ENTRIES = {
    ".chart": (("svg", "png", "vega", "bare"), b"<svg"),  # a chart's renderings
    ".drawing": (("svg", "vega"), b"<svg"),  # a chart's second drawing
    ".card": (("png",), PNG_SIGNATURE),  # a social card
    ".js": (("script",), b""),  # the browser's Vega runtime
}


class ChartCache:
    """Rendered outputs by hash of spec and renderer, one file per entry; a bad entry is rendered again, never served.

    An entry is a line of JSON (each part's length, and the SHA-256 of all of them) followed by the parts' bytes,
    written whole to a temporary file and renamed into place.
    """

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.hits = 0
        self.misses = 0

    def is_empty(self) -> bool:
        """Say whether the cache holds nothing yet (or there is no cache), so every chart will render."""
        return self.folder is None or not self.folder.is_dir() or not any(self.folder.iterdir())

    def key(self, spec: dict[str, Any]) -> str:
        """Return the cache key of a spec under the current renderer."""
        payload = json.dumps(spec, sort_keys=True, separators=(",", ":")) + renderer_version()
        return hashlib.sha256(payload.encode()).hexdigest()

    def get(self, key: str) -> tuple[str, bytes, str, str] | None:
        """Return a cached (svg, png, vega JSON, untitled svg), or None if absent or damaged."""
        parts = self._read(key, ".chart")
        if parts is None or not parts[1].startswith(PNG_SIGNATURE):
            return None
        svg, png, vega, bare = parts
        return svg.decode(), png, vega.decode(), bare.decode()

    def put(self, key: str, svg: str, png: bytes, vega_json: str, bare: str) -> None:
        """Store a chart's renderings."""
        self._write(key, ".chart", (svg.encode(), png, vega_json.encode(), bare.encode()))

    def get_drawing(self, key: str) -> tuple[str, str] | None:
        """Return a cached second drawing (untitled SVG and compiled Vega JSON), or None if absent or damaged."""
        parts = self._read(key, ".drawing")
        return None if parts is None else (parts[0].decode(), parts[1].decode())

    def put_drawing(self, key: str, svg: str, vega_json: str) -> None:
        """Store a second drawing."""
        self._write(key, ".drawing", (svg.encode(), vega_json.encode()))

    def get_card(self, key: str) -> bytes | None:
        """Return a cached social card's PNG, or None if absent or damaged."""
        parts = self._read(key, ".card")
        return None if parts is None else parts[0]

    def put_card(self, key: str, png: bytes) -> None:
        """Store a social card's PNG."""
        self._write(key, ".card", (png,))

    def get_script(self, key: str) -> bytes | None:
        """Return a cached script, or None if absent or damaged."""
        parts = self._read(key, ".js")
        return None if parts is None else parts[0]

    def put_script(self, key: str, script: bytes) -> None:
        """Store a script."""
        self._write(key, ".js", (script,))

    def _read(self, key: str, suffix: str) -> list[bytes] | None:
        if self.folder is None:
            return None
        names, signature = ENTRIES[suffix]
        try:
            with (self.folder / key[:2] / (key + suffix)).open("rb") as stream:
                header = json.loads(stream.readline())
                data = stream.read()
            lengths = [int(header["lengths"][name]) for name in names]
            digest = str(header["sha256"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if sum(lengths) != len(data) or hashlib.sha256(data).hexdigest() != digest:
            return None
        parts, start = [], 0
        for length in lengths:
            parts.append(data[start : start + length])
            start += length
        return parts if parts[0].startswith(signature) else None

    def _write(self, key: str, suffix: str, parts: tuple[bytes, ...]) -> None:
        if self.folder is None:
            return
        names, _ = ENTRIES[suffix]
        data = b"".join(parts)
        header = {"lengths": {name: len(part) for name, part in zip(names, parts, strict=True)}, "sha256": hashlib.sha256(data).hexdigest()}
        folder = self.folder / key[:2]
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder)
        with os.fdopen(handle, "wb") as stream:
            stream.write(json.dumps(header).encode() + b"\n" + data)
        os.replace(temporary, folder / (key + suffix))
