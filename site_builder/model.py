"""Plain values the pipeline passes from stage to stage. No I/O here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd


@dataclass(frozen=True)
class Source:
    """A document a figure or table comes from."""

    id: str
    publisher: str
    title: str
    url: str
    published: dt.date | None
    note: str


@dataclass(frozen=True)
class Field:
    """One column of a table, as the data package describes it."""

    name: str
    type: str
    title: str
    description: str
    unit: str | None


@dataclass(frozen=True)
class Table:
    """One validated CSV table and its description."""

    name: str
    path: Path
    title: str
    description: str
    fields: tuple[Field, ...]
    frame: pd.DataFrame = field(compare=False, repr=False)
    source_titles: tuple[str, ...] = ()
    licence: str = ""

    def line_of(self, index: int) -> int:
        """Return the file line of the row at `index` (the header is line 1)."""
        return index + 2


@dataclass(frozen=True)
class ContextValue:
    """A single figure quoted from a source, as the source qualified it."""

    key: str
    value: float
    unit: str
    qualifier: str
    description: str
    source_id: str


@dataclass(frozen=True)
class KeyDate:
    """A dated event the story mentions."""

    key: str
    date: dt.date
    description: str
    source_id: str


@dataclass(frozen=True)
class Dataset:
    """Everything the data package holds, validated."""

    datapackage: Path
    title: str
    licence: str
    tables: dict[str, Table]
    context: dict[str, ContextValue]  # from a 'context' table; empty if the package has none
    dates: dict[str, KeyDate]  # from a 'dates' table; empty if the package has none
    sources: dict[str, Source]
    boundaries: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)  # a TopoJSON topology; empty if the package has none
    boundaries_path: Path | None = None
    boundaries_attribution: str = ""
    boundaries_notes: Path | None = None
    boundary_object: str = ""  # the topology's object that holds the shapes

    @property
    def files(self) -> list[Path]:
        """Return every data file the site offers for download."""
        boundaries = [self.boundaries_path] if self.boundaries_path else []
        notes = [self.boundaries_notes] if self.boundaries_notes else []
        return [self.datapackage, *(t.path for t in self.tables.values()), *boundaries, *notes]
