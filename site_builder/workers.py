"""Render with vl-convert in worker processes: its renders hold one lock, so threads cannot run them side by side.

This module imports nothing but vl-convert, so a worker starts in milliseconds; the first render in each
process then pays vl-convert's start-up (about a second), which `start` lets a build overlap with its own work.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

import vl_convert as vlc

_WARM_UP_SPEC = {"mark": "point", "data": {"values": [{"a": 1}]}, "encoding": {"x": {"field": "a", "type": "quantitative"}}}
_pool: ProcessPoolExecutor | None = None
_started = False


def worker_count() -> int:
    """Return how many render processes to run: one per core, at most four."""
    return max(1, min(4, os.cpu_count() or 1))


def pool() -> ProcessPoolExecutor:
    """Return the render processes, starting them on first use; one set serves every build of this process."""
    global _pool
    if _pool is None:
        # spawn, not fork: the parent may hold threads (the preview server) and vl-convert's own runtime.
        _pool = ProcessPoolExecutor(worker_count(), mp_context=multiprocessing.get_context("spawn"), initializer=_follow_parent, initargs=(os.getpid(),))
    return _pool


def _follow_parent(parent: int) -> None:
    """Exit this render process when the build that started it is gone (killed, say), instead of lingering."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def start() -> None:
    """Start every render process now and warm it up, so a build can do its own work meanwhile (once per pool)."""
    global _started
    if _started and _pool is not None:
        return
    workers = pool()
    for _ in range(worker_count()):
        workers.submit(warm_up)
    _started = True


def submit(function: Any, *args: Any) -> Future[Any]:
    """Run function(*args) in a render process."""
    return pool().submit(function, *args)


def discard() -> None:
    """Forget a pool whose process died, so the next build starts a fresh one."""
    global _pool, _started
    if _pool is not None:
        _pool.shutdown(wait=False, cancel_futures=True)
    _pool, _started = None, False


def warm_up() -> None:
    """Pay vl-convert's start-up cost in this process."""
    vlc.vega_to_svg(vlc.vegalite_to_vega(_WARM_UP_SPEC))


def render_spec(spec: dict[str, Any], png_scale: float) -> tuple[str, bytes, dict[str, Any], str]:
    """Return a Vega-Lite spec's titled SVG, its PNG, its compiled Vega, and its SVG without the title."""
    vega = vlc.vegalite_to_vega(spec)
    svg = vlc.vega_to_svg(vega)
    # Rasterising the SVG gives the same bytes as vega_to_png without running Vega a second time.
    png = vlc.svg_to_png(svg, scale=png_scale)
    # The page prints the title and subtitle as HTML above the chart, so its inline SVG has none.
    bare = vlc.vega_to_svg({key: value for key, value in vega.items() if key != "title"})
    return svg, png, vega, bare


def render_png(spec: dict[str, Any], scale: float) -> bytes:
    """Return a Vega-Lite spec drawn as a PNG."""
    return bytes(vlc.vegalite_to_png(spec, scale=scale))
