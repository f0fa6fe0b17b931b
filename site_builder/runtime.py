"""The browser runtime: Vega alone, bundled from the installed vl-convert and cached by its version.

The specs are compiled to Vega at build, so the reader never needs the Vega-Lite compiler. This module
imports nothing heavy, so the command line can start the bundling (over a second of work) in a render
process before the builder's own imports load.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from . import workers

SNIPPET = "window.vega = vega;"
_started: dict[Path | None, Future[Any]] = {}  # bundles under way in this process, by cache path


def cache_path(cache_folder: Path | None) -> Path | None:
    """Return where the runtime is cached for the installed vl-convert, if there is a cache."""
    key = hashlib.sha256((SNIPPET + workers.library_versions()).encode()).hexdigest()
    return None if cache_folder is None else cache_folder / "runtime" / f"vega-{key[:16]}.js"


def start_bundle(cache_folder: Path | None) -> None:
    """Start bundling the runtime in a render process, unless it is cached or already under way."""
    path = cache_path(cache_folder)
    if (path is not None and path.is_file()) or path in _started:
        return
    _started[path] = workers.submit(workers.bundle_runtime, SNIPPET)


def vega_runtime(cache_folder: Path | None) -> bytes:
    """Return the runtime script: from the cache, or from the bundling started earlier (started now if not), then cached."""
    path = cache_path(cache_folder)
    if path is not None and path.is_file():
        return path.read_bytes()
    start_bundle(cache_folder)
    script = str(workers.collect(_started.pop(path), "the Vega runtime could not be bundled", "site_builder/runtime.py")).encode("utf-8")
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent)
        with os.fdopen(handle, "wb") as stream:
            stream.write(script)
        os.replace(temporary, path)
    return script
