"""Checking the data package against its schemas (Frictionless) in a render process.

Validating the tables and loading Frictionless take about a third of a second, on the build's own critical path
if done there. The command line starts the check in a render process before the builder's imports load (see
early.py), and the build collects its answer once it needs it. This module imports nothing heavy.
"""

from __future__ import annotations

import hashlib
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import workers
from .errors import BuildError, ChartError, DataError


def data_fingerprint(folder: Path) -> str:
    """Return a hash of every file's name and contents under the data folder."""
    hasher = hashlib.sha256()
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                hasher.update(path.relative_to(folder).as_posix().encode() + b"\0")
                try:
                    hasher.update(hashlib.sha256(path.read_bytes()).digest())
                except OSError as error:
                    raise DataError(
                        f"the file can't be read: {error.strerror or error}", path, hint="make it a readable file, or move it out of the data folder"
                    ) from None
    return hasher.hexdigest()


@dataclass(frozen=True)
class SchemaCheck:
    """A check of the data package against its schemas, under way in a render process, of the data as it was then."""

    datapackage: Path
    fingerprint: str  # the data folder's data_fingerprint when the check started
    answer: Future[Any] = field(repr=False)


def start(datapackage: Path, fingerprint: str | None = None) -> SchemaCheck:
    """Start checking the data package in a render process.

    `fingerprint`: the data folder's data_fingerprint, if the caller has it already.
    """
    fingerprint = fingerprint or data_fingerprint(datapackage.parent)
    return SchemaCheck(datapackage, fingerprint, workers.submit(workers.validate_data, str(datapackage)))


def check(datapackage: Path, started: SchemaCheck | None = None, *, fingerprint: str | None = None) -> None:
    """Wait for the check of the data package as it is now and raise its first problem.

    `started`: a check started earlier, awaited if the data is unchanged since; otherwise (or if it was cancelled with
    its render processes, after a failed build) a check starts now. `fingerprint`: as for start().
    """
    fingerprint = fingerprint or data_fingerprint(datapackage.parent)
    if started is None or (started.datapackage, started.fingerprint) != (datapackage, fingerprint) or started.answer.cancelled():
        if started is not None:
            started.answer.cancel()  # the data changed since: that answer is no use
        started = start(datapackage, fingerprint)
    try:
        problem = workers.collect(started.answer, "the data could not be checked against its schemas", str(datapackage))
    except ChartError as error:  # the check itself failed (its render process died): not a mistake in the data
        raise BuildError(error.message, datapackage, hint="the data may well be fine: build again") from None
    if problem is not None:
        message, path, line, column, hint = problem
        raise DataError(message, Path(path) if path is not None else None, line, column, hint)
