"""Embeds: a chrome-free page per chart, its iframe snippet, and its oEmbed description.

Message protocol (documented in the README): an embed page posts
`{"type": "site-builder:resize", "chart": "<chart id>", "height": <CSS pixels>}` to its parent
window whenever its content's height changes; `assets/embed.js` on the host page sets the height
of the iframe that sent it. Without that script the iframe keeps its fallback height.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape

from .renderer import RenderedChart

EMBED_FOLDER = "embed"
RESIZE_MESSAGE = "site-builder:resize"
# Room for the caption, the pointer to the table, the source line, the closed data table and the credit around the
# chart itself, generous enough that a narrow (320 px) frame shows everything without an inner scrollbar.
CHROME_HEIGHT = 350
_SIZE = re.compile(r'<svg[^>]*?\bwidth="([\d.]+)"[^>]*?\bheight="([\d.]+)"')


@dataclass(frozen=True)
class Embed:
    """One chart as other sites embed it."""

    chart_id: str
    title: str
    story_output: str  # the page of ours that shows the chart in context
    width: int
    height: int  # fallback iframe height without embed.js

    @property
    def output(self) -> str:
        """Return the embed page's path in the site."""
        return f"{EMBED_FOLDER}/{self.chart_id}/index.html"

    @property
    def oembed_output(self) -> str:
        """Return the oEmbed JSON's path in the site."""
        return f"{EMBED_FOLDER}/{self.chart_id}/oembed.json"


def plan_embeds(rendered: Mapping[str, RenderedChart], chart_pages: dict[str, str]) -> list[Embed]:
    """Return an embed for every chart a page shows, sized from its rendered SVG."""
    embeds = []
    for chart_id in sorted(chart_pages):
        item = rendered[chart_id]
        width, height = svg_size(item.svg)
        embeds.append(Embed(chart_id, item.chart.title, chart_pages[chart_id], width, height + CHROME_HEIGHT))
    return embeds


def svg_size(svg: str) -> tuple[int, int]:
    """Return the width and height an SVG declares (rounded up)."""
    match = _SIZE.search(svg)
    if match is None:
        return 600, 400
    return int(float(match.group(1)) + 0.999), int(float(match.group(2)) + 0.999)


def iframe_snippet(embed: Embed, src: str) -> str:
    """Return the copy-paste HTML that embeds a chart."""
    return (
        f'<iframe src="{escape(src)}" title="{escape(embed.title)}" loading="lazy" '
        f'width="100%" height="{embed.height}" style="border:0;width:100%;max-width:{embed.width + 40}px" '
        f'data-site-builder-embed="{embed.chart_id}"></iframe>'
    )


def oembed(embed: Embed, provider: str, src: str, thumbnail: str, thumbnail_size: tuple[int, int]) -> bytes:
    """Return the oEmbed 'rich' response for a chart (https://oembed.com, section 2.3.4.4)."""
    document = {
        "version": "1.0",
        "type": "rich",
        "title": embed.title,
        "provider_name": provider,
        "width": embed.width + 40,
        "height": embed.height,
        "html": iframe_snippet(embed, src),
        "thumbnail_url": thumbnail,
        "thumbnail_width": thumbnail_size[0],
        "thumbnail_height": thumbnail_size[1],
    }
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def png_size(png: bytes) -> tuple[int, int]:
    """Return a PNG's width and height from its header."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
