"""Render with vl-convert in worker processes, one per core: the standard library's process pool.

This module imports vl-convert and pyvips only where it draws (the build's own process never loads them), so a
worker (forked from a single-threaded caller, or else from a fork server that has imported only this module)
starts in a fraction of a second; its first render then pays vl-convert's start-up, which `start` lets a build
overlap with its own work. A worker's own output (vl-convert logs Vega-Lite's warnings) goes to a file, shown only
if a worker dies; tests/test_charts.py checks that Vega-Lite drops nothing from any spec.
SITE_BUILDER_RENDER_IN=threads renders in threads of the build's own process instead, with vl-convert's own
workers (the benchmark compares the two).
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import multiprocessing
import multiprocessing.connection
import os
import sys
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import BrokenExecutor, Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import IO, Any

from .drawing import draw_svg, rasterise
from .errors import ChartError
from .titles import untitled, with_title

_WARM_UP_SPEC = {"mark": "point", "data": {"values": [{"a": 1}]}, "encoding": {"x": {"field": "a", "type": "quantitative"}}}
RENDER_IN = "SITE_BUILDER_RENDER_IN"  # "processes" (the default) or "threads"
_pool: Executor | None = None
_started = False


def worker_count() -> int:
    """Return how many render processes to run: one per core, at most four."""
    return max(1, min(4, os.cpu_count() or 1))


def pool(*, warm: bool = False) -> Executor:
    """Return the render processes, starting them on first use; one set serves every build of this process.

    `warm`: if this call starts them, each process starts vl-convert before it takes its first task.
    """
    global _pool
    if _pool is None:
        if os.environ.get(RENDER_IN) == "threads":
            import vl_convert as vlc

            vlc.configure(num_workers=worker_count())  # vl-convert's own workers, so that renders from two threads can overlap
            logging.getLogger("vl_convert").setLevel(logging.ERROR)  # as in a render process, its warnings stay out of the build's output
            _pool = ThreadPoolExecutor(worker_count())
            if warm:
                for _ in range(worker_count()):
                    _pool.submit(warm_up)
        else:
            _pool = RenderProcesses(worker_count(), warm=warm)
    return _pool


def start() -> None:
    """Start every render process now and warm it up, so a build can do its own work meanwhile (once per pool)."""
    global _started
    if _started and _pool is not None:
        return
    if _pool is None:
        pool(warm=True)
    else:  # already started, for other work: warm up through the queue
        for _ in range(worker_count()):
            _pool.submit(warm_up)
    _started = True


def submit(function: Callable[..., Any], *args: Any) -> Future[Any]:
    """Run function(*args) in a render process."""
    return pool().submit(function, *args)


def discard() -> None:
    """Forget a pool whose process died, so the next build starts a fresh one."""
    global _pool, _started
    if _pool is not None:
        _pool.shutdown(wait=False, cancel_futures=True)
    _pool, _started = None, False


def collect(future: Future[Any], failure: str, path: str) -> Any:
    """Return a render process's result, or raise a ChartError that starts with `failure` and names `path`."""
    try:
        return future.result()
    except BrokenExecutor as error:
        discard()
        said = f" ({error})" if str(error) else ""
        raise ChartError(f"{failure}: a render process stopped{said}", path) from None
    except Exception as error:  # vl-convert reports spec mistakes as plain exceptions
        said = (str(error).splitlines() or [type(error).__name__])[0]  # a cancelled task's error has no words
        raise ChartError(f"{failure}: {said}", path) from error


