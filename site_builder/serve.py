"""Preview the site: serve the last good build from memory, rebuild what a change affects, reload the open page."""

from __future__ import annotations

import contextlib
import hashlib
import html
import importlib
import json
import mimetypes
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import watchfiles

from . import build as build_module
from .config import CONFIG_FILE, Config, load_config
from .errors import BuildError, ChartError
from .story import Story, load_story, story_module, story_modules
from .writer import MemoryWriter, SiteFiles

LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")
EVENTS_PATH = "/__site-builder/events"
OVERLAY_ID = "site-builder-error"
PREVIEW_ATTRIBUTE = "data-site-builder-preview"  # marks the injected script, which a page update keeps running
KEEPALIVE_SECONDS = 10.0

Log = Callable[[str], None]
Describe = Callable[[BuildError], str]


@dataclass(frozen=True)
class Status:
    """What an open page learns from the server: the id of the site it shows, and the current error if any."""

    build: int
    error: str | None = None
    assets: str = ""  # hash of the stylesheets and scripts: when it changes, the page reloads whole

    def to_json(self) -> str:
        """Return the status as the events stream sends it."""
        return json.dumps({"build": self.build, "error": self.error, "assets": self.assets})


class Preview:
    """Hold the last good site and what its builds reuse (a Memo); rebuild on change and tell waiting pages."""

    def __init__(self, root: Path, *, cache_dir: Path | None, describe: Describe, log: Log = print) -> None:
        self.root = root
        self.cache_dir = cache_dir
        self.describe = describe
        self.log = log
        self.files: SiteFiles = {}
        self.status = Status(0)
        self.last_result: build_module.BuildResult | None = None
        # The settings and the story the builds use, and what the next build reuses: all made anew when site.yml or
        # the story's code changes (the memo holds objects made by that code).
        self.project: tuple[Config, Story] | None = None
        self.memo: build_module.Memo | None = None
        self.pending: set[Path] = set()  # changed files no successful build has taken in yet
        self.changed = threading.Condition()
        self.building = threading.Lock()
        self.closed = False

    # Paths --------------------------------------------------------------------------------------

    def watched_paths(self) -> list[Path]:
        """Return the folders and files a change in which rebuilds the site."""
        config = load_config(self.root)
        folders = [config.content_dir, config.data_dir, config.templates_dir, config.story]
        return list(dict.fromkeys(p for p in folders if p is not None and p.exists()))

    def is_watched(self, path: Path) -> bool:
        """Say whether a changed file can affect the site (editors' temporary files cannot)."""
        name = path.name
        if name.startswith((".#", "#")) or name.endswith(("~", ".swp", ".swx", ".tmp")) or "__pycache__" in path.parts:
            return False
        if self._is_story_code(path):
            return name.endswith(".py")
        if path.parent == self.root:
            return name == CONFIG_FILE
        return True

    def _is_story_code(self, path: Path) -> bool:
        """Say whether a path is in the story's package (its code is reloaded when it changes)."""
        story = load_config(self.root).story
        return story is not None and path.is_relative_to(story)

    # Building -----------------------------------------------------------------------------------

    def rebuild(self, changes: Iterable[Path] = ()) -> Status:
        """Rebuild after the given files changed; keep serving the last good site if the build fails."""
        with self.building:  # the folders' watcher and site.yml's watcher may both call
            return self._rebuild(sorted(set(changes)))

    def _rebuild(self, changed: list[Path]) -> Status:
        # Changes a failed build did not apply count again: a broken site.yml must not be forgotten after a content edit.
        pending = self.pending | set(changed)
        self.pending = pending
        started = time.perf_counter()
        shown = ", ".join(self._shown(p) for p in changed) or "first build"
        try:
            code_changed = any(self._is_story_code(p) for p in pending)
            if code_changed:
                _reload_story(load_config(self.root))
            if self.project is None or self.memo is None or code_changed or self.root / CONFIG_FILE in pending:
                config = load_config(self.root)
                self.project, self.memo = (config, load_story(config)), build_module.Memo()
            config, story = self.project
            writer = MemoryWriter()
            result = build_module.build(config, writer, cache_dir=self.cache_dir, story=story, memo=self.memo)
        except BuildError as error:
            message = self.describe(error)
            self.log(f"{shown}: build failed; still serving the last good site\n{message}")
            return self._publish(Status(self.status.build, message, self.status.assets))
        self.pending = set()
        self.files = writer.files
        self.last_result = result
        elapsed = (time.perf_counter() - started) * 1000
        reused = "data, figures and charts reused" if result.reused_data else f"charts: {result.cache_misses} rendered, {result.cache_hits} from cache"
        self.log(f"{shown}: rebuilt {len(result.pages)} pages ({reused}) in {elapsed:.0f} ms")
        return self._publish(Status(self.status.build + 1, None, assets_fingerprint(self.files)))

    def _publish(self, status: Status) -> Status:
        with self.changed:
            self.status = status
            self.changed.notify_all()
        return status

    def wait(self, seen: Status, timeout: float) -> Status:
        """Return the status once it differs from `seen`, or after `timeout` seconds."""
        with self.changed:
            self.changed.wait_for(lambda: self.status != seen or self.closed, timeout)
            return self.status

    def close(self) -> None:
        """Release every page waiting for news."""
        with self.changed:
            self.closed = True
            self.changed.notify_all()

    def watch(self, stop: threading.Event, *, ready: threading.Event | None = None) -> None:
        """Rebuild whenever a watched file changes, until `stop` is set."""
        # site.yml is watched through its folder, alone (not recursively: that would watch .venv and the rest),
        # since a watch on the file itself ends when an editor saves by replacing it.
        settings = threading.Thread(target=self._watch, args=([self.root], False, stop, None), daemon=True)
        settings.start()
        self._watch(self.watched_paths(), True, stop, ready)
        stop.set()  # the folders' watcher ended (Ctrl+C reaches the main thread only): end the other one too
        settings.join(timeout=10)

    def _watch(self, paths: list[Path], recursive: bool, stop: threading.Event, ready: threading.Event | None) -> None:
        # A short step: a save shows within milliseconds; an editor's write-and-rename still arrives as one batch.
        # The generator yields an empty batch on each timeout: the first one says the watches are in place.
        batches = watchfiles.watch(
            *paths,
            watch_filter=lambda _, p: self.is_watched(Path(p)),
            debounce=400,
            step=15,
            stop_event=stop,
            rust_timeout=200,
            yield_on_timeout=True,
            raise_interrupt=False,
            recursive=recursive,
        )
        for batch in batches:
            if ready is not None:
                ready.set()
            changed = {Path(path) for change, path in batch if path_matters(change, Path(path), batch)}
            if changed:
                self.rebuild(changed)

    def _shown(self, path: Path) -> str:
        for base in (self.root,):
            with contextlib.suppress(ValueError):
                return path.relative_to(base).as_posix()
        return str(path)


