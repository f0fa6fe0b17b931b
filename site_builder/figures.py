"""A figure: a named value the prose, pages and charts quote, with its meaning and where it comes from; and the set of them."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

from .formatting import format_count, format_date, format_duration, format_number, format_rate, format_share, ratio_words, round_half_up

Kind = Literal["count", "share", "rate", "number", "duration", "date", "text"]
Value = int | float | str | dt.date | None


@dataclass(frozen=True)
class Figure:
    """A named number (or name, or date) with what it means and where it comes from.

    `kind` sets how it prints: a count ('12,823', words below ten), a share ('11%'), a rate (one decimal),
    a number (digits), a duration (a value in seconds as minutes:seconds, '7:09'), a date or text.
    """

    name: str
    value: Value
    kind: Kind
    unit: str
    label: str
    definition: str
    formula: str
    tables: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    assumption: str = ""

    # Cached: a figure such as the total is printed on every page, and formatting a number is not free.
    @functools.cached_property
    def text(self) -> str:
        """Return the value in house style, as the prose prints it."""
        if self.value is None:
            return "no data"
        if self.kind == "count":
            return format_count(float(self.value))  # type: ignore[arg-type]
        if self.kind == "share":
            return format_share(float(self.value))  # type: ignore[arg-type]
        if self.kind == "rate":
            return format_rate(float(self.value))  # type: ignore[arg-type]
        if self.kind == "number":
            return format_number(float(self.value))  # type: ignore[arg-type]
        if self.kind == "duration":
            return format_duration(round_half_up(float(self.value)))  # type: ignore[arg-type]
        if self.kind == "date":
            assert isinstance(self.value, dt.date)
            return format_date(self.value)
        return str(self.value)

    @functools.cached_property
    def digits(self) -> str:
        """Return the value with digits even below ten (for tables and charts)."""
        if self.kind == "count" and self.value is not None:
            return format_number(float(self.value))  # type: ignore[arg-type]
        return self.text

    @property
    def words(self) -> str:
        """Return a share as a spoken ratio ('about one in nine')."""
        if self.kind != "share" or self.value is None:
            return self.text
        return ratio_words(float(self.value))  # type: ignore[arg-type]

    @property
    def machine_value(self) -> str:
        """Return the value for a `<data value>` or `<time datetime>` attribute."""
        if isinstance(self.value, dt.date):
            return self.value.isoformat()
        if isinstance(self.value, float):
            return f"{self.value:.6g}"
        return "" if self.value is None else str(self.value)


class Figures(Mapping[str, Figure]):
    """Every figure of a story by name. A story may subclass it to carry more (its services, say) for its charts and pages."""

    def __init__(self, figures: Iterable[Figure]) -> None:
        by_name: dict[str, Figure] = {}
        for figure in figures:
            if figure.name in by_name:
                raise ValueError(f"figure {figure.name!r} defined twice")
            by_name[figure.name] = figure
        self._by_name = by_name

    def __getitem__(self, name: str) -> Figure:
        return self._by_name[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_name)

    def __len__(self) -> int:
        return len(self._by_name)
