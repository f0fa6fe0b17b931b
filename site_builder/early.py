"""What a build waits for, started ahead: the render processes, the data's schema check and the Vega runtime's bundling.

The command line calls start_early before the builder's own imports load (most of a second), so the render processes
do this work meanwhile; a build that was handed no EarlyStart calls it itself. This module imports nothing heavy.
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import runtime, validation, workers
from .cache import ChartCache

if TYPE_CHECKING:
    from .config import Config


@dataclass(frozen=True)
class EarlyStart:
    """Work under way in the render processes, which the build collects once it needs it."""

    schema_check: validation.SchemaCheck | None = None  # None: not started (the data is reused, or has no package file)
    runtime: Future[Any] | None = None  # the Vega runtime's bundling; None: kept already, or not asked for


def start_early(config: Config, cache_dir: Path | None, *, data: bool = True, runtime_script: bool = True) -> EarlyStart:
    """Start the render processes if every chart will render, the schema check, and the runtime's bundling if it is not kept.

    `data`: the build will load the data (the preview's does not while the data is unchanged). `runtime_script`: the
    build needs the runtime (the preview's keeps it after its first build).
    """
    if data and ChartCache(cache_dir).is_empty():
        workers.start()  # every chart will render: each process starts vl-convert while the build loads
    check = validation.start(config.datapackage) if data and config.datapackage.is_file() else None
    bundling = runtime.start_bundle(cache_dir) if runtime_script else None
    return EarlyStart(check, bundling)
