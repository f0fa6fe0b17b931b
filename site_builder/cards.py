"""Social cards: a 1200x630 PNG for the home page and each service page, drawn with vl-convert and libvips."""

from __future__ import annotations

import textwrap
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import workers
from .cache import ChartCache
from .charts import COLOURS, FONT
from .workers import collect

CARD_WIDTH, CARD_HEIGHT = 1200, 630
CARD_FOLDER = "cards"


@dataclass(frozen=True)
class Card:
    """What a social card says: a headline number, what it counts, and whose page it is."""

    slug: str
    kicker: str
    number: str
    label: str
    footer: str

    @property
    def output(self) -> str:
        """Return the card's path in the site."""
        return f"{CARD_FOLDER}/{self.slug}.png"


LABEL_LINE = 44  # characters of the 44 px label that fit the card's width; a longer label wraps, up to LABEL_LINES lines
LABEL_LINES = 3  # what fits between the number and the footer
KICKER_LINE = 44  # characters of the 40 px kicker that fit the card's width; a longer one is set smaller, down to 28 px


def card_spec(card: Card) -> dict[str, Any]:
    """Return a Vega-Lite spec that draws the card as lines of text on a plain background, one text mark per line."""
    label = textwrap.wrap(card.label, LABEL_LINE)
    lines = [
        (card.kicker, 110, max(28, min(40, 40 * KICKER_LINE // len(card.kicker))), 400, "#4d4d4d"),  # a service's full name can be long
        (card.number, 300, 170, 700, COLOURS["category_1"]),
        (label[0] if len(label) == 1 else label[:LABEL_LINES], 410 if len(label) == 1 else 400 - 20 * (min(len(label), LABEL_LINES) - 2), 44, 400, "#1a1a1a"),
        (card.footer, 560, 30, 400, "#4d4d4d"),
    ]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": CARD_WIDTH,
        "height": CARD_HEIGHT,
        "padding": 0,
        "autosize": {"type": "none"},
        "background": "#ffffff",
        "config": {"view": {"stroke": None}},
        "data": {"values": [{}]},
        "layer": [
            {
                "mark": {
                    "type": "text",
                    "text": text,
                    "x": 70,
                    "y": y,
                    "align": "left",
                    "baseline": "alphabetic",
                    "font": FONT,
                    "fontSize": size,
                    "fontWeight": weight,
                    "color": colour,
                    "lineHeight": round(size * 1.25),
                    "limit": CARD_WIDTH - 140,
                }
            }
            for text, y, size, weight, colour in lines
        ],
    }


class CardJob:
    """Cards on their way to being drawn: queued in the render processes when added, unless the cache has them."""

    def __init__(self, cache_dir: Path | None) -> None:
        self.cache = ChartCache(cache_dir)
        self.files: dict[str, bytes] = {}
        self.pending: list[tuple[Card, str, Future[Any]]] = []

    def add(self, card: Card) -> None:
        """Take a card's PNG from the cache, or queue its drawing."""
        spec = card_spec(card)
        key = self.cache.key(spec)
        png = self.cache.get_card(key)
        if png is None:
            self.pending.append((card, key, workers.submit(workers.render_png, spec, 1)))
        else:
            self.files[card.output] = png

    def collect(self) -> dict[str, bytes]:
        """Wait for the queued drawings, cache them, and return every card's PNG by output path."""
        for card, key, future in self.pending:
            png = collect(future, f"social card '{card.slug}' could not be drawn", "site_builder/cards.py")
            self.cache.put_card(key, png)
            self.files[card.output] = png
        self.pending = []
        return self.files
