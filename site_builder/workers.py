"""Render with vl-convert in worker processes, one per core, fed over pipes.

This module imports vl-convert and pyvips only where it draws (the build's own process never loads them), so a
worker (forked from a single-threaded caller, or else `python -m site_builder.workers`) starts in a fraction of a
second; its first render then pays vl-convert's start-up, which `start` lets a build overlap with its own work. A worker's own output (vl-convert logs Vega-Lite's warnings) goes to a file, shown only if
the worker dies; tests/test_charts.py checks that Vega-Lite drops nothing from any spec.
SITE_BUILDER_RENDER_IN=threads renders in threads of the build's own process instead, with vl-convert's own
workers (the benchmark compares the two).
"""

from __future__ import annotations

import collections
import contextlib
import json
import logging
import os
import pickle
import queue
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import BrokenExecutor, Executor, Future, ThreadPoolExecutor
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
        elif os.environ.get(POOL) == "stdlib":
            from .stdlib_pool import StandardRenderProcesses

            _pool = StandardRenderProcesses(worker_count(), warm=warm)
        else:
            _pool = RenderProcesses(worker_count(), warm=warm)
    return _pool


POOL = "SITE_BUILDER_POOL"  # "own" (the default) or "stdlib": the benchmark compares the two


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


AHEAD = 4  # tasks a render process holds at once: it never waits for the build's process to hand it the next


