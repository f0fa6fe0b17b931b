"""Set a chart's title and subtitle above its untitled drawing, as Vega would set them, without Vega drawing it twice.

The page prints a chart's title as HTML above an untitled inline SVG; the downloads (SVG and PNG) carry the title,
set here above that same drawing. A title this cannot set exactly as Vega does is left to Vega (None).
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

from .metrics import HELVETICA, HELVETICA_BOLD, em_width

# The title's style, which the theme takes from here (charts.theme), and where Vega sets a title in it: measured
# from Vega's own drawings and checked against them for every chart of the site (tests/test_renderer.py). Each line
# takes its font size + 2 px (Vega's line height); the title's top is a pixel below the padding, its first baseline
# _TITLE_BASELINE below that, the subtitle's first a title font size below the title's last; and the chart moves
# down by the title's lines, the subtitle's (one at least) and the offset + 1.
TITLE_THEME: dict[str, Any] = {"anchor": "start", "fontSize": 17, "fontWeight": 700, "subtitleFontSize": 13, "offset": 12}
_TITLE_BASELINE = 13  # measured for the 17 px title
_ROOT = re.compile(r'<g fill="none" stroke-miterlimit="4" transform="translate\(([-0-9.e]+),([-0-9.e]+)\)">')
_SIZE = re.compile(r'width="([0-9.]+)" height="([0-9.]+)" viewBox="0 0 ([0-9.]+) ([0-9.]+)"')


def with_title(bare: str, vega: dict[str, Any]) -> str | None:
    """Return the untitled drawing of `vega` with its title and subtitle set above it, or None for a title this does
    not know how to set (another size, anchor or offset): Vega draws that one itself."""
    title = _settable_title(vega)
    size, root = _SIZE.search(bare), _ROOT.search(bare)
    if title is None or size is None or root is None:
        return None
    lines, sublines, font, colour, padding = title
    title_size, subtitle_size = TITLE_THEME["fontSize"], TITLE_THEME["subtitleFontSize"]
    # A title wider than the chart would make Vega narrow the chart to fit it: then Vega draws it.
    room = float(size[1]) - padding["right"] - padding["left"] - _TITLE_MARGIN
    if (
        max((em_width(line, HELVETICA_BOLD) * title_size for line in lines), default=0) > room
        or max((em_width(line, HELVETICA) * subtitle_size for line in sublines), default=0) > room
    ):
        return None
    shift = TITLE_THEME["offset"] + 1 + (title_size + 2) * len(lines) + (subtitle_size + 2) * max(1, len(sublines))
    width, height = size[1], _number(float(size[2]) + shift)
    opened = f'width="{width}" height="{height}" viewBox="0 0 {size[3]} {_number(float(size[4]) + shift)}"'
    moved = f'<g fill="none" stroke-miterlimit="4" transform="translate({root[1]},{_number(float(root[2]) + shift)})">'
    titled = bare[: size.start()] + opened + bare[size.end() : root.start()] + moved + bare[root.end() :]
    group = _title_group(lines, sublines, font, colour, padding["top"])
    return titled[: -len("</svg>")] + group + "</svg>" if titled.endswith("</svg>") else None


def _settable_title(vega: dict[str, Any]) -> tuple[list[str], list[str], str, str, dict[str, float]] | None:
    """Return a compiled spec's title lines, subtitle lines, font, subtitle colour and padding, if it is titled in
    TITLE_THEME's style with nothing else set (else None)."""
    title, config, padding = vega.get("title"), vega.get("config", {}), vega.get("padding")
    style, subtitle_style = config.get("style", {}).get("group-title", {}), config.get("title", {})
    if not isinstance(title, dict):
        return None
    theme = {
        "anchor": title.get("anchor"),
        "offset": title.get("offset"),
        "fontSize": style.get("fontSize"),
        "fontWeight": style.get("fontWeight"),
        "subtitleFontSize": subtitle_style.get("subtitleFontSize"),
    }
    lines, sublines = _lines(title.get("text")), _lines(title.get("subtitle", []))
    if not (
        set(title) <= {"text", "subtitle", "anchor", "offset"}
        and theme == TITLE_THEME
        and lines is not None
        and sublines is not None
        and isinstance(style.get("font"), str)
        and isinstance(subtitle_style.get("subtitleColor"), str)
        and isinstance(padding, dict)
        and all(isinstance(padding.get(side), int | float) for side in ("top", "left", "right"))
    ):
        return None
    return lines, sublines, style["font"], subtitle_style["subtitleColor"], padding


def _title_group(lines: list[str], sublines: list[str], font: str, colour: str, top: float) -> str:
    """Return the title and subtitle as Vega draws them: a group of two text marks, a pixel below the top padding."""
    title_size, subtitle_size, weight = TITLE_THEME["fontSize"], TITLE_THEME["subtitleFontSize"], TITLE_THEME["fontWeight"]
    font = attribute(font)
    subtitle_baseline = _TITLE_BASELINE + (title_size + 2) * (len(lines) - 1) + title_size
    return (
        f'<g class="mark-group role-title" transform="translate(0,{_number(top + 1)})">'
        f'<g class="mark-text role-title-text" role="graphics-symbol" aria-roledescription="title" aria-label="{attribute("Title text " + _quoted(lines))}">'
        f'<text text-anchor="start" transform="translate(0,{_TITLE_BASELINE})" font-family="{font}" font-size="{title_size}px" font-weight="{weight}" fill="#000" '
        f'opacity="1">{text_lines(lines, title_size + 2)}</text></g>'
        f'<g class="mark-text role-title-subtitle" role="graphics-symbol" aria-roledescription="subtitle" aria-label="{attribute("Subtitle text " + _quoted(sublines))}">'
        f'<text text-anchor="start" transform="translate(0,{subtitle_baseline})" font-family="{font}" font-size="{subtitle_size}px" '
        f'fill="{attribute(colour)}" opacity="1">{text_lines(sublines, subtitle_size + 2)}</text></g></g>'
    )


_TITLE_MARGIN = 8  # pixels kept free beside a title that fits: the chart's left edge can sit a pixel or so in


def _lines(value: Any) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(line, str) for line in value):
        return value
    return None


def attribute(text: str) -> str:
    """Return text escaped for a double-quoted SVG attribute, as Vega writes one."""
    return escape(text, quote=False).replace('"', "&quot;")


def _quoted(lines: list[str]) -> str:
    return "'" + " ".join(lines) + "'"


def text_lines(lines: str | list[str], line_height: int) -> str:
    """Return the content of an SVG text element as Vega writes it: one line as it is, more as tspans a line apart."""
    if isinstance(lines, str) or len(lines) <= 1:
        return escape(lines if isinstance(lines, str) else "".join(lines), quote=False)
    first, *rest = (escape(line, quote=False) for line in lines)
    return f"<tspan>{first}</tspan>" + "".join(f'<tspan x="0" dy="{line_height}">{line}</tspan>' for line in rest)


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def untitled(spec: dict[str, Any]) -> dict[str, Any]:
    """Return the spec (Vega-Lite, or the Vega compiled from it) without its title; the page shows the title as text."""
    return {key: value for key, value in spec.items() if key != "title"}
