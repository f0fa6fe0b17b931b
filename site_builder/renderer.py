"""Render chart specs to SVG, PNG and compiled Vega with vl-convert, through a content-hashed cache."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from concurrent.futures import Future
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from . import workers
from .charts import Chart, namespace_svg_ids

PNG_SCALE = 2
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class RenderedChart:
    """A chart with its static renderings."""

    chart: Chart
    svg: str = field(repr=False)  # standalone SVG file
    inline_svg: str = field(repr=False)  # SVG for inlining in a page: ids namespaced, labelled
    png: bytes = field(repr=False)
    vega_json: str = field(repr=False)  # the compiled Vega, as JSON with sorted keys
    inline_narrow_svg: str | None = field(default=None, repr=False)  # the phone drawing, labelled like the wide one
    narrow_vega_json: str | None = field(default=None, repr=False)


def renderer_version() -> str:
    """Return what identifies the renderer's output: the drawing libraries' versions and the PNG scale."""
    return f"{workers.library_versions()} scale {PNG_SCALE}"


# What each kind of entry holds, in order, and how its first part begins.
ENTRIES = {
    ".chart": (("svg", "png", "vega", "bare"), b"<svg"),  # a chart's renderings
    ".drawing": (("svg", "vega"), b"<svg"),  # a chart's second drawing
    ".card": (("png",), PNG_SIGNATURE),  # a social card
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


class RenderJob:
    """Charts on their way to being rendered: each is queued in the render processes as soon as it is added,
    unless the cache has it, so a build can go on building specs and pages while the processes draw."""

    def __init__(self, cache: ChartCache) -> None:
        self.cache = cache
        self.charts: dict[str, Chart] = {}
        self.done: dict[str, tuple[str, bytes, str, str]] = {}
        self.drawings: dict[str, tuple[str, str]] = {}
        self.pending: list[tuple[Chart, str, str, Future[Any]]] = []

    def add(self, chart: Chart) -> None:
        """Take a chart from the cache, or queue its renders (both drawings)."""
        cache = self.cache
        self.charts[chart.id] = chart
        key = cache.key(chart.spec)
        cached = cache.get(key)
        if cached is None:
            self.pending.append((chart, "wide", key, workers.submit(workers.render_spec, chart.spec, PNG_SCALE)))
        else:
            cache.hits += 1
            self.done[chart.id] = cached
        if chart.narrow_spec is not None:
            spec = untitled(chart.narrow_spec)
            narrow_key = cache.key(spec)
            drawing = cache.get_drawing(narrow_key)
            if drawing is None:
                self.pending.append((chart, "narrow", narrow_key, workers.submit(workers.render_drawing, spec)))
            else:
                cache.hits += 1
                self.drawings[chart.id] = drawing

    def collect(self) -> dict[str, RenderedChart]:
        """Wait for the queued renders, cache them, and return every chart rendered, in the order added."""
        cache = self.cache
        for chart, variant, key, future in self.pending:
            what = f"chart '{chart.id}'" + (" (narrow drawing)" if variant == "narrow" else "")
            result = workers.collect(future, f"{what} could not be rendered", "site_builder/charts.py")
            cache.misses += 1
            if variant == "narrow":
                self.drawings[chart.id] = result
                cache.put_drawing(key, *result)
            else:
                self.done[chart.id] = result
                cache.put(key, *result)
        self.pending = []
        return {chart_id: _rendered(chart, *self.done[chart_id], self.drawings.get(chart_id)) for chart_id, chart in self.charts.items()}


def render_charts(charts: Iterable[Chart], cache: ChartCache) -> dict[str, RenderedChart]:
    """Render every chart, reusing cached renderings; the others render side by side in worker processes."""
    job = RenderJob(cache)
    for chart in charts:
        job.add(chart)
    return job.collect()


def render_chart(chart: Chart, cache: ChartCache) -> RenderedChart:
    """Render one chart (both its drawings), reusing cached renderings."""
    return render_charts([chart], cache)[chart.id]


def _rendered(chart: Chart, svg: str, png: bytes, vega_json: str, bare: str, narrow: tuple[str, str] | None = None) -> RenderedChart:
    return RenderedChart(
        chart=chart,
        svg=svg,
        inline_svg=label_svg(bare, chart),
        png=png,
        vega_json=vega_json,
        inline_narrow_svg=None if narrow is None else label_svg(narrow[0], chart, "narrow"),
        narrow_vega_json=None if narrow is None else narrow[1],
    )


def untitled(spec: dict[str, Any]) -> dict[str, Any]:
    """Return the spec (Vega-Lite, or the Vega compiled from it) without its title; the page shows the title as text."""
    return {key: value for key, value in spec.items() if key != "title"}


def label_svg(svg: str, chart: Chart, variant: str = "") -> str:
    """Return the SVG ready to inline: an image role, a title and a description from the data."""
    prefix = f"chart-{chart.id}" + (f"-{variant}" if variant else "")
    svg = namespace_svg_ids(svg, prefix)
    title_id, desc_id = f"{prefix}-title", f"{prefix}-desc"
    opening_end = svg.index(">") + 1
    opening = svg[:opening_end]
    opening = opening.replace(' class="marks"', f' class="marks chart-svg" role="img" aria-labelledby="{title_id} {desc_id}" focusable="false"')
    labels = f'<title id="{title_id}">{escape(chart.title)}</title><desc id="{desc_id}">{escape(chart.description)}</desc>'
    return opening + labels + svg[opening_end:]
