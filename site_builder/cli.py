"""The `site-builder` command. The only place errors become messages and exit codes."""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .errors import BuildError, ConfigError

if TYPE_CHECKING:
    from typing import TypeAlias

    from .diff import Changes

    Commands: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]  # what add_subparsers returns

CACHE_FOLDER = ".cache/charts"
LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")  # the preview never listens beyond this machine


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    root = Path(args.root).resolve()
    try:
        result: int = args.handler(args, root)
        return result
    except (BuildError, OSError) as error:
        if args.debug:
            traceback.print_exc()
        if isinstance(error, OSError):  # a file the system would not let us read or write: named, as any other mistake
            error = BuildError(f"can't be read or written: {error.strerror or error}", error.filename)
        print(error.describe(root), file=sys.stderr)
        if getattr(args, "command", "") == "build":
            print("The previous site, if any, was left as it was.", file=sys.stderr)
        return 2 if args.command == "diff" else 1  # diff's 1 means "something changed"
    except KeyboardInterrupt:
        print("interrupted; the previous site was left as it was", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="site-builder",
        description="Build a static data-story site from a data package, Markdown pages and Jinja templates.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", default=".", help="project folder holding site.yml (default: the current folder)")
    common.add_argument("--debug", action="store_true", help="show the Python traceback behind an error")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    for add in (_add_build, _add_check, _add_export, _add_serve, _add_diff, _add_runtime):
        add(commands, common)
    return parser


def _add_build(commands: Commands, common: argparse.ArgumentParser) -> None:
    """Add `build`: the whole site into the output folder."""
    build = commands.add_parser(
        "build",
        parents=[common],
        help="build the site into the output folder",
        description="Validate the data, compute the figures, render the charts and pages, and write the site "
        "into the output folder, replacing it only if the whole build succeeds.",
    )
    build.add_argument("--out", help="output folder (default: 'output' in site.yml, usually _site)")
    build.add_argument(
        "--base-url",
        metavar="URL",
        help="the address the site is published at, ending in '/' (overrides base_url in site.yml): "
        "absolute social and embed links, canonical links, sitemap.xml and robots.txt",
    )
    build.add_argument("--no-cache", action="store_true", help="render every chart again instead of reusing .cache/charts")
    build.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    _revision_options(build)
    build.set_defaults(handler=_build)


def _add_check(commands: Commands, common: argparse.ArgumentParser) -> None:
    """Add `check`: a built site's links, images and titles."""
    check = commands.add_parser(
        "check",
        parents=[common],
        help="check a built site's links, images and titles",
        description="Check every page of a built site: internal links and anchors resolve, images have alt "
        "text, titles are unique, and nothing is loaded from another host.",
    )
    check.add_argument("--out", help="built site to check (default: the output folder in site.yml)")
    check.set_defaults(handler=_check)


def _add_export(commands: Commands, common: argparse.ArgumentParser) -> None:
    """Add `export`: the story as one HTML file or a PDF."""
    export = commands.add_parser(
        "export",
        parents=[common],
        help="export the story as one self-contained HTML file, or as a PDF",
        description="Build the site in memory and write the explainer as a single HTML file with its styles, "
        "charts and data inlined, which opens offline from file:// with nothing else beside it; or print it to "
        "PDF (A4) through Chromium, as a reader's browser prints it: a clean article, each chart whole on a page.",
    )
    kind = export.add_mutually_exclusive_group(required=True)
    kind.add_argument("--single-file", metavar="OUT.html", help="the HTML file to write")
    kind.add_argument("--pdf", metavar="OUT.pdf", help="the PDF file to write (needs Chromium: make browser-tools installs it)")
    export.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    export.set_defaults(handler=_export)


def _add_serve(commands: Commands, common: argparse.ArgumentParser) -> None:
    """Add `serve`: the live preview."""
    serve = commands.add_parser(
        "serve",
        parents=[common],
        help="preview the site, rebuilding and reloading on every change",
        description="Build the site into memory and serve it on this machine; watch content/, data/, templates/, "
        "site.yml and the chart code, rebuild only what a change affects, and reload the open page. "
        "A build error shows in the terminal and over the page, which keeps the last good version.",
    )
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000; 0 picks a free one)")
    serve.add_argument("--host", default="127.0.0.1", choices=LOOPBACK_HOSTS, help="loopback address to listen on (default: 127.0.0.1)")
    serve.set_defaults(handler=_serve)


