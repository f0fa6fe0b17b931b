"""The browser runtime: Vega alone, bundled from the installed vl-convert and cached by its version.

The specs are compiled to Vega at build, so the reader never needs the Vega-Lite compiler. This module
imports nothing heavy, so the command line can start the bundling (over a second of work) in a render
process before the builder's own imports load.
"""

from __future__ import annotations

import hashlib
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from . import workers
from .cache import ChartCache

SNIPPET = "window.vega = vega;"
_started: dict[Path | None, Future[Any]] = {}  # bundles under way in this process, by cache folder


def _key() -> str:
    return hashlib.sha256((SNIPPET + workers.library_versions()).encode()).hexdigest()


def start_bundle(cache_folder: Path | None) -> None:
    """Start bundling the runtime in a render process, unless it is cached or already under way."""
    if cache_folder in _started or ChartCache(cache_folder).get_script(_key()) is not None:
        return
    _started[cache_folder] = workers.submit(workers.bundle_runtime, SNIPPET)


def vega_runtime(cache_folder: Path | None) -> bytes:
    """Return the runtime script: from the cache, or from the bundling started earlier (started now if not), then cached."""
    cache = ChartCache(cache_folder)
    cached = cache.get_script(_key())
    if cached is not None:
        return cached
    start_bundle(cache_folder)
    script = str(workers.collect(_started.pop(cache_folder), "the Vega runtime could not be bundled", "site_builder/runtime.py")).encode("utf-8")
    cache.put_script(_key(), script)
    return script
