"""The downloads' titles: set above the untitled drawing, each is Vega's own titled drawing, pixel for pixel."""

from __future__ import annotations

import json
import re

import pytest
import vl_convert as vlc

from site_builder.build import BuildResult
from site_builder.drawing import draw_svg
from site_builder.titles import untitled, with_title
from site_builder.workers import render_spec


def _pixels(svg: str) -> tuple[tuple[int, int], bytes]:
    import pyvips

    image = pyvips.Image.svgload_buffer(svg.encode("utf-8"), scale=1)  # with its alpha: the title is black on nothing
    return (image.width, image.height), bytes(image.write_to_memory())


def _rows_that_differ(first: str, second: str) -> set[int]:
    """Return the rows of pixels where two drawings of the same size differ (rasterised at their size)."""
    (width, height), a = _pixels(first)
    size, b = _pixels(second)
    assert size == (width, height)
    row = width * 4
    return {y for y in range(height) if a[y * row : (y + 1) * row] != b[y * row : (y + 1) * row]}


def _assert_titled_as_vega_draws_it(vega: dict, label: str) -> str:
    """Assert that the title set above the untitled drawing is Vega's titled drawing, pixel for pixel; return it."""
    ours = with_title(draw_svg(untitled(vega)), vega)
    vegas = draw_svg(vega)
    assert ours is not None, label
    size = re.compile(r'<svg[^>]* width="([0-9.]+)" height="([0-9.]+)"')
    assert size.search(ours).groups() == size.search(vegas).groups(), label  # type: ignore[union-attr]
    # Vega starts the title at the chart's left edge, a fraction of a pixel right of the drawing's, which it
    # writes down only in the titled drawing: set there, the title must be drawn exactly as Vega draws it.
    root = re.search(r'stroke-miterlimit="4" transform="translate\(([-0-9.]+),', vegas)
    title = re.findall(r'role-title"><g transform="translate\(([-0-9.]+),', vegas)
    assert root is not None and title, label
    fraction = float(root[1]) + float(title[-1])
    assert 0 <= fraction < 1, label
    placed = ours.replace('class="mark-group role-title" transform="translate(0,', f'class="mark-group role-title" transform="translate({fraction},', 1)
    assert _rows_that_differ(placed, vegas) == set(), label
    return ours


def test_every_chart_is_titled_where_vega_would_title_it(built: BuildResult) -> None:
    """The downloads' title is set above the page's untitled drawing instead of Vega drawing the chart twice:
    every chart of the site, drawn either way, is the same size and the same below its title."""
    composed = 0
    for chart_id, rendered in built.rendered.items():
        vega = json.loads(rendered.vega_json)
        if with_title(draw_svg(untitled(vega)), vega) is None:
            assert chart_id == "map", chart_id  # the map is narrower than its title: Vega widens the drawing for it
            assert rendered.svg == draw_svg(vega)
            continue
        assert rendered.svg == _assert_titled_as_vega_draws_it(vega, chart_id)
        composed += 1
    assert composed >= len(built.rendered) - 1


@pytest.mark.parametrize("title_lines", [1, 2, 3])
@pytest.mark.parametrize("subtitle_lines", [0, 1, 2, 3])
def test_titles_of_any_length_are_set_as_vega_sets_them(title_lines: int, subtitle_lines: int) -> None:
    from site_builder.charting import theme

    spec = {
        "data": {"values": [{"a": "one", "b": 3}, {"a": "two & <three>", "b": 5}]},
        "mark": "bar",
        "encoding": {"y": {"field": "a", "type": "nominal"}, "x": {"field": "b", "type": "quantitative"}},
        "width": 600,
        "autosize": {"type": "fit-x", "contains": "padding"},
        "config": theme(),
        "title": {"text": [f"Title's line {i} <&>" for i in range(title_lines)], "subtitle": [f"Subtitle line {i}" for i in range(subtitle_lines)]},
    }
    _assert_titled_as_vega_draws_it(vlc.vegalite_to_vega(spec), f"{title_lines} title lines, {subtitle_lines} subtitle lines")


def test_a_title_wider_than_its_chart_is_left_to_vega() -> None:
    """Vega narrows a chart to make room for a title wider than it: only Vega can draw that one."""
    from site_builder.charting import theme

    spec = {
        "data": {"values": [{"a": "one", "b": 3}]},
        "mark": "bar",
        "encoding": {"y": {"field": "a", "type": "nominal"}, "x": {"field": "b", "type": "quantitative"}},
        "width": 300,
        "autosize": {"type": "fit-x", "contains": "padding"},
        "config": theme(),
        "title": {"text": ["W" * 30], "subtitle": ["fits"]},
    }
    vega = vlc.vegalite_to_vega(spec)
    assert with_title(draw_svg(untitled(vega)), vega) is None
    svg, _, _, _ = render_spec(spec, 1)
    assert svg == draw_svg(vega)