def _add_diff(commands: Commands, common: argparse.ArgumentParser) -> None:
    """Add `diff`: what changed between two builds."""
    diff = commands.add_parser(
        "diff",
        parents=[common],
        help="list what changed between two builds: figures, claims, pages and charts",
        description="Compare what two builds said, from their figures.json: figures added, removed and changed "
        "(old and new text), claims whose verdict changed, pages whose numbers changed and charts whose data "
        "changed. Exit code 0 when nothing changed, 1 when something did, 2 on error.",
    )
    diff.add_argument("old", metavar="OLD", help="the earlier build: a site's folder (or a saved copy of a published one), or its figures.json")
    diff.add_argument("new", metavar="NEW", help="the later build, the same way")
    diff.add_argument("--json", action="store_true", help="print the changes as JSON, for a script")
    diff.set_defaults(handler=_diff)


def _add_runtime(commands: Commands, common: argparse.ArgumentParser) -> None:
    """Add `runtime`: bundle the browser's Vega runtime once."""
    runtime = commands.add_parser(
        "runtime",
        help="bundle the Vega runtime into this installation (make site does it once)",
        description="Bundle the browser's Vega runtime from the installed vl-convert and keep it in this "
        "installation (share/site-builder in the environment, or $SITE_BUILDER_RUNTIME_DIR), where every "
        "build of every project finds it. It is the same for every site: without it, a build bundles it "
        "into its render cache the first time.",
    )
    runtime.add_argument("--debug", action="store_true", help="show the Python traceback behind an error")
    runtime.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    runtime.set_defaults(handler=_runtime, root=".")


def _runtime(args: argparse.Namespace, root: Path) -> int:
    from . import runtime

    try:
        folder, bundled = runtime.install()
    except OSError as error:
        raise ConfigError(
            f"the Vega runtime can't be kept here: {error.strerror or error}",
            runtime.installed_folder(),
            hint=f"set {runtime.RUNTIME_DIR} to a folder you can write; builds bundle it meanwhile",
        ) from None
    if not args.quiet:
        print(f"Vega runtime {'bundled into' if bundled else 'already in'} {folder}")
    return 0


@contextlib.contextmanager
def _loading_libraries() -> Iterator[None]:
    """Import the builder's libraries (pandas, Altair, Jinja: a few hundred thousand objects) without the cycle
    collector, then set those objects aside from it (gc.freeze) for the rest of the process.

    None of them is garbage, yet every collection during and after the imports would walk them all again:
    measured on a cold build of the real site, the build's own process spent 1.64 s of CPU with the collector
    left as it was and 1.44 s with this (medians of 7). The collector runs as usual on the build's own objects.
    """
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def cache_folder(root: Path) -> Path:
    """Return the render cache, made if missing: .cache/charts in the project, or $SITE_BUILDER_CACHE when set."""
    folder = Path(os.environ.get("SITE_BUILDER_CACHE") or root / CACHE_FOLDER)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=folder).close()  # a folder it can't write in would fail mid-build
    except OSError as error:
        raise ConfigError(
            f"the render cache can't be kept here: {error.strerror or error}", folder, hint="set SITE_BUILDER_CACHE to a folder, or build with --no-cache"
        ) from None
    return folder


def _revision_options(build: argparse.ArgumentParser) -> None:
    """Add the options that compare a build with the one before it."""
    build.add_argument(
        "--previous",
        metavar="PATH",
        help="the build to compare with: a site's folder or its figures.json, e.g. one downloaded from the published site "
        "(default: the output folder this build replaces)",
    )
    build.add_argument(
        "--strict",
        action="store_true",
        help="fail if a figure the previous build printed has changed and no new note in content/revisions.yml covers it (publishing runs this)",
    )
    build.add_argument("--changes", action="store_true", help="list every change since the previous build, not only the one-line summary")


def _previous_record(args: argparse.Namespace, output_dir: Path) -> dict[str, object] | None:
    """Return the figures.json of the build to compare with: --previous, else the output folder's, if it has one."""
    from .diff import PLACES, load_record

    if args.previous:
        return load_record(Path(args.previous))
    if not any((output_dir / place).is_file() for place in PLACES):
        return None
    try:
        return load_record(output_dir, validate=False)  # written by a build of ours
    except ConfigError as error:
        if args.strict:
            raise
        if not args.quiet:
            print(f"note: not compared with the previous build: {error.describe()}")
        return None


def _print_changes(args: argparse.Namespace, changes: Changes | None) -> None:
    """Say what changed since the previous build: one line, or every change with --changes."""
    if args.quiet:
        return
    if changes is None:
        print("No previous build to compare with" + (": --strict had nothing to check." if args.strict else "."))
    elif args.changes:
        print("Since the previous build: " + "\n  ".join(changes.lines()))
    else:
        print(f"Since the previous build: {changes.summary()}" + ("" if changes.nothing else " (--changes lists them)"))


