"""Social cards: a 1200x630 PNG for the home page and each service page, drawn with vl-convert."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import textwrap
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import workers
from .charts import COLOURS, FONT
from .workers import collect

CARD_WIDTH, CARD_HEIGHT = 1200, 630
CARD_FOLDER = "cards"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


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


LABEL_LINE = 40  # characters of the 44 px label that fit the card's width; a longer label wraps, up to LABEL_LINES lines
LABEL_LINES = 3  # what fits between the number and the footer


def card_spec(card: Card) -> dict[str, Any]:
    """Return a Vega-Lite spec that draws the card as lines of text on a plain background, one text mark per line."""
    label = textwrap.wrap(card.label, LABEL_LINE)
    lines = [
        (card.kicker, 110, 40, 400, "#4d4d4d"),
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
        self.cache_dir = cache_dir
        self.files: dict[str, bytes] = {}
        self.pending: list[tuple[Card, Path | None, Future[Any]]] = []

    def add(self, card: Card) -> None:
        """Take a card's PNG from the cache, or queue its drawing."""
        spec = card_spec(card)
        key = hashlib.sha256((json.dumps(spec, sort_keys=True) + workers.library_versions()).encode()).hexdigest()
        cached = self.cache_dir / f"card-{key}.png" if self.cache_dir else None
        png = _read_checked(cached) if cached is not None else None
        if png is None:
            self.pending.append((card, cached, workers.submit(workers.render_png, spec, 1)))
        else:
            self.files[card.output] = png

    def collect(self) -> dict[str, bytes]:
        """Wait for the queued drawings, cache them, and return every card's PNG by output path."""
        for card, cached, future in self.pending:
            png = collect(future, f"social card '{card.slug}' could not be drawn", "site_builder/cards.py")
            if cached is not None:
                _write_checked(cached, png)
            self.files[card.output] = png
        self.pending = []
        return self.files


def render_cards(cards: list[Card], cache_dir: Path | None) -> dict[str, bytes]:
    """Return each card's PNG by output path, reusing renders cached by spec hash; the rest draw in worker processes."""
    job = CardJob(cache_dir)
    for card in cards:
        job.add(card)
    files = job.collect()
    return {card.output: files[card.output] for card in cards}


def _read_checked(path: Path) -> bytes | None:
    """Return a cached PNG if it is whole (its digest matches), else None."""
    try:
        png = path.read_bytes()
        digest = path.with_suffix(".sha256").read_text(encoding="ascii").strip()
    except (OSError, ValueError):
        return None
    if not png.startswith(PNG_SIGNATURE) or hashlib.sha256(png).hexdigest() != digest:
        return None
    return png


def _write_checked(path: Path, png: bytes) -> None:
    """Store a PNG and then its digest, each written whole and renamed into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for target, data in ((path, png), (path.with_suffix(".sha256"), hashlib.sha256(png).hexdigest().encode())):
        handle, temporary = tempfile.mkstemp(dir=path.parent)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, target)
