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
import functools
import json
import logging
import os
import pickle
import queue
import re
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import BrokenExecutor, Executor, Future, ThreadPoolExecutor
from html import escape
from pathlib import Path
from typing import IO, Any

from .errors import ChartError

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


DRAWING_VERSION = 4  # part of every cache key: raise it when draw_svg or rasterise changes what they return

# Vega numbers the clip paths and gradients it defines with counters that live as long as vl-convert does, so
# the same chart drawn after others would get other ids: each drawing's are numbered afresh from 1.
_COUNTED_ID = re.compile(r'id="(clip|gradient_|pattern_)(\d+)"')


def draw_svg(vega: dict[str, Any]) -> str:
    """Return a compiled Vega spec drawn as SVG, the same bytes whatever this process drew before."""
    import vl_convert as vlc

    svg = str(vlc.vega_to_svg(vega))
    renumbered: dict[str, str] = {}
    counts: dict[str, int] = {}
    for match in _COUNTED_ID.finditer(svg):
        prefix, old = match.group(1), match.group(0)[4:-1]
        if old not in renumbered:
            counts[prefix] = counts.get(prefix, 0) + 1
            renumbered[old] = f"{prefix}{counts[prefix]}"
    if not renumbered:
        return svg
    # Every reference is id="…" or url(#…), and an id is followed by a quote or a bracket, never by a digit.
    pattern = re.compile(r'(id="|url\(#)(' + "|".join(sorted(map(re.escape, renumbered), key=len, reverse=True)) + r')(?=["\)])')
    return pattern.sub(lambda match: match.group(1) + renumbered[match.group(2)], svg)


def rasterise(svg: str, scale: float) -> bytes:
    """Return an SVG drawn as a PNG at `scale` times its size, on white, with librsvg (through libvips), and no metadata.

    librsvg finds fonts with fontconfig, which resolves the font list ("Arial, 'Liberation Sans', ...") as a
    browser does. It draws a chart three to seven times faster than vl-convert's resvg here, which spends
    about 2.5 ms on each text element.
    """
    import pyvips

    # On white: the charts are drawn without a background (pages show them on light or dark), but a PNG is
    # shared and embedded on backgrounds we don't choose, where dark text on transparency could vanish. The
    # white is drawn under the chart rather than flattened in afterwards (libvips flattens in floating point:
    # a third of the time here), and zlib's level 3 packs the PNG a few per cent larger than its default 6, faster.
    opening = _SVG_OPENING.search(svg)
    if opening is not None:
        svg = svg[: opening.end()] + _WHITE + svg[opening.end() :]
    image = pyvips.Image.svgload_buffer(svg.encode("utf-8"), scale=scale)
    return bytes(image.extract_band(0, n=3).write_to_buffer(".png", keep="none", compression=3))


_SVG_OPENING = re.compile(r"<svg\b[^>]*>")
_WHITE = '<rect width="100%" height="100%" fill="#fff"/>'


@functools.cache
def library_versions() -> str:
    """Return what identifies the drawings: vl-convert's version (it fixes Vega's), libvips's, and DRAWING_VERSION.

    Read from the installed packages' metadata, so the build's own process never loads either library; read once
    per process (parsing the metadata takes milliseconds, and every cache key asks for it).
    """
    import importlib.metadata  # here, not above: a render process never needs it (the build's process has it from Altair)

    version = importlib.metadata.version
    return f"vl-convert {version('vl-convert-python')} pyvips {version('pyvips')} libvips {version('pyvips-binary')} drawing {DRAWING_VERSION}"


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


# The title's style, which the theme takes from here (charts.theme), and where Vega sets a title in it: measured
# from Vega's own drawings and checked against them for every chart of the site (tests/test_renderer.py). Each line
# takes its font size + 2 px (Vega's line height); the title's top is a pixel below the padding, its first baseline
# _TITLE_BASELINE below that, the subtitle's first a title font size below the title's last; and the chart moves
# down by the title's lines, the subtitle's (one at least) and the offset + 1.
TITLE_THEME: dict[str, Any] = {"anchor": "start", "fontSize": 17, "fontWeight": 700, "subtitleFontSize": 13, "offset": 12}
_TITLE_BASELINE = 13  # measured for the 17 px title
_ROOT = re.compile(r'<g fill="none" stroke-miterlimit="4" transform="translate\(([-0-9.e]+),([-0-9.e]+)\)">')
_SIZE = re.compile(r'width="([0-9.]+)" height="([0-9.]+)" viewBox="0 0 ([0-9.]+) ([0-9.]+)"')


