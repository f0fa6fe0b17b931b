"""Social cards: a 1200x630 PNG for the home page and each service page, drawn with vl-convert."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import vl_convert as vlc

from . import workers
from .charts import COLOURS, FONT
from .renderer import collect

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


def card_spec(card: Card) -> dict[str, Any]:
    """Return a Vega-Lite spec that draws the card as text on a plain background."""
    rows = [
        {"text": card.kicker, "y": 110, "size": 40, "weight": 400, "colour": "#4d4d4d"},
        {"text": card.number, "y": 300, "size": 170, "weight": 700, "colour": COLOURS["category_1"]},
        {"text": card.label, "y": 410, "size": 44, "weight": 400, "colour": "#1a1a1a"},
        {"text": card.footer, "y": 560, "size": 30, "weight": 400, "colour": "#4d4d4d"},
    ]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": CARD_WIDTH,
        "height": CARD_HEIGHT,
        "padding": 0,
        "autosize": {"type": "none"},
        "background": "#ffffff",
        "config": {"view": {"stroke": None}, "font": FONT},
        "data": {"values": rows},
        "mark": {"type": "text", "align": "left", "baseline": "alphabetic", "x": 70, "limit": CARD_WIDTH - 140},
        "encoding": {
            "text": {"field": "text"},
            "y": {"field": "y", "type": "quantitative", "scale": {"domain": [0, CARD_HEIGHT], "range": [0, CARD_HEIGHT]}, "axis": None},
            "size": {"field": "size", "type": "quantitative", "scale": None},
            "color": {"field": "colour", "type": "nominal", "scale": None},
            "fontWeight": {"field": "weight", "type": "nominal", "scale": None},
        },
    }


def render_cards(cards: list[Card], cache_dir: Path | None) -> dict[str, bytes]:
    """Return each card's PNG by output path, reusing renders cached by spec hash; the rest draw in worker processes."""
    files: dict[str, bytes] = {}
    pending = []
    for card in cards:
        spec = card_spec(card)
        key = hashlib.sha256((json.dumps(spec, sort_keys=True) + vlc.get_vega_version()).encode()).hexdigest()
        cached = cache_dir / f"card-{key}.png" if cache_dir else None
        png = _read_checked(cached) if cached is not None else None
        if png is None:
            pending.append((card, cached, workers.submit(workers.render_png, spec, 1)))
        else:
            files[card.output] = png
    for card, cached, future in pending:
        png = collect(future, f"social card '{card.slug}' could not be drawn", "site_builder/cards.py")
        if cached is not None:
            _write_checked(cached, png)
        files[card.output] = png
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
