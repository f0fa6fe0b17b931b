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

import vl_convert as vlc

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
    vega: dict[str, Any] = field(repr=False)
    inline_narrow_svg: str | None = field(default=None, repr=False)  # the phone drawing, labelled like the wide one
    narrow_vega: dict[str, Any] | None = field(default=None, repr=False)


def renderer_version() -> str:
    """Return what identifies the renderer's output: vl-convert's and Vega's versions, the rasteriser's, the PNG scale."""
    return f"vl-convert {getattr(vlc, '__version__', '')} vega {vlc.get_vega_version()} {workers.rasteriser_version()} scale {PNG_SCALE}"


class ChartCache:
    """Rendered outputs by hash of spec and renderer; a bad entry is rendered again, never served."""

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

    def get(self, key: str) -> tuple[str, bytes, dict[str, Any], str] | None:
        """Return a cached (svg, png, vega, untitled svg) or None if absent or damaged."""
        if self.folder is None:
            return None
        base = self.folder / key[:2] / key
        try:
            svg = (base.with_suffix(".svg")).read_text(encoding="utf-8")
            png = (base.with_suffix(".png")).read_bytes()
            vega = json.loads((base.with_suffix(".vg.json")).read_text(encoding="utf-8"))
            bare = (base.with_suffix(".bare.svg")).read_text(encoding="utf-8")
            digest = (base.with_suffix(".sha256")).read_text(encoding="ascii").strip()
        except (OSError, ValueError):
            return None
        if digest != _digest(svg, png, vega, bare) or not svg.startswith("<svg") or not png.startswith(PNG_SIGNATURE):
            return None
        return svg, png, vega, bare

    def put(self, key: str, svg: str, png: bytes, vega: dict[str, Any], bare: str) -> None:
        """Store a rendering; each file is written whole, then renamed into place."""
        if self.folder is None:
            return
        folder = self.folder / key[:2]
        folder.mkdir(parents=True, exist_ok=True)
        base = folder / key
        items: list[tuple[str, bytes]] = [
            (".svg", svg.encode()),
            (".png", png),
            (".vg.json", json.dumps(vega, sort_keys=True).encode()),
            (".bare.svg", bare.encode()),
            (".sha256", _digest(svg, png, vega, bare).encode()),  # last: marks the entry complete
        ]
        for suffix, data in items:
            handle, temporary = tempfile.mkstemp(dir=folder)
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.replace(temporary, base.with_suffix(suffix))

    def get_drawing(self, key: str) -> tuple[str, dict[str, Any]] | None:
        """Return a cached second drawing (untitled SVG and compiled Vega), or None if absent or damaged."""
        if self.folder is None:
            return None
        base = self.folder / key[:2] / key
        try:
            svg = base.with_suffix(".drawing.svg").read_text(encoding="utf-8")
            vega = json.loads(base.with_suffix(".drawing.vg.json").read_text(encoding="utf-8"))
            digest = base.with_suffix(".drawing.sha256").read_text(encoding="ascii").strip()
        except (OSError, ValueError):
            return None
        if digest != _digest(svg, b"", vega, "") or not svg.startswith("<svg"):
            return None
        return svg, vega

    def put_drawing(self, key: str, svg: str, vega: dict[str, Any]) -> None:
        """Store a second drawing; the digest is written last and marks the entry complete."""
        if self.folder is None:
            return
        folder = self.folder / key[:2]
        folder.mkdir(parents=True, exist_ok=True)
        base = folder / key
        for suffix, data in (
            (".drawing.svg", svg.encode()),
            (".drawing.vg.json", json.dumps(vega, sort_keys=True).encode()),
            (".drawing.sha256", _digest(svg, b"", vega, "").encode()),
        ):
            handle, temporary = tempfile.mkstemp(dir=folder)
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.replace(temporary, base.with_suffix(suffix))


def _digest(svg: str, png: bytes, vega: dict[str, Any], bare: str) -> str:
    hasher = hashlib.sha256(svg.encode() + bare.encode())
    hasher.update(png)
    hasher.update(json.dumps(vega, sort_keys=True).encode())
    return hasher.hexdigest()


class RenderJob:
    """Charts on their way to being rendered: each is queued in the render processes as soon as it is added,
    unless the cache has it, so a build can go on building specs and pages while the processes draw."""

    def __init__(self, cache: ChartCache) -> None:
        self.cache = cache
        self.charts: dict[str, Chart] = {}
        self.done: dict[str, tuple[str, bytes, dict[str, Any], str]] = {}
        self.drawings: dict[str, tuple[str, dict[str, Any]]] = {}
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


def _rendered(chart: Chart, svg: str, png: bytes, vega: dict[str, Any], bare: str, narrow: tuple[str, dict[str, Any]] | None = None) -> RenderedChart:
    return RenderedChart(
        chart=chart,
        svg=svg,
        inline_svg=label_svg(bare, chart),
        png=png,
        vega=vega,
        inline_narrow_svg=None if narrow is None else label_svg(narrow[0], chart, "narrow"),
        narrow_vega=None if narrow is None else narrow[1],
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
