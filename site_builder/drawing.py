"""Draw a chart: compiled Vega to SVG (vl-convert), SVG to PNG (librsvg, through libvips), and what identifies the drawings.

vl-convert and pyvips are imported only where they draw: the build's own process never loads them.
"""

from __future__ import annotations

import functools
import re
from typing import Any

DRAWING_VERSION = 4  # part of every cache key: raise it when draw_svg, rasterise or titles.with_title changes what they return

# Vega numbers the clip paths and gradients it defines with counters that live as long as vl-convert does, so
# the same chart drawn after others would get other ids: each drawing's are numbered afresh from 1.
_COUNTED_ID = re.compile(r'id="(clip|gradient_|pattern_)(\d+)"')


def draw_svg(vega: dict[str, Any]) -> str:
    """Return a compiled Vega spec drawn as SVG, the same bytes whatever this process drew before."""
    import vl_convert as vlc

    svg = str(vlc.vega_to_svg(vega))
    renumbered: dict[str, str] = {}
    counts: dict[str, int] = {}
    for match in _COUNTED_ID.finditer(svg):
        prefix, old = match.group(1), match.group(0)[4:-1]
        if old not in renumbered:
            counts[prefix] = counts.get(prefix, 0) + 1
            renumbered[old] = f"{prefix}{counts[prefix]}"
    if not renumbered:
        return svg
    # Every reference is id="…" or url(#…), and an id is followed by a quote or a bracket, never by a digit.
    pattern = re.compile(r'(id="|url\(#)(' + "|".join(sorted(map(re.escape, renumbered), key=len, reverse=True)) + r')(?=["\)])')
    return pattern.sub(lambda match: match.group(1) + renumbered[match.group(2)], svg)


def rasterise(svg: str, scale: float) -> bytes:
    """Return an SVG drawn as a PNG at `scale` times its size, on white, with librsvg (through libvips), and no metadata.

    librsvg finds fonts with fontconfig, which resolves the font list ("Arial, 'Liberation Sans', ...") as a
    browser does. It draws a chart three to seven times faster than vl-convert's resvg here, which spends
    about 2.5 ms on each text element.
    """
    import pyvips

    # On white: the charts are drawn without a background (pages show them on light or dark), but a PNG is
    # shared and embedded on backgrounds we don't choose, where dark text on transparency could vanish. The
    # white is drawn under the chart rather than flattened in afterwards (libvips flattens in floating point:
    # a third of the time here), and zlib's level 3 packs the PNG a few per cent larger than its default 6, faster.
    opening = _SVG_OPENING.search(svg)
    if opening is not None:
        svg = svg[: opening.end()] + _WHITE + svg[opening.end() :]
    image = pyvips.Image.svgload_buffer(svg.encode("utf-8"), scale=scale)
    return bytes(image.extract_band(0, n=3).write_to_buffer(".png", keep="none", compression=3))


_SVG_OPENING = re.compile(r"<svg\b[^>]*>")
_WHITE = '<rect width="100%" height="100%" fill="#fff"/>'


@functools.cache
def library_versions() -> str:
    """Return what identifies the drawings: vl-convert's version (it fixes Vega's), libvips's, and DRAWING_VERSION.

    Read from the installed packages' metadata, so the build's own process never loads either library; read once
    per process (parsing the metadata takes milliseconds, and every cache key asks for it).
    """
    import importlib.metadata  # here, not above: a render process never needs it (the build's process has it from Altair)

    version = importlib.metadata.version
    return f"vl-convert {version('vl-convert-python')} pyvips {version('pyvips')} libvips {version('pyvips-binary')} drawing {DRAWING_VERSION}"
