"""Social cards: drawn whole, in the page's font, with the headline number bold."""

from __future__ import annotations

import re
from pathlib import Path

import vl_convert as vlc

from site_builder.build import BuildResult
from site_builder.cards import CARD_HEIGHT, CARD_WIDTH, LEFT, LINE_HEIGHT, Card, CardJob, card_lines, card_svg
from site_builder.charting import FONT
from site_builder.embed import png_size
from site_builder.render import SiteInfo
from story.figures import Figures
from story.pages import social_cards

LONG_LABEL = "999 calls to London answered by other UK ambulance services, every one of them counted"


def vega_card(card: Card) -> str:
    """Draw the card's lines with Vega, one text mark per line: what card_svg must write, byte for byte."""
    spec = {
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
                    "x": LEFT,
                    "y": y,
                    "align": "left",
                    "baseline": "alphabetic",
                    "font": FONT,
                    "fontSize": size,
                    "fontWeight": weight,
                    "color": colour,
                    "lineHeight": round(size * LINE_HEIGHT),
                    "limit": CARD_WIDTH - 2 * LEFT,  # Vega cuts a line longer than this short, with an ellipsis
                }
            }
            for text, y, size, weight, colour in card_lines(card)
        ],
    }
    return str(vlc.vegalite_to_svg(spec))


def site_cards(built: BuildResult) -> list[Card]:
    assert isinstance(built.figures, Figures)
    return list(social_cards(built.figures, SiteInfo("London's 999 calls, answered elsewhere", "", "", "en")).values())


def test_a_card_is_the_svg_vega_draws_from_one_text_mark_per_line(built: BuildResult) -> None:
    cards = [*site_cards(built), Card("odd", "Kicker & <co>", "1,000", LONG_LABEL, 'Footer\'s "site"')]
    for card in cards:
        assert card_svg(card) == vega_card(card), card.slug


def test_every_card_in_the_build_is_a_png_of_the_card_size(built: BuildResult) -> None:
    cards = {name: data for name, data in built.files.items() if name.startswith("cards/")}
    assert "cards/home.png" in cards and len(cards) == len(built.figures.services) + 2  # home, each helper, London
    for name, data in cards.items():
        assert png_size(data) == (CARD_WIDTH, CARD_HEIGHT), name


def test_a_long_label_wraps_instead_of_being_cut_off() -> None:
    svg = card_svg(Card("test", "Kicker", "12,823", LONG_LABEL, "Footer"))
    assert "…" not in svg
    drawn = " ".join(re.sub(r"<[^>]+>", " ", svg).split())
    assert all(word in drawn for word in LONG_LABEL.split())


def test_the_number_is_bold_and_every_line_uses_the_page_font() -> None:
    svg = card_svg(Card("test", "Kicker", "12,823", "label", "Footer"))
    number = re.search(r"<text[^>]*>12,823</text>", svg)
    assert number is not None and 'font-weight="700"' in number.group(0)
    families = set(re.findall(r'font-family="([^"]*)"', svg))
    assert len(families) == 1 and "Liberation Sans" in families.pop()


def test_a_card_comes_from_the_cache_the_second_time_and_a_damaged_one_is_drawn_again(tmp_path: Path) -> None:
    card = Card("test", "Kicker", "12,823", "label", "Footer")
    first = CardJob(tmp_path)
    first.add(card)
    drawn = first.collect()[card.output]
    second = CardJob(tmp_path)
    second.add(card)
    assert not second.pending and second.collect()[card.output] == drawn
    (entry,) = tmp_path.rglob("*.card")
    entry.write_bytes(entry.read_bytes()[:-10])
    third = CardJob(tmp_path)
    third.add(card)
    assert third.pending and third.collect()[card.output] == drawn


def test_no_card_of_the_site_cuts_a_line_short(built: BuildResult) -> None:
    """Service names run to 63 characters ("Northern Ireland Ambulance Service Health and Social Care Trust"): each must show whole."""
    for card in site_cards(built):
        svg = vega_card(card)  # Vega measures the text: a line too long comes out cut short with an ellipsis
        assert "…" not in svg, card.slug
        drawn = " ".join(re.sub(r"<[^>]+>", " ", svg).split())
        assert card.kicker in drawn and card.label.split()[-1] in drawn, card.slug
