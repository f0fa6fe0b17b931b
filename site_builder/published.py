"""figures.json: the machine-readable record of what a build said, beside the data package.

Every figure (its value, the text the pages print, what it means, its formula and sources, and the pages that quote
it), every claim with its verdict and assumptions, a digest of each chart's data, and the revision notes. Other sites
reuse it; `site-builder diff` and `build --strict` compare two of them. Its shape is `schemas/figures.schema.json`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import TYPE_CHECKING, Any

from .markup import figure_anchor
from .revisions import Revision, revision_record, revisions_by_figure

if TYPE_CHECKING:  # annotations only: site-builder diff reads figures.json without loading pandas
    from .claims import ClaimResult
    from .figures import Figure, Figures

FORMAT = "site-builder/figures/1"
FIGURES_FILE = "figures.json"
SCHEMA_FILE = "figures.schema.json"


def schema_text() -> bytes:
    """Return the JSON Schema figures.json follows, as shipped with the builder."""
    return resources.files(__package__).joinpath("schemas", SCHEMA_FILE).read_bytes()


def figures_record(
    *,
    figures: Figures,
    quotes: Mapping[str, Iterable[str]],
    claims: Iterable[ClaimResult],
    claim_pages: Mapping[str, str],
    charts: Mapping[str, tuple[str, bytes, Iterable[str]]],
    revisions: Iterable[Revision],
) -> dict[str, Any]:
    """Return what a build said, as figures.json holds it.

    `quotes`: the figures each page quotes, by page; `claim_pages`: the page each content file becomes, by file name;
    `charts`: each chart's title, data (its CSV download) and the pages that show it.
    """
    pages_quoting: dict[str, list[str]] = {}
    for page in sorted(quotes):
        for name in quotes[page]:
            pages_quoting.setdefault(name, []).append(page)
    notes = tuple(revisions)
    by_figure = revisions_by_figure(notes)
    return {
        "format": FORMAT,
        "figures": {
            name: _figure(figure, pages=pages_quoting.get(name, []), revisions=[r.id for r in by_figure.get(name, ())]) for name, figure in figures.items()
        },
        "claims": {result.claim.id: _claim(result, claim_pages) for result in claims},
        "charts": {
            chart_id: {"title": title, "data_sha256": hashlib.sha256(data).hexdigest(), "pages": sorted(set(pages))}
            for chart_id, (title, data, pages) in sorted(charts.items())
        },
        "revisions": [revision_record(revision) for revision in notes],
    }


def record_bytes(record: Mapping[str, Any]) -> bytes:
    """Return figures.json's bytes: keys sorted, so two builds of the same inputs write the same file."""
    # Compact, as the chart specs are: indenting takes Python's slow encoder, and figures.json grows with the services.
    return (json.dumps(record, sort_keys=True, ensure_ascii=False, allow_nan=False, separators=(",", ":")) + "\n").encode("utf-8")


def _figure(figure: Figure, *, pages: list[str], revisions: list[str]) -> dict[str, Any]:
    return {
        "value": _json_value(figure.value),
        "text": figure.text,
        "digits": figure.digits,
        "words": figure.words,
        "precise": figure.precise,
        "kind": figure.kind,
        "unit": figure.unit,
        "label": figure.label,
        "definition": figure.definition,
        "formula": figure.formula,
        "tables": list(figure.tables),
        "sources": list(figure.sources),
        "assumption": figure.assumption,
        "anchor": figure_anchor(figure.name),
        "pages": pages,
        "revisions": revisions,
    }


def _claim(result: ClaimResult, claim_pages: Mapping[str, str]) -> dict[str, Any]:
    claim = result.claim
    return {
        "phrase": claim.phrase,
        "sentence": claim.sentence,
        "file": claim.path.name,
        "line": claim.line,
        "page": claim_pages.get(claim.path.name, ""),
        "figures": list(claim.figures),
        "comparison": claim.comparison,
        "expected": list(claim.expected),
        "source": claim.source,
        "against": claim.against,
        "verdict": result.verdict,
        "assumptions": [figure.assumption for figure, holds in result.values if figure.assumption and holds],
    }


def _json_value(value: object) -> int | float | str | None:
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item"):  # a numpy number
        value = value.item()
    if isinstance(value, bool):
        return int(value)
    if value is None or isinstance(value, int | float | str):
        return value
    return str(value)