class RenderProcesses(ProcessPoolExecutor):
    """concurrent.futures' process pool running this module's render functions, each process warmed up if asked.

    It replaced a hand-written pool (its own fork, pipes, a sending and a receiving thread per process, four tasks held
    ahead by each) after an A/B in one `make bench` (commit 4547603; README, Benchmark): 10 cold builds each, alternated,
    on a loaded 2-core machine, wall medians 7.49 s (own) and 8.96 s (this) within ranges of 4.3-11.6 and 7.0-12.4 s,
    this one faster in 3 of 10 pairs; CPU 2.90 against 2.82 s in the build's process, 4.57 against 4.77 s in the render
    processes. As fast within the machine's noise, and some 250 lines fewer to trust. On a quiet machine later (`make bench
    AB=1863a75,f3edc37`, 7 alternated cold builds each) the old pool's tree took 3.855 s and this one's 3.831 s.
    """

    def __init__(self, count: int, *, warm: bool = False) -> None:
        # vl-convert logs Vega-Lite's warnings and its bundler's progress: the processes' own output goes to a file,
        # whose last line a dead process's tasks report.
        self._log = tempfile.NamedTemporaryFile(prefix="site-builder-render-", suffix=".log")  # noqa: SIM115 (open while the processes run)
        # Forked while this process has no other thread (a command line's build): a copy of this interpreter starts
        # at once, without importing anything again; otherwise (a preview server, a test) from a fork server, whose
        # processes, as spawned ones do, import the caller's __main__: a script that builds needs the __main__ guard.
        self.start_method = "fork" if _can_fork() else "forkserver"
        context = multiprocessing.get_context(self.start_method)
        if self.start_method == "forkserver":
            context.set_forkserver_preload([__name__])
        super().__init__(count, mp_context=context, initializer=_start_render_process, initargs=(self._log.name, warm))
        for _ in range(count):  # start every process now (a fork server starts one for each task queued)
            super().submit(os.getpid)

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        """Queue fn(*args) for the next free process; fn must be one of this module's render functions.

        If a process dies, the pool fails what it holds and everything queued with BrokenRenderProcess."""
        if fn.__name__ not in TASKS or kwargs:
            raise ValueError(f"render processes run {', '.join(TASKS)} with positional arguments only")
        answer: Future[Any] = Future()
        try:
            task = super().submit(_run_task, fn.__name__, args)
        except BrokenExecutor:  # every process has died: no one would ever take the task
            answer.set_exception(BrokenRenderProcess(_last_line(self._log)))
            return answer
        task.add_done_callback(functools.partial(_relay, answer, self._log))
        return answer

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop the processes once the queued work is done (or cancelled)."""
        super().shutdown(wait, cancel_futures=cancel_futures)
        if wait:
            self._log.close()


class BrokenRenderProcess(BrokenProcessPool):
    """A render process died: what it held, and what was queued, fails with this (the processes' last words, if any)."""


def _relay(answer: Future[Any], log: IO[bytes], task: Future[Any]) -> None:
    """Settle the future a caller holds as the pool settled its task, a broken pool as BrokenRenderProcess."""
    if task.cancelled():
        answer.cancel()
    elif isinstance(error := task.exception(), BrokenExecutor):
        answer.set_exception(BrokenRenderProcess(_last_line(log)))
    elif error is not None:
        answer.set_exception(error)
    else:
        answer.set_result(task.result())


def _can_fork() -> bool:
    """Whether a render process may be forked from this one: on Linux, while this process runs no other thread, not
    even a library's own (vl-convert's runtime, say, which a forked copy could not use), and has not loaded the
    drawing libraries. A command line's build starts its render processes first thing, so it forks them."""
    if sys.platform != "linux" or os.environ.get(START) == "spawn" or any(name in sys.modules for name in ("vl_convert", "pyvips")):
        return False
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


START = "SITE_BUILDER_START"  # "spawn": every render process from a fresh interpreter's fork server (tests compare the two ways)


def _start_render_process(log: str, warm: bool) -> None:
    """Send a render process's own output to the log, tie its life to its parent's, and warm it up if asked."""
    written = os.open(log, os.O_WRONLY | os.O_APPEND)
    os.dup2(written, 1)
    os.dup2(written, 2)
    os.close(written)
    os.environ["VIPS_CONCURRENCY"] = "1"  # one process per core already: libvips's own threads would only contend
    # The command line leaves through os._exit, never shutting the pool down: a process leaves when its parent does.
    threading.Thread(target=_leave_with_parent, daemon=True).start()
    if warm:
        warm_up()


def _leave_with_parent() -> None:
    parent = multiprocessing.parent_process()
    if parent is not None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(0)


def _run_task(name: str, args: tuple[Any, ...]) -> Any:
    """Run a render function; its error comes back as its message (the caller says which chart it was)."""
    try:
        return TASKS[name](*args)
    except Exception as error:
        raise RuntimeError(f"{type(error).__name__}: {error}" if not str(error) else str(error)) from None


def _last_line(log: IO[bytes]) -> str:
    """Return the last line the render processes wrote (a dead one's error), or an empty string."""
    with contextlib.suppress(OSError):
        log.seek(0, os.SEEK_END)
        log.seek(max(0, log.tell() - 4096))
        lines = log.read().decode("utf-8", "replace").strip().splitlines()
        return lines[-1] if lines else ""
    return ""


def warm_up() -> None:
    """Pay vl-convert's start-up cost in this process."""
    import vl_convert as vlc

    vlc.vega_to_svg(vlc.vegalite_to_vega(_WARM_UP_SPEC))


def render_spec(spec: dict[str, Any], png_scale: float) -> tuple[str, bytes, str, str]:
    """Return a Vega-Lite spec's titled SVG, its PNG, its compiled Vega (JSON, sorted keys), and its SVG without the title."""
    import vl_convert as vlc

    vega = vlc.vegalite_to_vega(spec)
    # The page prints the title and subtitle as HTML above the chart, so its inline SVG has none; the downloads
    # (SVG and PNG) carry them, set above that same drawing as Vega would set them (one Vega drawing, not two).
    bare = draw_svg(untitled(vega))
    svg = with_title(bare, vega) or draw_svg(vega)
    png = rasterise(svg, png_scale)
    return svg, png, json.dumps(vega, sort_keys=True), bare


def render_drawing(spec: dict[str, Any]) -> tuple[str, str]:
    """Return a second drawing of a chart (already untitled): its SVG and its compiled Vega (JSON, sorted keys)."""
    import vl_convert as vlc

    vega = vlc.vegalite_to_vega(spec)
    return draw_svg(vega), json.dumps(vega, sort_keys=True)


def bundle_runtime(snippet: str) -> str:
    """Return vl-convert's bundle of the Vega runtime for `snippet` (it holds the GIL, so it runs here, beside the build)."""
    import vl_convert as vlc

    return str(vlc.javascript_bundle(snippet))


def validate_data(datapackage: str) -> tuple[str, str | None, int | None, str | None, str | None] | None:
    """Check a data package against its schemas (Frictionless) and return its first problem, or None."""
    from .package import validation_problem

    return validation_problem(Path(datapackage))


TASKS: dict[str, Callable[..., Any]] = {
    "validate_data": validate_data,
    "bundle_runtime": bundle_runtime,
    "warm_up": warm_up,
    "render_spec": render_spec,
    "rasterise": rasterise,
    "render_drawing": render_drawing,
}
