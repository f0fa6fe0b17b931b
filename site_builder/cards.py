"""Social cards: a 1200x630 PNG for the home page and each service page, written as SVG and drawn by libvips."""

from __future__ import annotations

import textwrap
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import drawing, workers
from .cache import ChartCache
from .charting import COLOURS, FONT
from .titles import attribute, text_lines
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


def card_lines(card: Card) -> list[tuple[str | list[str], int, int, int, str]]:
    """Return the card's lines of text as (text, baseline, font size, weight, colour); a list of texts is one wrapped block."""
    label = textwrap.wrap(card.label, LABEL_LINE)
    return [
        (card.kicker, 110, max(28, min(40, 40 * KICKER_LINE // max(1, len(card.kicker)))), 400, "#4d4d4d"),  # a service's full name can be long
        (card.number, 300, 170, 700, COLOURS["category_1"]),
        (label[0] if len(label) == 1 else label[:LABEL_LINES], 410 if len(label) == 1 else 400 - 20 * (min(len(label), LABEL_LINES) - 2), 44, 400, "#1a1a1a"),
        (card.footer, 560, 30, 400, "#4d4d4d"),
    ]


def card_svg(card: Card) -> str:
    """Return the card as SVG: its lines of text on white, in the page's font, the number bold.

    Written here rather than drawn by Vega from a Vega-Lite spec (a few milliseconds a card; there is one per
    service page): it is the very markup Vega draws from one text mark per line, which tests/test_cards.py checks.
    """
    marks = "".join(
        f'<g class="mark-text role-mark layer_{index}_marks" role="graphics-object" aria-roledescription="text mark container">'
        f'<text text-anchor="start" transform="translate({LEFT},{y})" font-family="{_FONT}" font-size="{size}px" font-weight="{weight}" '
        f'fill="{colour}">{text_lines(text, round(size * LINE_HEIGHT))}</text></g>'
        for index, (text, y, size, weight, colour) in enumerate(card_lines(card))
    )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" class="marks" '
        f'width="{CARD_WIDTH}" height="{CARD_HEIGHT}" viewBox="0 0 {CARD_WIDTH} {CARD_HEIGHT}"><rect width="{CARD_WIDTH}" height="{CARD_HEIGHT}" fill="#ffffff"/>'
        '<g fill="none" stroke-miterlimit="4" transform="translate(0,0)"><g class="mark-group role-frame root" role="graphics-object" '
        'aria-roledescription="group mark container"><g transform="translate(0,0)"><path class="background" aria-hidden="true" '
        f'd="M0,0h{CARD_WIDTH}v{CARD_HEIGHT}h-{CARD_WIDTH}Z"/><g>{marks}</g><path class="foreground" aria-hidden="true" d="" display="none"/>'
        "</g></g></g></svg>"
    )


LEFT = 70  # the lines' left edge, and the margin on the right they must not cross
LINE_HEIGHT = 1.25  # of the font size, between the lines of a wrapped block
_FONT = attribute(FONT)


class CardJob:
    """Cards on their way to being drawn: queued in the render processes when added, unless the cache has them."""

    def __init__(self, cache_dir: Path | None) -> None:
        self.cache = ChartCache(cache_dir)
        self.files: dict[str, bytes] = {}
        self.pending: list[tuple[Card, str, Future[Any]]] = []

    def add(self, card: Card) -> None:
        """Take a card's PNG from the cache, or queue its drawing."""
        svg = card_svg(card)
        key = self.cache.key({"card": svg})
        png = self.cache.get_card(key)
        if png is None:
            self.pending.append((card, key, workers.submit(drawing.rasterise, svg, 1)))
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
