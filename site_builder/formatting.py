"""House style for numbers, shares, ratios and dates (en-GB)."""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Sequence
from fractions import Fraction

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.numbers import format_decimal

LOCALE = Locale.parse("en_GB")  # parsed once: Babel parses a locale given by name on every call, half the cost of formatting
_SMALL = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_NAMED_FRACTIONS = {
    Fraction(1, 2): "half",
    Fraction(1, 3): "a third",
    Fraction(1, 4): "a quarter",
    Fraction(1, 5): "a fifth",
    Fraction(1, 10): "a tenth",
    Fraction(2, 3): "two thirds",
    Fraction(3, 4): "three quarters",
}


@functools.lru_cache(maxsize=8192)  # Babel's formatting is slow and pages repeat the same numbers
def format_number(value: float, decimals: int = 0) -> str:
    """Return digits with thousands separators: 12823 -> '12,823'."""
    if decimals == 0:
        return format_decimal(round_half_up(value), format="#,##0", locale=LOCALE)
    pattern = "#,##0." + "0" * decimals
    return format_decimal(value, format=pattern, locale=LOCALE)


def round_half_up(value: float) -> int:
    """Round to the nearest whole number, halves away from zero (as readers expect)."""
    return int(math.floor(abs(value) + 0.5)) * (1 if value >= 0 else -1)


def format_count(value: float) -> str:
    """Return a count in house style: digits with separators, words below ten."""
    whole = round_half_up(value)
    if 0 <= whole < 10:
        return _SMALL[whole] if whole else "0"
    return format_number(whole)


def format_share(value: float) -> str:
    """Return a share as a percentage: whole numbers from 10%, one decimal below."""
    percent = value * 100
    if percent == 0:
        return "0%"
    decimals = 0 if abs(percent) >= 9.95 else 1
    return format_number(percent, decimals) + "%"


def format_rate(value: float) -> str:
    """Return a rate with one decimal: 47.4."""
    return format_number(value, 1)


def duration_words(seconds: int) -> str:
    """Return a duration in whole seconds for prose: '7 min 31 s', '18 min', '39 s', '1 h 4 min 12 s'."""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours} h" if hours else "", f"{minutes} min" if minutes else "", f"{secs} s" if secs or not (hours or minutes) else ""]
    return " ".join(part for part in parts if part)


def format_duration(seconds: int) -> str:
    """Return a duration in whole seconds as minutes and seconds: '7:31', '41:26', '1:04:12' past an hour."""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def format_date(value: dt.date) -> str:
    """Return a date as '30 December 2020'."""
    return _babel_date(value, format="d MMMM y", locale=LOCALE)


def number_words(value: int) -> str:
    """Return one to nine as words, larger numbers as digits."""
    return _SMALL[value] if 0 < value < 10 else format_number(value)


def join_names(names: Sequence[str], none: str = "none") -> str:
    """Return names as prose lists them: 'A', 'A and B', 'A, B and C'; `none` when there are none."""
    if not names:
        return none
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def ordinal(value: int) -> str:
    """Return 1 -> 'first' ... 9 -> 'ninth', then '10th', '11th', '12th', '21st'."""
    words = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")
    if 0 < value < 10:
        return words[value - 1]
    suffix = "th" if 10 <= value % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")
    return f"{value}{suffix}"


def ratio_words(share: float) -> str:
    """Return a share as a phrase a reader says aloud: 0.112 -> 'about one in nine'.

    Shares under a quarter become 'one in N'; larger ones the nearest fraction
    with a denominator up to five ('two in five', 'three quarters').
    """
    if share <= 0:
        return "none"
    if share >= 1:
        return "all"
    nearest = Fraction(1, round_half_up(1 / share)) if share < 0.25 else Fraction(share).limit_denominator(5)
    qualifier = "" if abs(float(nearest) - share) < 1e-9 else "about "
    if nearest == 1:
        return "almost all"
    if nearest in _NAMED_FRACTIONS:
        return qualifier + _NAMED_FRACTIONS[nearest]
    return f"{qualifier}{number_words(nearest.numerator)} in {number_words(nearest.denominator)}"


_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}


def parse_ratio(phrase: str) -> float | None:
    """Return the share a phrase names ('one in 10', 'a fifth', 'half'), or None if it names none."""
    words = phrase.strip().lower()
    for fraction, name in _NAMED_FRACTIONS.items():
        if words == name:
            return float(fraction)
    parts = words.split()
    if len(parts) == 3 and parts[1] == "in":
        numerator = _NUMBER_WORDS.get(parts[0]) or (int(parts[0]) if parts[0].isdigit() else None)
        denominator = _NUMBER_WORDS.get(parts[2]) or (int(parts[2].replace(",", "")) if parts[2].replace(",", "").isdigit() else None)
        if numerator and denominator:
            return numerator / denominator
    return None