def with_title(bare: str, vega: dict[str, Any]) -> str | None:
    """Return the untitled drawing of `vega` with its title and subtitle set above it, or None for a title this does
    not know how to set (another size, anchor or offset): Vega draws that one itself."""
    title, config, padding = vega.get("title"), vega.get("config", {}), vega.get("padding")
    style, subtitle_style = config.get("style", {}).get("group-title", {}), config.get("title", {})
    theme = {
        "anchor": title.get("anchor") if isinstance(title, dict) else None,
        "offset": title.get("offset") if isinstance(title, dict) else None,
        "fontSize": style.get("fontSize"),
        "fontWeight": style.get("fontWeight"),
        "subtitleFontSize": subtitle_style.get("subtitleFontSize"),
    }
    if not (
        isinstance(title, dict)
        and set(title) <= {"text", "subtitle", "anchor", "offset"}
        and theme == TITLE_THEME
        and _lines(title.get("text")) is not None
        and _lines(title.get("subtitle", [])) is not None
        and isinstance(style.get("font"), str)
        and isinstance(subtitle_style.get("subtitleColor"), str)
        and isinstance(padding, dict)
        and all(isinstance(padding.get(side), int | float) for side in ("top", "left", "right"))
    ):
        return None
    size, root = _SIZE.search(bare), _ROOT.search(bare)
    if size is None or root is None:
        return None
    lines, sublines = _lines(title["text"]) or [], _lines(title.get("subtitle", [])) or []
    title_size, subtitle_size, weight = TITLE_THEME["fontSize"], TITLE_THEME["subtitleFontSize"], TITLE_THEME["fontWeight"]
    # A title wider than the chart would make Vega narrow the chart to fit it: then Vega draws it.
    room = float(size[1]) - padding["right"] - padding["left"] - _TITLE_MARGIN
    if (
        max((_width(line, _BOLD) * title_size for line in lines), default=0) > room
        or max((_width(line, _REGULAR) * subtitle_size for line in sublines), default=0) > room
    ):
        return None
    shift = TITLE_THEME["offset"] + 1 + (title_size + 2) * len(lines) + (subtitle_size + 2) * max(1, len(sublines))
    font = attribute(style["font"])
    subtitle_baseline = _TITLE_BASELINE + (title_size + 2) * (len(lines) - 1) + title_size
    title_group = (
        f'<g class="mark-group role-title" transform="translate(0,{_number(padding["top"] + 1)})">'
        f'<g class="mark-text role-title-text" role="graphics-symbol" aria-roledescription="title" aria-label="{attribute("Title text " + _quoted(lines))}">'
        f'<text text-anchor="start" transform="translate(0,{_TITLE_BASELINE})" font-family="{font}" font-size="{title_size}px" font-weight="{weight}" fill="#000" '
        f'opacity="1">{text_lines(lines, title_size + 2)}</text></g>'
        f'<g class="mark-text role-title-subtitle" role="graphics-symbol" aria-roledescription="subtitle" aria-label="{attribute("Subtitle text " + _quoted(sublines))}">'
        f'<text text-anchor="start" transform="translate(0,{subtitle_baseline})" font-family="{font}" font-size="{subtitle_size}px" '
        f'fill="{attribute(subtitle_style["subtitleColor"])}" opacity="1">{text_lines(sublines, subtitle_size + 2)}</text></g></g>'
    )
    width, height = size[1], _number(float(size[2]) + shift)
    opened = f'width="{width}" height="{height}" viewBox="0 0 {size[3]} {_number(float(size[4]) + shift)}"'
    moved = f'<g fill="none" stroke-miterlimit="4" transform="translate({root[1]},{_number(float(root[2]) + shift)})">'
    titled = bare[: size.start()] + opened + bare[size.end() : root.start()] + moved + bare[root.end() :]
    return titled[: -len("</svg>")] + title_group + "</svg>" if titled.endswith("</svg>") else None


def _widths(thousandths: str) -> list[int]:
    return [int(width) for width in thousandths.split()]


# Advance widths (thousandths of the font size) of the printable ASCII characters, space to tilde, in Helvetica and
# Helvetica Bold (the PDF core fonts' metrics), with which Arial and Liberation Sans share every width. Any other
# character counts as a full em: a width is never underestimated, so a title that fits here fits Vega's measure.
_REGULAR = _widths(
    "278 278 355 556 556 889 667 222 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 556 556 556 278 278 584 584 584 556 "
    "1015 667 667 722 722 667 611 778 722 278 500 667 556 833 722 778 667 778 722 667 611 722 667 944 667 667 611 278 278 278 469 556 "
    "333 556 556 500 556 556 278 556 556 222 222 500 222 833 556 556 556 556 333 500 278 556 500 722 500 500 500 334 260 334 584"
)
_BOLD = _widths(
    "278 333 474 556 556 889 722 278 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 556 556 556 333 333 584 584 584 611 "
    "975 722 722 722 722 667 611 778 722 278 556 722 611 833 722 778 667 778 722 667 611 722 667 944 667 667 611 333 278 333 584 556 "
    "333 556 611 556 611 556 333 611 611 278 278 556 278 889 611 611 611 611 389 556 333 611 556 778 556 556 500 389 280 389 584"
)
_TITLE_MARGIN = 8  # pixels kept free beside a title that fits: the chart's left edge can sit a pixel or so in


def _width(text: str, widths: list[int]) -> float:
    """Return the width of `text` in ems, at least as wide as it is drawn."""
    return sum(widths[ord(c) - 32] if 32 <= ord(c) < 127 else 1000 for c in text) / 1000


def _lines(value: Any) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(line, str) for line in value):
        return value
    return None


def attribute(text: str) -> str:
    """Return text escaped for a double-quoted SVG attribute, as Vega writes one."""
    return escape(text, quote=False).replace('"', "&quot;")


def _quoted(lines: list[str]) -> str:
    return "'" + " ".join(lines) + "'"


def text_lines(lines: str | list[str], line_height: int) -> str:
    """Return the content of an SVG text element as Vega writes it: one line as it is, more as tspans a line apart."""
    if isinstance(lines, str) or len(lines) <= 1:
        return escape(lines if isinstance(lines, str) else "".join(lines), quote=False)
    first, *rest = (escape(line, quote=False) for line in lines)
    return f"<tspan>{first}</tspan>" + "".join(f'<tspan x="0" dy="{line_height}">{line}</tspan>' for line in rest)


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def untitled(spec: dict[str, Any]) -> dict[str, Any]:
    """Return the spec (Vega-Lite, or the Vega compiled from it) without its title; the page shows the title as text."""
    return {key: value for key, value in spec.items() if key != "title"}


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
