"""Render chart specs to SVG, PNG and compiled Vega with vl-convert, through a content-hashed cache."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from html import escape
from typing import Any

from . import workers
from .cache import PNG_SCALE, ChartCache
from .charting import Chart, namespace_svg_ids
from .titles import untitled


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


class RenderJob(Mapping[str, RenderedChart]):
    """Charts on their way to being rendered: each is queued in the render processes as soon as it is added,
    unless the cache has it, so a build can go on building specs and pages while the processes draw.

    The job is also the rendered charts by id: looking one up waits for that chart's renders only, so a page
    can be made as soon as its own charts are drawn.
    """

    def __init__(self, cache: ChartCache) -> None:
        self.cache = cache
        self.charts: dict[str, Chart] = {}
        self.done: dict[str, tuple[str, bytes, str, str]] = {}
        self.drawings: dict[str, tuple[str, str]] = {}
        self.pending: dict[str, list[tuple[str, str, Future[Any]]]] = {}
        self.results: dict[str, RenderedChart] = {}

    def add(self, chart: Chart) -> None:
        """Take a chart from the cache, or queue its renders (both drawings)."""
        cache = self.cache
        self.charts[chart.id] = chart
        pending = self.pending.setdefault(chart.id, [])
        key = cache.key(chart.spec)
        cached = cache.get(key)
        if cached is None:
            pending.append(("wide", key, workers.submit(workers.render_spec, chart.spec, PNG_SCALE)))
        else:
            cache.hits += 1
            self.done[chart.id] = cached
        if chart.narrow_spec is not None:
            spec = untitled(chart.narrow_spec)
            narrow_key = cache.key(spec)
            drawing = cache.get_drawing(narrow_key)
            if drawing is None:
                pending.append(("narrow", narrow_key, workers.submit(workers.render_drawing, spec)))
            else:
                cache.hits += 1
                self.drawings[chart.id] = drawing

    def __getitem__(self, chart_id: str) -> RenderedChart:
        """Wait for one chart's renders, cache them, and return the chart rendered."""
        if chart_id not in self.results:
            chart = self.charts[chart_id]
            cache = self.cache
            for variant, key, future in self.pending.pop(chart_id, []):
                what = f"chart '{chart_id}'" + (" (narrow drawing)" if variant == "narrow" else "")
                result = workers.collect(future, f"{what} could not be rendered", f"charts/{chart_id}.vl.json")  # the spec that failed, as the site offers it
                cache.misses += 1
                if variant == "narrow":
                    self.drawings[chart_id] = result
                    cache.put_drawing(key, *result)
                else:
                    self.done[chart_id] = result
                    cache.put(key, *result)
            self.results[chart_id] = _rendered(chart, *self.done[chart_id], self.drawings.get(chart_id))
        return self.results[chart_id]

    def __contains__(self, chart_id: object) -> bool:
        return chart_id in self.charts  # without waiting

    def __iter__(self) -> Iterator[str]:
        return iter(self.charts)

    def __len__(self) -> int:
        return len(self.charts)

    def collect(self) -> dict[str, RenderedChart]:
        """Wait for every queued render and return every chart rendered, in the order added."""
        return {chart_id: self[chart_id] for chart_id in self.charts}


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
