"""Load the data package and validate every table against its schema and the domain rules."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd

from . import validation
from .errors import DataError
from .model import ContextValue, Dataset, Field, KeyDate, Source, Table
from .package import check_package


def load_dataset(datapackage: Path) -> Dataset:
    """Read, validate and return everything the data package describes (the story's own rules are the story's to check)."""
    package = check_package(datapackage)
    validation.check(datapackage)  # Frictionless, in a render process (the build starts its check earlier: early.py)
    return read_dataset(datapackage, *package)


def read_dataset(datapackage: Path, descriptor: dict[str, Any], resources: dict[str, dict[str, Any]]) -> Dataset:
    """Read the tables of a package that check_package passed, and check what every site's data must satisfy.

    The caller must call validation.check too, and let its problem come first: a value that breaks a schema
    can stop the reading here with a plainer message (the builder checks once the charts are queued, so as
    not to wait for it).
    """
    tables = {name: _read_table(datapackage, resource) for name, resource in sorted(resources.items()) if resource.get("schema") is not None}
    sources = _sources(tables["sources"])
    dataset = Dataset(
        datapackage=datapackage,
        title=str(descriptor.get("title", "")),
        licence=_licence_title(descriptor),
        tables=tables,
        context=_context(tables["context"]) if "context" in tables else {},
        dates=_dates(tables["dates"]) if "dates" in tables else {},
        sources=sources,
        **_boundaries(datapackage, resources),
    )
    check_links_and_sources(dataset)
    return dataset


def _read_table(datapackage: Path, resource: dict[str, Any]) -> Table:
    path = datapackage.parent / resource["path"]
    schema_fields = resource["schema"]["fields"]
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    if frame.empty:
        raise DataError("the table has a header but no rows", path, 2, hint="add the data rows under the header")
    for spec in schema_fields:
        column = spec["name"]
        values = frame[column].str.strip().replace("", pd.NA)
        if spec.get("type") == "integer":
            frame[column] = pd.to_numeric(values).astype("Int64")
        elif spec.get("type") == "number":
            frame[column] = pd.to_numeric(values).astype("Float64")
        elif spec.get("type") == "date":
            frame[column] = [None if pd.isna(v) else dt.date.fromisoformat(v) for v in values]
        else:
            frame[column] = values.astype("string")
    fields = tuple(
        Field(
            name=spec["name"],
            type=spec.get("type", "string"),
            title=spec.get("title", spec["name"]),
            description=spec.get("description", ""),
            unit=spec.get("unit"),
        )
        for spec in schema_fields
    )
    return Table(
        name=resource["name"],
        path=path,
        title=resource.get("title", resource["name"]),
        description=resource.get("description", ""),
        fields=fields,
        frame=frame,
        source_titles=tuple(s.get("title", "") for s in resource.get("sources", [])),
        licence=_licence_title(resource),
    )


def _licence_title(descriptor: dict[str, Any]) -> str:
    licences = descriptor.get("licenses") or []
    return "; ".join(str(lic.get("title") or lic.get("name", "")) for lic in licences if isinstance(lic, dict))


def _sources(table: Table) -> dict[str, Source]:
    return {
        row.id: Source(
            id=row.id,
            publisher=row.publisher,
            title=row.title,
            url=row.url,
            published=row.published,
            note="" if pd.isna(row.note) else row.note,
        )
        for row in table.frame.itertuples()
    }


def _context(table: Table) -> dict[str, ContextValue]:
    return {row.key: ContextValue(row.key, float(row.value), row.unit, row.qualifier, row.description, row.source_id) for row in table.frame.itertuples()}


def _dates(table: Table) -> dict[str, KeyDate]:
    return {row.key: KeyDate(row.key, row.date, row.description, row.source_id) for row in table.frame.itertuples()}


def _boundaries(datapackage: Path, resources: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Return the boundaries (a TopoJSON resource named 'boundaries') as Dataset fields; none if the package has none."""
    resource = resources.get("boundaries")
    if resource is None:
        return {}  # a story that draws a map checks for them
    path = datapackage.parent / resource["path"]
    try:
        topology = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as error:
        raise DataError(f"not valid JSON: {error.msg}", path, error.lineno) from None
    objects = topology.get("objects") if isinstance(topology, dict) else None
    if topology.get("type") != "Topology" or not isinstance(objects, dict) or not objects:
        raise DataError("not a TopoJSON topology with an object", path)
    attribution = str(resource.get("attribution", "")).strip()
    if not attribution:
        raise DataError("the boundaries resource has no 'attribution'", datapackage, column="attribution", hint="the licence requires it on every map")
    notes = resource.get("attributionFile")
    notes_path = datapackage.parent / notes if notes else None
    if notes_path is not None and not notes_path.is_file():
        raise DataError("the boundaries' attribution file is missing", notes_path)
    return {
        "boundaries": topology,
        "boundaries_path": path,
        "boundaries_attribution": attribution,
        "boundaries_notes": notes_path,
        "boundary_object": next(iter(objects)),
    }


def check_links_and_sources(dataset: Dataset) -> None:
    """Check what every site's data must satisfy: sources link to web addresses, and context rows name a known source."""
    sources = dataset.tables["sources"]
    for index, url in sources.frame["url"].items():
        assert isinstance(index, int)
        check_web_address(url, sources, index, "url")
    for key, value in dataset.context.items():
        if value.source_id not in dataset.sources:
            raise DataError(f"context figure '{key}' names an unknown source '{value.source_id}'", dataset.tables["context"].path)


def check_web_address(url: Any, table: Table, index: int, column: str) -> None:
    """Stop unless a cell the pages turn into a link is empty or a web address (never javascript:)."""
    if pd.notna(url) and not str(url).startswith(("https://", "http://")):
        raise DataError(
            f"'{url}' is not a web address: it must start with https:// or http://",
            table.path,
            table.line_of(index),
            column,
            hint="pages link to it, so it must be a web address",
        )
