"""A figure: a named value the prose, pages and charts quote, with its meaning and where it comes from; and the set of them.

Declare a figure with keywords, `Figure(name=..., value=..., kind=..., ...)`, or with a constructor that works
out its value, formula, tables and sources from what it is made of:

- `FigureTable(table=..., sources=..., row=...)`: a table and its sources, given once; its `total`, `count`,
  `value` (one row's cell) and `figure` declare figures read from it.
- `derived(name=..., formula="a ÷ b", inputs=...)`: a figure worked out from others by the formula the data
  page prints (see formulas.py); its tables and sources are its inputs'.
- `context_figure(dataset, key, ...)` and `date_figure(dataset, key, ...)`: a row of the context or dates table.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from .formatting import duration_words, format_count, format_date, format_duration, format_number, format_rate, format_share, ratio_words, round_half_up
from .formulas import FormulaError, evaluate, names_in
from .model import Dataset, Table

Kind = Literal["count", "share", "rate", "number", "duration", "date", "text"]
Value = int | float | str | dt.date | None


@dataclass(frozen=True, kw_only=True)
class Figure:
    """A named number (or name, or date) with what it means and where it comes from.

    `kind` sets how it prints: a count ('12,823', words below ten), a share ('11%'), a rate (one decimal),
    a number (digits), a duration (a value in seconds: '7 min 9 s' in prose, '7:09' as digits), a date or text.
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
            return duration_words(round_half_up(float(self.value)))  # type: ignore[arg-type]
        if self.kind == "date":
            assert isinstance(self.value, dt.date)
            return format_date(self.value)
        return str(self.value)

    @functools.cached_property
    def digits(self) -> str:
        """Return the value with digits even below ten (for tables and charts)."""
        if self.kind == "count" and self.value is not None:
            return format_number(float(self.value))  # type: ignore[arg-type]
        if self.kind == "duration" and self.value is not None:
            return format_duration(round_half_up(float(self.value)))  # type: ignore[arg-type]
        return self.text

    @property
    def words(self) -> str:
        """Return a share as a spoken ratio ('about one in nine')."""
        if self.kind != "share" or self.value is None:
            return self.text
        return ratio_words(float(self.value))  # type: ignore[arg-type]

    @property
    def precise(self) -> str:
        """Return a share with one decimal place ('11.4%', for ranges that round alike); any other figure as text."""
        if self.kind != "share" or self.value is None:
            return self.text
        return format_number(float(self.value) * 100, 1) + "%"  # type: ignore[arg-type]

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


def derived(
    *,
    name: str,
    formula: str,
    inputs: Mapping[str, Figure],
    kind: Kind,
    unit: str,
    label: str,
    definition: str,
    wording: str = "{formula}",
    assumption: str = "",
    sources: tuple[str, ...] | None = None,
) -> Figure:
    """Return a figure worked out from other figures by `formula`, the arithmetic the data page prints.

    `inputs` maps each name the formula reads to a figure (a story's figures so far, or a service's own,
    as {"calls_answered": ...}). The figure's tables and sources are the union of its inputs', in the order the
    formula reads them, unless `sources` is given. `wording` places the formula in words the page prints
    around it: "{formula} for that service". No value in, or a division by zero, gives no value.
    """
    if wording.count("{formula}") != 1:
        raise FormulaError(f"figure {name!r}: wording {wording!r} must hold '{{formula}}' once")
    try:
        names = names_in(formula)
    except FormulaError as error:
        raise FormulaError(f"figure {name!r}: {error}") from None
    missing = [n for n in names if n not in inputs or isinstance(inputs[n].value, str)]
    if missing:
        raise FormulaError(f"figure {name!r}: formula {formula!r} reads {missing[0]!r}, which is not a number among its inputs ({', '.join(inputs)})")
    used = [inputs[n] for n in names]
    value = evaluate(formula, {n: f.value for n, f in zip(names, used, strict=True)})  # type: ignore[misc]
    return Figure(
        name=name,
        value=value,
        kind=kind,
        unit=unit,
        label=label,
        definition=definition,
        formula=wording.format(formula=formula),
        tables=_union(f.tables for f in used),
        sources=_union(f.sources for f in used) if sources is None else sources,
        assumption=assumption,
    )