def path_matters(change: watchfiles.Change, path: Path, batch: set[tuple[watchfiles.Change, str]]) -> bool:
    """Say whether a change is worth a rebuild: a file created and removed within one batch (an editor's temporary file) is not."""
    return path.exists() or (watchfiles.Change.added, str(path)) not in batch


def _reload_story(config: Config) -> None:
    """Import the story's package afresh, so a change to its figures or charts takes effect without a restart.

    Its modules are discovered, not listed: every loaded module of the package is dropped and the package imported
    again, which imports them anew in the order they import each other. The Memo is made anew after this, since
    its stages hold objects made by the old code. If the new code fails to load, the old modules stay loaded.
    """
    if config.story is None:
        return
    package = config.story.name
    old = {name: sys.modules.pop(name) for name in story_modules(package)}
    importlib.invalidate_caches()
    try:
        story_module(config)
    except Exception as error:  # the story's code may not even parse: say where
        for name in story_modules(package):
            del sys.modules[name]
        sys.modules.update(old)
        raise _code_error(error, config.story) from error


def _code_error(error: Exception, package: Path) -> ChartError:
    if isinstance(error, SyntaxError):
        return ChartError(f"the story's code does not parse: {error.msg}", error.filename or package, error.lineno)
    return ChartError(f"the story's code could not be loaded: {type(error).__name__}: {error}", _innermost_file(error, package))


