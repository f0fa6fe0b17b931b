"""Render chart specs to SVG, PNG and compiled Vega with vl-convert, through a content-hashed cache."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

import vl_convert as vlc

from . import workers
from .charts import Chart, namespace_svg_ids
from .errors import ChartError

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


def renderer_version() -> str:
    """Return what identifies the renderer's output: vl-convert's Vega and Vega-Lite versions."""
    return f"vl-convert {vlc.__version__ if hasattr(vlc, '__version__') else ''} vega {vlc.get_vega_version()} scale {PNG_SCALE}"


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


def _digest(svg: str, png: bytes, vega: dict[str, Any], bare: str) -> str:
    hasher = hashlib.sha256(svg.encode() + bare.encode())
    hasher.update(png)
    hasher.update(json.dumps(vega, sort_keys=True).encode())
    return hasher.hexdigest()


def render_charts(charts: dict[str, Chart], cache: ChartCache) -> dict[str, RenderedChart]:
    """Render every chart, reusing cached renderings; the others render side by side in worker processes."""
    done: dict[str, tuple[str, bytes, dict[str, Any], str]] = {}
    missing: list[tuple[Chart, str]] = []
    for chart in charts.values():
        key = cache.key(chart.spec)
        cached = cache.get(key)
        if cached is None:
            missing.append((chart, key))
        else:
            cache.hits += 1
            done[chart.id] = cached
    pending = [(chart, key, workers.submit(workers.render_spec, chart.spec, PNG_SCALE)) for chart, key in missing]
    for chart, key, future in pending:
        try:
            done[chart.id] = future.result()
        except BrokenProcessPool:
            workers.discard()
            raise ChartError(f"chart '{chart.id}' could not be rendered: a render process stopped", "site_builder/charts.py") from None
        except Exception as error:  # vl-convert reports spec mistakes as plain exceptions
            raise ChartError(f"chart '{chart.id}' could not be rendered: {str(error).splitlines()[0]}", "site_builder/charts.py") from error
        cache.misses += 1
        cache.put(key, *done[chart.id])
    return {chart_id: _rendered(chart, *done[chart_id]) for chart_id, chart in charts.items()}


def render_chart(chart: Chart, cache: ChartCache) -> RenderedChart:
    """Render one chart to SVG, 2x PNG and compiled Vega, in this process."""
    key = cache.key(chart.spec)
    cached = cache.get(key)
    if cached is None:
        cache.misses += 1
        try:
            cached = workers.render_spec(chart.spec, PNG_SCALE)
        except Exception as error:  # vl-convert reports spec mistakes as plain exceptions
            raise ChartError(f"chart '{chart.id}' could not be rendered: {str(error).splitlines()[0]}", "site_builder/charts.py") from error
        cache.put(key, *cached)
    else:
        cache.hits += 1
    return _rendered(chart, *cached)


def _rendered(chart: Chart, svg: str, png: bytes, vega: dict[str, Any], bare: str) -> RenderedChart:
    return RenderedChart(chart=chart, svg=svg, inline_svg=label_svg(bare, chart), png=png, vega=vega)


def untitled(spec: dict[str, Any]) -> dict[str, Any]:
    """Return the spec (Vega-Lite, or the Vega compiled from it) without its title; the page shows the title as text."""
    return {key: value for key, value in spec.items() if key != "title"}


def label_svg(svg: str, chart: Chart) -> str:
    """Return the SVG ready to inline: an image role, a title and a description from the data."""
    prefix = f"chart-{chart.id}"
    svg = namespace_svg_ids(svg, prefix)
    title_id, desc_id = f"{prefix}-title", f"{prefix}-desc"
    opening_end = svg.index(">") + 1
    opening = svg[:opening_end]
    opening = opening.replace(' class="marks"', f' class="marks chart-svg" role="img" aria-labelledby="{title_id} {desc_id}" focusable="false"')
    labels = f'<title id="{title_id}">{escape(chart.title)}</title><desc id="{desc_id}">{escape(chart.description)}</desc>'
    return opening + labels + svg[opening_end:]