@dataclass(frozen=True, kw_only=True)
class FigureTable:
    """A table and the sources its figures cite, given once; `row` names what a row is in a formula's words ("service")."""

    table: Table
    sources: tuple[str, ...]
    row: str = "row"

    def total(self, column: str, *, name: str, unit: str, label: str, definition: str, kind: Kind = "count") -> Figure:
        """Return the sum of a column over every row: "Sum of calls_answered over every service"."""
        return self.figure(
            name=name,
            value=_plain(self.table.frame[column].sum()),
            kind=kind,
            unit=unit,
            label=label,
            definition=definition,
            formula=f"Sum of {column} over every {self.row}",
        )

    def count(self, column: str, compare: Literal["above", "below", "equal to"], than: float, *, name: str, unit: str, label: str, definition: str) -> Figure:
        """Return how many rows have a column above, below or equal to a number: "Count of services with calls_answered above 0"."""
        values = self.table.frame[column]
        matches = values > than if compare == "above" else values < than if compare == "below" else values == than
        return self.figure(
            name=name,
            value=int(matches.sum()),
            kind="count",
            unit=unit,
            label=label,
            definition=definition,
            formula=f"Count of {self.row}s with {column} {compare} {than:g}",
        )

    def value(self, row: Mapping[str, Any], column: str, *, name: str, unit: str, label: str, definition: str, kind: Kind = "count") -> Figure:
        """Return one row's value in a column (a row of this table, as `frame.iloc[i]` or `itertuples()._asdict()` gives it): "calls_answered for this service"."""
        return self.figure(
            name=name,
            value=_plain(row[column]),
            kind=kind,
            unit=unit,
            label=label,
            definition=definition,
            formula=f"{column} for this {self.row}",
        )

    def figure(self, *, name: str, value: Value, kind: Kind, unit: str, label: str, definition: str, formula: str, assumption: str = "") -> Figure:
        """Return any other figure read from this table, with its tables and sources filled in."""
        return Figure(
            name=name,
            value=value,
            kind=kind,
            unit=unit,
            label=label,
            definition=definition,
            formula=formula,
            tables=(self.table.name,),
            sources=self.sources,
            assumption=assumption,
        )


def context_figure(dataset: Dataset, key: str, *, label: str, name: str = "", kind: Kind = "count") -> Figure:
    """Return a value quoted in the context table, with its value, unit, description and source taken from its row."""
    item = dataset.context[key]
    table = dataset.tables["context"]
    return Figure(
        name=name or key,
        value=item.value,
        kind=kind,
        unit=item.unit,
        label=label,
        definition=item.description,
        formula=f"{table.path.name}, {key}",
        tables=(table.name,),
        sources=(item.source_id,),
    )


def date_figure(dataset: Dataset, key: str, *, name: str = "") -> Figure:
    """Return a date from the dates table, described and sourced by its row."""
    item = dataset.dates[key]
    table = dataset.tables["dates"]
    source = item.source_id if isinstance(item.source_id, str) and item.source_id else None
    return Figure(
        name=name or key,
        value=item.date,
        kind="date",
        unit="date",
        label=item.description,
        definition=item.description,
        formula=f"{table.path.name}, {key}",
        tables=(table.name,),
        sources=(source,) if source else (),
    )


def formula_mismatches(figures: Mapping[str, Figure]) -> list[str]:
    """Return a line for each figure whose formula is arithmetic over other figures' names but gives another value.

    Figures declared with `derived` agree by construction; this catches one declared by hand whose formula
    was typed next to the code that computes it and has drifted from it.
    """
    mismatches = []
    for figure in figures.values():
        try:
            names = names_in(figure.formula)
        except FormulaError:
            continue  # words, not arithmetic: "Sum of calls_answered over every service"
        if not names or not all(n in figures for n in names) or isinstance(figure.value, str):
            continue
        worked_out = evaluate(figure.formula, {n: figures[n].value for n in names})  # type: ignore[misc]
        if not _same(worked_out, figure.value):
            mismatches.append(f"{figure.name}: {figure.formula} gives {worked_out!r}, but the figure is {figure.value!r}")
    return mismatches


def _same(a: object, b: object) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(a, b, rel_tol=1e-12)
    return a == b


def _union(groups: Iterable[tuple[str, ...]]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(item for group in groups for item in group))


def _plain(value: Any) -> Value:
    """Return a table's cell as a plain Python value: pandas' NA as None, numpy's numbers as int or float."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):
        value = value.item()
    return value  # type: ignore[no-any-return]