def _innermost_file(error: BaseException, package: Path) -> Path:
    """Return the story's file where an error was raised (its package's folder if none of its files is in the traceback)."""
    found = package
    traceback = error.__traceback__
    while traceback is not None:
        filename = Path(traceback.tb_frame.f_code.co_filename)
        if filename.is_relative_to(package):
            found = filename
        traceback = traceback.tb_next
    return found


# Serving --------------------------------------------------------------------------------------


def site_path(request_path: str) -> str | None:
    """Return the site file a request path names, or None if it would step outside the site."""
    raw = request_path.split("?", 1)[0].split("#", 1)[0]
    if not raw.startswith("/"):
        return None  # an absolute URL or a bare name: never a path into the site
    path = unquote(raw)
    if "\\" in path or "\0" in path or path.startswith("//"):
        return None
    parts = path[1:].split("/")
    if any(part in ("..", ".") for part in parts):
        return None
    return "/".join(parts)


def assets_fingerprint(files: SiteFiles) -> str:
    """Return a hash of the files pages load besides themselves (styles, scripts)."""
    hasher = hashlib.sha256()
    for name in sorted(n for n in files if n.endswith((".css", ".js"))):
        hasher.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
    return hasher.hexdigest()[:16]


def reload_script(status: Status) -> str:
    """Return the script a previewed page runs: follow the events stream, reload on a new build, show errors."""
    state = json.dumps({"build": status.build, "assets": status.assets, "events": EVENTS_PATH, "overlay": OVERLAY_ID}).replace("</", "<\\/")
    return f"<script {PREVIEW_ATTRIBUTE}>/* site-builder serve: live reload, preview only */\n({_RELOAD_JS})({state});\n</script>\n"


_RELOAD_JS = """function (state) {
  function overlay(message) {
    var box = document.getElementById(state.overlay);
    if (!message) { if (box) box.remove(); return; }
    if (!box) {
      box = document.createElement("div");
      box.id = state.overlay;
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:auto 0 0 0;z-index:2147483647;max-height:60vh;overflow:auto;margin:0;padding:1em 1.25em;" +
        "background:#fff0f0;color:#5c0000;border-top:4px solid #b00020;font:15px/1.5 ui-monospace,monospace;white-space:pre-wrap";
      document.body.appendChild(box);
    }
    box.textContent = "The site did not rebuild; this is the last good version.\\n\\n" + message;
  }
  // Swap the new page's body in place: no reload of styles and scripts, and the reader keeps their scroll position.
  // A change to the styles or scripts, or a page that went away, reloads the whole page instead.
  function update(status) {
    if (status.assets !== state.assets) { location.reload(); return; }
    fetch(location.href, {cache: "no-store"}).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.text();
    }).then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html");
      document.title = fresh.title;
      var keep = document.querySelector("script[data-site-builder-preview]");
      document.body.replaceChildren.apply(document.body, Array.prototype.slice.call(fresh.body.childNodes));
      document.body.querySelectorAll("script").forEach(function (old) {
        if (old.hasAttribute("data-site-builder-preview")) { old.replaceWith(keep); return; }
        var script = document.createElement("script");
        Array.prototype.forEach.call(old.attributes, function (a) { script.setAttribute(a.name, a.value); });
        script.async = false;
        script.text = old.text;
        old.replaceWith(script);
      });
      if (location.hash) { var target = document.getElementById(location.hash.slice(1)); if (target) target.scrollIntoView(); }
      state.build = status.build;
      window.siteBuilderPreview = {build: status.build, updated: performance.timeOrigin + performance.now()};
    }).catch(function () { location.reload(); });
  }
  var source = new EventSource(state.events);
  source.addEventListener("status", function (event) {
    var status = JSON.parse(event.data);
    overlay(status.error);
    if (status.build !== state.build && !status.error) update(status);
  });
}"""