def _diff(args: argparse.Namespace, root: Path) -> int:
    import json

    from .diff import compare, load_record

    changes = compare(load_record(Path(args.old)), load_record(Path(args.new)))
    print(json.dumps(changes.as_json(), indent=2, ensure_ascii=False) if args.json else "\n".join(changes.lines()))
    return 0 if changes.nothing else 1


def _build(args: argparse.Namespace, root: Path) -> int:
    from .config import load_config
    from .early import start_early

    started = time.perf_counter()
    config = load_config(root, Path(args.out).resolve() if args.out else None, args.base_url)
    cache = None if args.no_cache else cache_folder(root)
    # While the builder's imports load (most of a second), the render processes check the data, start
    # vl-convert when every chart will render, and bundle the Vega runtime if the installation has none.
    early = start_early(config, cache)
    with _loading_libraries():
        from .build import build
        from .writer import DirectoryWriter

    def progress(message: str) -> None:
        if not args.quiet:
            print(f"  {message}", flush=True)

    if not args.quiet:
        print(f"Building {config.title!r} into {_shown(config.output_dir, root)}", flush=True)
    previous = _previous_record(args, config.output_dir)
    result = build(config, DirectoryWriter(config.output_dir), cache_dir=cache, progress=progress, early=early, previous=previous, strict=args.strict)
    _print_changes(args, result.changes)
    if not args.quiet:
        elapsed = time.perf_counter() - started
        print(
            f"Built {len(result.pages)} pages and {len(result.files)} files in {elapsed:.2f} s "
            f"(charts: {result.cache_misses} rendered, {result.cache_hits} from cache)."
        )
    return 0


def _export(args: argparse.Namespace, root: Path) -> int:
    with _loading_libraries():
        from .build import build
        from .config import load_config
        from .export import export_pdf, export_single_file
        from .writer import MemoryWriter, file_in_the_way

    target = Path(args.pdf or args.single_file)
    example = "--pdf _export/story.pdf" if args.pdf else "--single-file _export/story.html"
    if target.is_dir():
        raise ConfigError("the export is one file, and this is a folder", target, hint=f"name a file, e.g. {example}")
    blocking = file_in_the_way(target)
    if blocking is not None:
        raise ConfigError("the export's folder is a file", blocking, hint=f"name a file in a folder, e.g. {example}")
    config = load_config(root)
    writer = MemoryWriter()
    build(config, writer, cache_dir=cache_folder(root))
    content = export_pdf(writer.files) if args.pdf else export_single_file(writer.files).encode("utf-8")
    _write_whole(target, content)
    if not args.quiet:
        what = "the story printed by Chromium" if args.pdf else "one file with everything inlined"
        print(f"Wrote {target} ({len(content) / 1024:.0f} KB), {what}.")
    return 0


def _write_whole(target: Path, content: bytes) -> None:
    """Write `target` through a temporary file beside it, so it is either whole or as it was."""
    temporary = target.with_name(f".{target.name}.partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(content)
        temporary.replace(target)
    except OSError as error:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise ConfigError(f"the export could not be written: {error.strerror or error}", target) from None


def _serve(args: argparse.Namespace, root: Path) -> int:
    import threading

    with _loading_libraries():
        from .serve import Preview, PreviewServer

    def describe(error: BuildError) -> str:
        if args.debug:
            traceback.print_exception(error)
        return error.describe(root)

    def log(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)

    preview = Preview(root, cache_dir=cache_folder(root), describe=describe, log=log)
    preview.watched_paths()  # a missing or broken site.yml stops here, before anything listens
    try:
        server = PreviewServer(preview, args.host, args.port)
    except OSError as error:
        print(f"error: cannot listen on {args.host}:{args.port}: {error.strerror} (pass another --port, or 0 for any free one)", file=sys.stderr)
        return 1
    preview.rebuild()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"Serving {server.url} (this machine only); watching for changes. Press Ctrl+C to stop.", flush=True)
    stop = threading.Event()
    try:
        preview.watch(stop)
    finally:
        preview.close()
        server.shutdown()
    return 0


def _check(args: argparse.Namespace, root: Path) -> int:
    from .checks import check_site
    from .config import load_config

    config = load_config(root, Path(args.out).resolve() if args.out else None)
    problems = check_site(config.output_dir)
    for problem in problems:
        print(problem.describe(root), file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) found in {_shown(config.output_dir, root)}", file=sys.stderr)
        return 1
    print(f"No problems found in {_shown(config.output_dir, root)}.")
    return 0


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return str(path)


def run() -> None:
    """The console command: run main(), then leave without the interpreter's teardown.

    By then every file is written and renamed into place, and the output is flushed here; freeing pandas' and
    Altair's objects one by one would add a few tenths of a second to every build. (Tests call main().)
    """
    code = main()
    if sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)  # a profiler or coverage tool writes its results at exit: let it
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
