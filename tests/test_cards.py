"""Social cards: drawn whole, in the page's font, with the headline number bold."""

from __future__ import annotations

import re
from pathlib import Path

import vl_convert as vlc

from site_builder.build import BuildResult, _cards
from site_builder.cards import CARD_HEIGHT, CARD_WIDTH, Card, CardJob, card_spec
from site_builder.embed import png_size
from site_builder.render import SiteInfo

LONG_LABEL = "999 calls to London answered by other UK ambulance services, every one of them counted"


def card_svg(card: Card) -> str:
    return str(vlc.vegalite_to_svg(card_spec(card)))


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
    for card in _cards(built.figures, SiteInfo("London's 999 calls, answered elsewhere", "", "", "en")).values():
        svg = card_svg(card)
        assert "…" not in svg, card.slug
        drawn = " ".join(re.sub(r"<[^>]+>", " ", svg).split())
        assert card.kicker in drawn and card.label.split()[-1] in drawn, card.slug