class PreviewServer(ThreadingHTTPServer):
    """A threaded HTTP server for one Preview, on a loopback address only."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, preview: Preview, host: str = "127.0.0.1", port: int = 0) -> None:
        if host not in LOOPBACK_HOSTS:
            raise ValueError(f"the preview serves on this machine only ({', '.join(LOOPBACK_HOSTS)}), not {host!r}")
        self.address_family = _family(host)
        self.preview = preview
        super().__init__((host, port), PreviewHandler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignore a reader closing the page mid-response; report anything else as http.server does."""
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)

    @property
    def url(self) -> str:
        """Return the address of the home page."""
        host, port = str(self.server_address[0]), int(self.server_address[1])
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/"


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


class PreviewHandler(BaseHTTPRequestHandler):
    """Answer GET and HEAD from the last good site, and stream build news to open pages."""

    server: PreviewServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 (the name http.server dispatches to)
        """Send a file of the site, or the events stream."""
        self._respond(with_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        """Send a file's headers only."""
        self._respond(with_body=False)

    def _respond(self, *, with_body: bool) -> None:
        preview = self.server.preview
        name = site_path(self.path)
        if name is None:
            self._send(HTTPStatus.FORBIDDEN, b"Forbidden: that path is outside the site.\n", "text/plain; charset=utf-8", with_body)
            return
        if "/" + name == EVENTS_PATH:
            self._stream_events(preview)
            return
        files = preview.files
        if name == "" or name.endswith("/"):
            name += "index.html"
        if name not in files and f"{name}/index.html" in files:
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", "/" + name + "/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        if name not in files:
            page = f"<!DOCTYPE html><html lang=en><meta charset=utf-8><title>Not found</title><body><h1>Not in the site: /{html.escape(name)}</h1>"
            body = (page + reload_script(preview.status) + "</body></html>").encode("utf-8")
            self._send(HTTPStatus.NOT_FOUND, body, "text/html; charset=utf-8", with_body)
            return
        body = files[name]
        if content_type == "text/html":
            body = inject(body, reload_script(preview.status))
            content_type += "; charset=utf-8"
        elif content_type.startswith("text/") or content_type in ("application/json", "application/javascript", "image/svg+xml"):
            content_type += "; charset=utf-8"
        self._send(HTTPStatus.OK, body, content_type, with_body)

    def _send(self, status: HTTPStatus, body: bytes, content_type: str, with_body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def _stream_events(self, preview: Preview) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        seen: Status | None = None
        try:
            while not preview.closed:
                status = preview.status if seen is None else preview.wait(seen, KEEPALIVE_SECONDS)
                message = f"event: status\ndata: {status.to_json()}\n\n" if status != seen else ": still here\n\n"
                self.wfile.write(message.encode("utf-8"))
                self.wfile.flush()
                seen = status
        except (BrokenPipeError, ConnectionResetError):
            pass  # the page was closed or reloaded

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the signature http.server calls)
        """Keep the terminal for build news: requests are not logged."""


def inject(html: bytes, script: str) -> bytes:
    """Return the page with the preview script just before </body>, or at the end if it has none."""
    marker = b"</body>"
    index = html.rfind(marker)
    encoded = script.encode("utf-8")
    if index == -1:
        return html + encoded
    return html[:index] + encoded + html[index:]


@contextlib.contextmanager
def running(preview: Preview, host: str = "127.0.0.1", port: int = 0, *, watch: bool = True) -> Iterator[PreviewServer]:
    """Serve and watch in background threads for the duration of the block (used by tests and the bench)."""
    server = PreviewServer(preview, host, port)
    stop = threading.Event()
    threads = [threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)]
    ready = threading.Event()
    if watch:
        threads.append(threading.Thread(target=preview.watch, args=(stop,), kwargs={"ready": ready}, daemon=True))
    for thread in threads:
        thread.start()
    if watch:
        ready.wait(30)
    try:
        yield server
    finally:
        stop.set()
        preview.close()
        server.shutdown()
        server.server_close()
        for thread in threads:
            thread.join(timeout=10)
