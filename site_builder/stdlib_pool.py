"""The standard library's process pool as the render processes (the benchmark's A/B against RenderProcesses)."""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import BrokenExecutor, Future, ProcessPoolExecutor
from typing import Any

from .workers import TASKS, BrokenRenderProcess, _can_fork, _last_line, warm_up


class StandardRenderProcesses(ProcessPoolExecutor):
    """The standard library's process pool, forked like RenderProcesses where it may be, else from a fork server."""

    def __init__(self, count: int, *, warm: bool = False) -> None:
        import multiprocessing

        self._log = tempfile.NamedTemporaryFile(prefix="site-builder-render-", suffix=".log")  # noqa: SIM115
        context = multiprocessing.get_context("fork" if _can_fork() else "forkserver")
        if context.get_start_method() == "forkserver":
            context.set_forkserver_preload(["site_builder.workers"])  # not the caller's __main__
        super().__init__(count, mp_context=context, initializer=_start_render_process, initargs=(self._log.name, warm))
        for _ in range(count):  # start every process now (a fork server starts one per task queued)
            super().submit(os.getpid)

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        """Queue fn(*args) for the next free process; fn must be one of this module's render functions."""
        if fn.__name__ not in TASKS or kwargs:
            raise ValueError(f"render processes run {', '.join(TASKS)} with positional arguments only")
        try:
            return super().submit(_run_task, fn.__name__, args)
        except BrokenExecutor:
            future: Future[Any] = Future()
            future.set_exception(BrokenRenderProcess(_last_line(self._log)))
            return future


def _start_render_process(log: str, warm: bool) -> None:
    """Send a render process's own output to the log and warm it up (the pool's initializer)."""
    written = os.open(log, os.O_WRONLY | os.O_APPEND)
    os.dup2(written, 1)
    os.dup2(written, 2)
    os.close(written)
    os.environ["VIPS_CONCURRENCY"] = "1"
    # A build's command line leaves through os._exit, without shutting the pool down: each process leaves when
    # its parent does, as a RenderProcesses one does when its input closes.
    threading.Thread(target=_leave_with_parent, daemon=True).start()
    if warm:
        warm_up()


def _leave_with_parent() -> None:
    import multiprocessing.connection

    parent = multiprocessing.parent_process()
    if parent is not None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(0)


def _run_task(name: str, args: tuple[Any, ...]) -> Any:
    try:
        return TASKS[name](*args)
    except Exception as error:
        raise RuntimeError(f"{type(error).__name__}: {error}" if not str(error) else str(error)) from None