class RenderProcesses(Executor):
    """Processes running `python -m site_builder.workers`, fed over pipes.

    Unlike multiprocessing's spawn, a worker never imports the caller's __main__, so calling build() from a
    script without an `if __name__ == "__main__"` guard is safe; and a worker exits when its parent does,
    because its input closes.

    Each process has a thread that sends it tasks, up to AHEAD at a time, and one that reads its answers, and
    its pipes hold several answers: while the build's own thread is busy (it holds Python's lock for
    milliseconds at a time), a process goes on to its next task instead of waiting to be handed it.
    """

    def __init__(self, count: int, *, warm: bool = False) -> None:
        self._tasks: queue.SimpleQueue[tuple[Future[Any], str, tuple[Any, ...]] | None] = queue.SimpleQueue()
        package_parent = str(Path(__file__).resolve().parent.parent)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package_parent, os.environ.get("PYTHONPATH")]))}
        env["VIPS_CONCURRENCY"] = "1"  # one process per core already: libvips's own threads would only contend
        if warm:  # every process, not whichever takes a warm-up task first from the queue
            env[WARM_UP] = "1"
        # vl-convert logs Vega-Lite's warnings and its bundler's progress: a worker's own output goes to a file,
        # shown only if the worker dies.
        self._logs = [tempfile.TemporaryFile() for _ in range(count)]  # noqa: SIM115 (open while the processes run)
        # Forked while this process has no other thread (a command line's build): a copy of this interpreter
        # starts at once, without importing anything again; otherwise (a preview server, a test) a fresh one.
        fork = _can_fork()
        self._processes: list[_Process] = [
            _ForkedProcess(log, {"VIPS_CONCURRENCY": "1"}, warm)
            if fork
            else subprocess.Popen([sys.executable, "-m", __name__], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, env=env)
            for log in self._logs
        ]
        self._senders = []
        self._receivers = []
        self._channels: list[_Channel] = []
        for process, log in zip(self._processes, self._logs, strict=True):
            assert process.stdin is not None and process.stdout is not None
            for pipe in (process.stdin, process.stdout):
                _widen(pipe)
            channel = _Channel(process, log)
            self._channels.append(channel)
            self._senders.append(threading.Thread(target=self._send_tasks, args=(channel,), daemon=True))
            self._receivers.append(threading.Thread(target=self._receive_answers, args=(channel,), daemon=True))
        for thread in self._senders + self._receivers:
            thread.start()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        """Queue fn(*args) for the next free process; fn must be one of this module's render functions."""
        if fn.__name__ not in TASKS or kwargs:
            raise ValueError(f"render processes run {', '.join(TASKS)} with positional arguments only")
        future: Future[Any] = Future()
        self._tasks.put((future, fn.__name__, args))
        broken = [channel.broken for channel in self._channels]
        if all(broken):  # every process has died: no one would ever take the task (nor any queued after the last died)
            self._fail_queued(broken[0] or BrokenRenderProcess())
        return future

    def _send_tasks(self, channel: _Channel) -> None:
        stdin = channel.process.stdin
        assert stdin is not None
        while True:
            channel.slots.acquire()  # room in the process (released as each answer arrives) before taking a task
            if (task := self._tasks.get()) is None:
                return
            future, name, args = task
            if not future.set_running_or_notify_cancel():  # cancelled while it waited
                channel.slots.release()
                continue
            if channel.broken is not None:
                future.set_exception(channel.broken)
                return
            channel.in_flight.append(future)
            try:
                _send(stdin, (name, args))
            except OSError:
                return  # the process died: the receiving thread fails what it holds

    def _receive_answers(self, channel: _Channel) -> None:
        stdout = channel.process.stdout
        assert stdout is not None
        while True:
            try:
                succeeded, value = _receive(stdout)
            except (OSError, EOFError, pickle.UnpicklingError):
                channel.broken = BrokenRenderProcess(_last_line(channel.log))
                while channel.in_flight:
                    channel.in_flight.popleft().set_exception(channel.broken)
                self._fail_queued(channel.broken)  # no build goes on without its charts: nothing waits for a process that may never come
                channel.slots.release()  # the sending thread may be waiting for room: it finds the process broken
                return
            future = channel.in_flight.popleft()
            channel.slots.release()
            if succeeded:
                future.set_result(value)
            else:
                future.set_exception(value)

    def _fail_queued(self, error: BaseException) -> None:
        stops = 0
        with contextlib.suppress(queue.Empty):
            while True:
                if (task := self._tasks.get_nowait()) is None:
                    stops += 1
                elif task[0].set_running_or_notify_cancel():
                    task[0].set_exception(error)
        for _ in range(stops):
            self._tasks.put(None)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop the processes once the queued work is done (or cancelled)."""
        if cancel_futures:
            with contextlib.suppress(queue.Empty):
                while (task := self._tasks.get_nowait()) is not None:
                    task[0].cancel()
        for _ in self._senders:
            self._tasks.put(None)
        if wait:
            for thread in self._senders:
                thread.join()
        for process in self._processes:
            if process.stdin is not None:
                with contextlib.suppress(OSError):
                    process.stdin.close()
            if wait:
                process.wait()
        if wait:
            for thread in self._receivers:
                thread.join()
            for log in self._logs:
                log.close()


class BrokenRenderProcess(BrokenExecutor):
    """A render process died: what it held, and what was queued, fails with this (its last words, if any).

    concurrent.futures.process.BrokenProcessPool would say the same, but importing it loads multiprocessing
    into the build's process and every render process, for one exception class.
    """


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


START = "SITE_BUILDER_START"  # "spawn" starts every render process as a fresh interpreter (tests compare the two ways)


class _ForkedProcess:
    """A render process forked from this one before it started any thread: what subprocess.Popen offers of one."""

    def __init__(self, log: IO[bytes], environment: dict[str, str], warm: bool) -> None:
        requests, to_worker = os.pipe()
        from_worker, replies = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the render process: it must leave through os._exit, never back into the caller's code
            code = 1
            try:
                os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
                os.dup2(log.fileno(), 1)  # what a library prints goes to the log, as a spawned worker's does
                os.dup2(log.fileno(), 2)
                keep = sorted({requests, replies})
                # Another render process's pipe ends must close here, or that process would never see its input end.
                os.closerange(3, keep[0])
                os.closerange(keep[0] + 1, keep[1])
                os.closerange(keep[1] + 1, 1 << 16)
                os.environ.update(environment)
                if warm:
                    warm_up()
                serve(os.fdopen(requests, "rb"), os.fdopen(replies, "wb"))
                code = 0
            except BaseException:  # noqa: BLE001 (whatever stops it, the log says why and the parent sees it die)
                import traceback

                traceback.print_exc()
            finally:
                with contextlib.suppress(BaseException):
                    sys.stderr.flush()
                os._exit(code)
        os.close(requests)
        os.close(replies)
        self.stdin: IO[bytes] | None = os.fdopen(to_worker, "wb")
        self.stdout: IO[bytes] | None = os.fdopen(from_worker, "rb")

    def send_signal(self, signal_number: int) -> None:
        """Send the process a signal."""
        os.kill(self.pid, signal_number)

    def wait(self) -> int:
        """Wait for the process to end and return its exit status."""
        return os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])


_Process = subprocess.Popen[bytes] | _ForkedProcess


class _Channel:
    """One render process as its two threads see it: the tasks sent and not yet answered, oldest first."""

    def __init__(self, process: _Process, log: IO[bytes]) -> None:
        self.process = process
        self.log = log
        self.in_flight: collections.deque[Future[Any]] = collections.deque()
        self.slots = threading.Semaphore(AHEAD)
        self.broken: BrokenRenderProcess | None = None


def _widen(pipe: IO[bytes]) -> None:
    """Let a pipe hold a megabyte (Linux; elsewhere it keeps its size): a process can answer several tasks unread."""
    with contextlib.suppress(ImportError, AttributeError, OSError):
        import fcntl

        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, 1 << 20)  # type: ignore[attr-defined]


def _last_line(log: IO[bytes]) -> str:
    """Return the last line a dead worker wrote (its error), or an empty string."""
    with contextlib.suppress(OSError):
        log.seek(0, os.SEEK_END)
        log.seek(max(0, log.tell() - 4096))
        lines = log.read().decode("utf-8", "replace").strip().splitlines()
        return lines[-1] if lines else ""
    return ""


def _send(stream: IO[bytes], message: object) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(len(data).to_bytes(8, "big") + data)
    stream.flush()


def _receive(stream: IO[bytes]) -> Any:
    header = stream.read(8)
    if len(header) < 8:
        raise EOFError("the render process closed its output")
    data = stream.read(int.from_bytes(header, "big"))
    return pickle.loads(data)


def serve(requests: IO[bytes], replies: IO[bytes]) -> None:
    """Answer render requests until the parent closes the pipe (the worker's main loop)."""
    while True:
        try:
            name, args = _receive(requests)
        except EOFError:
            return
        try:
            reply: tuple[bool, Any] = (True, TASKS[name](*args))
        except Exception as error:  # send the message back; the parent says which chart it was
            reply = (False, RuntimeError(f"{type(error).__name__}: {error}" if not str(error) else str(error)))
        try:
            _send(replies, reply)
        except OSError:  # the build that asked has ended (it failed, or was stopped): there is no one to answer
            return


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


WARM_UP = "SITE_BUILDER_WARM_UP"  # set for a render process that should start vl-convert before its first task


if __name__ == "__main__":
    # Replies go out on a copy of stdout; anything a library prints goes to stderr instead of into the pipe.
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    if os.environ.get(WARM_UP) == "1":
        warm_up()
    serve(sys.stdin.buffer, replies)
