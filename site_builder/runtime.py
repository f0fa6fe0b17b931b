"""The browser runtime: Vega alone, bundled from the installed vl-convert and kept by its version.

The specs are compiled to Vega at build, so the reader never needs the Vega-Lite compiler. The bundle is the
same bytes for every site built with one vl-convert, so it belongs to the installation: `site-builder runtime`
(run by `make site`'s set-up) keeps it in the environment, and a build finds it there. Where it is missing, a
build bundles it (over half a second of work) in a render process and keeps it in its render cache.

This module imports nothing heavy, so the command line can start the bundling before the builder's own imports load
(early.py).
"""

from __future__ import annotations

import hashlib
import os
import sys
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from . import drawing, workers
from .cache import ChartCache

SNIPPET = "window.vega = vega;"


def _key() -> str:
    return hashlib.sha256((SNIPPET + drawing.library_versions()).encode()).hexdigest()


RUNTIME_DIR = "SITE_BUILDER_RUNTIME_DIR"  # where the installation keeps its runtime, if not in the environment's share/site-builder


def installed_folder() -> Path:
    """Return the folder where this installation keeps its runtime."""
    return Path(os.environ.get(RUNTIME_DIR) or Path(sys.prefix) / "share" / "site-builder")


def _kept(cache_folder: Path | None) -> bytes | None:
    """Return the runtime kept by the installation or in the render cache, or None."""
    return ChartCache(installed_folder()).get_script(_key()) or ChartCache(cache_folder).get_script(_key())


def start_bundle(cache_folder: Path | None) -> Future[Any] | None:
    """Start bundling the runtime in a render process, unless it is kept already; return the bundling, if started."""
    if _kept(cache_folder) is not None:
        return None
    return workers.submit(workers.bundle_runtime, SNIPPET)


def vega_runtime(cache_folder: Path | None, bundling: Future[Any] | None = None) -> bytes:
    """Return the runtime script: kept already, or from `bundling` (started now if None), then cached."""
    kept = _kept(cache_folder)
    if kept is not None:
        return kept
    if bundling is None or bundling.cancelled():  # (a bundling cancelled with its render processes, after a failed build)
        bundling = workers.submit(workers.bundle_runtime, SNIPPET)
    return _finish(bundling, ChartCache(cache_folder))


def install() -> tuple[Path, bool]:
    """Bundle the runtime into the installation's folder unless it is there already; return the folder and whether it bundled."""
    folder = installed_folder()
    kept = ChartCache(folder)
    if kept.get_script(_key()) is not None:
        return folder, False
    folder.mkdir(parents=True, exist_ok=True)
    _finish(workers.submit(workers.bundle_runtime, SNIPPET), kept)
    return folder, True


def _finish(bundling: Future[Any], cache: ChartCache) -> bytes:
    """Wait for a bundling, keep the script in `cache`, and return it."""
    script = str(workers.collect(bundling, "the Vega runtime could not be bundled", "site_builder/runtime.py")).encode("utf-8")
    cache.put_script(_key(), script)
    return script
