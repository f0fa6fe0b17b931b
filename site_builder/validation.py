"""Checking the data package against its schemas (Frictionless) in a render process.

Validating the tables and loading Frictionless take about a third of a second, on the build's own critical path
if done there. The command line starts the check in a render process before the builder's imports load, and
the build collects its answer once it needs it. This module imports nothing heavy.
"""

from __future__ import annotations

import hashlib
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from . import workers
from .errors import BuildError, ChartError, DataError

_started: dict[tuple[Path, str], Future[Any]] = {}  # checks under way, by data package and the data's fingerprint


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


def start(datapackage: Path) -> None:
    """Start checking the data package in a render process, unless a check of the same data is under way."""
    _check(datapackage, data_fingerprint(datapackage.parent))


def check(datapackage: Path, fingerprint: str | None = None) -> None:
    """Wait for the check of the data package as it is now (started now if it was not) and raise its first problem.

    `fingerprint`: the data folder's data_fingerprint, if the caller has it already.
    """
    future = _started.pop(_check(datapackage, fingerprint or data_fingerprint(datapackage.parent)))
    try:
        problem = workers.collect(future, "the data could not be checked against its schemas", str(datapackage))
    except ChartError as error:  # the check itself failed (its render process died): not a mistake in the data
        raise BuildError(error.message, datapackage, hint="the data may well be fine: build again") from None
    if problem is not None:
        message, path, line, column, hint = problem
        raise DataError(message, Path(path) if path is not None else None, line, column, hint)


def _check(datapackage: Path, fingerprint: str) -> tuple[Path, str]:
    """Return the key of the check of the data with this fingerprint, started unless it is under way."""
    key = (datapackage, fingerprint)
    for stale in [k for k in _started if k[0] == datapackage and k != key]:  # the data changed since: that answer is no use
        _started.pop(stale).cancel()
    if key not in _started or _started[key].cancelled():  # cancelled with its render processes, after a failed build
        _started[key] = workers.submit(workers.validate_data, str(datapackage))
    return key
