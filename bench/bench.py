"""Measure the builder: builds and rebuilds, the preview's save-to-page time, page weights, and growth with scale.

Run `make bench` (or `.venv/bin/python bench/bench.py --runs 5`). Prints a table and writes a JSON report
(default `_bench/report.json`). Every time is a median over --runs runs on this machine, which may be shared:
read the load average printed with the results before trusting a number. Nothing here asserts a threshold;
each target is printed with the measured value and the ratio between them.

What each measure runs:
- cold (rendering in processes, and again in threads) / no-op / paragraph edit / data edit: the real command line (`python -m site_builder.cli build`) in a
  fresh process, so Python's start-up and imports count, as they do for a user; a fresh copy of the project
  and, for cold, an empty render cache.
- serve-mode rebuilds: the preview's own `Preview.rebuild` in this process, with the dataset, figures and
  charts kept from the build before, as `site-builder serve` does.
- save to page updated: a real `site-builder serve` preview (in this process) and headless Chromium: the file
  is written, and the time is taken when the page's DOM holds the new text (the preview script stamps the
  moment it swapped the new body in, on the same clock as ours), and also when Playwright sees it (a little
  later: it polls).
- page weights: every page of the real site, gzip level 9, split into HTML, CSS, inline SVG and JS.
- deployed: the real site built with its address and served by nginx with deploy/nginx.conf (gzip on, level 6):
  the home page's bytes on the wire against its files' own size, on first load and once its charts are drawn;
  and what precompressing every text file at gzip level 9 would cost in build time and save on the wire.
- where a cold build's CPU goes: each kind of work of a cold build of the real site, timed in CPU seconds one
  after another in this process; the total over the cores is the floor of a cold build's wall time.
- scale: generated projects (bench/synthetic.py) with 13, 130 and 1,300 services, built cold by the command line.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
import platform
import posixpath
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from synthetic import generate_project

sys.path.append(str(Path(__file__).resolve().parent.parent))  # deploy/, beside the project: the nginx runner the tests use
from deploy.nginx import SUB_PATH, free_port, readable_folder, running_nginx  # noqa: E402
from site_builder.build import build as build_site
from site_builder.config import load_config
from site_builder.serve import Preview, running
from site_builder.writer import DirectoryWriter, MemoryWriter

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PARTS = ("site.yml", "data", "content", "templates", "story")  # a generated project names the real story where it is
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]

# Targets from the issue (medians on a 2-core machine) and the chart-set budgets.
TARGETS = {"cold_build_s": 2.0, "serve_paragraph_rebuild_s": 0.3, "save_to_page_s": 0.15, "scale_1300_s": 60.0, "growth_per_service": 1.0}
BUDGETS = {"home_page_kb": 60.0, "map_svg_kb": 25.0}
# Observable Framework on this machine, from the issue: one page, two charts.
OBSERVABLE = {"cold_build_s": 3.6, "paragraph_rebuild_s": 3.3, "preview_update_s": 0.1}


def main(argv: list[str] | None = None) -> int:
    """Run every measure, print the table and write the report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per measure; the median is reported (default 5)")
    parser.add_argument("--scales", default="13,130,1300", help="service counts for the scale measure (default 13,130,1300; the largest takes over a minute)")
    parser.add_argument("--scale-runs", type=int, default=1, help="cold builds per scale (default 1: the largest takes over a minute)")
    parser.add_argument("--out", default=str(ROOT / "_bench" / "report.json"), help="where to write the JSON report")
    parser.add_argument("--no-browser", action="store_true", help="skip the save-to-page measure in Chromium")
    parser.add_argument(
        "--ab",
        default="",
        metavar="COMMIT[,COMMIT]",
        help="also A/B this tree against earlier commits: cold builds and preview rebuilds, alternated build by build",
    )
    parser.add_argument("--only-ab", action="store_true", help="run the A/B alone (with --ab)")
    parser.add_argument("--only-deployed", action="store_true", help="measure only the deployed home page's transfer size through nginx")
    args = parser.parse_args(argv)
    scales = [int(n) for n in args.scales.split(",") if n.strip()]
    logging.getLogger("vl_convert").setLevel(logging.ERROR)  # Vega-Lite's warnings, when this process renders: tests check them

    work = Path(tempfile.mkdtemp(prefix="site-builder-bench-"))
    report: dict[str, Any] = {"machine": _machine(), "runs": args.runs, "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    try:
        if args.ab:
            report["ab"] = measure_ab(work, [c for c in args.ab.split(",") if c], args.runs)
        if args.only_ab:
            print_ab(report.get("ab", {}))
            return 0
        report["deployed"] = measure_deployed(work)
        if args.only_deployed:
            print_deployed(report["deployed"])
            return 0
        report["cli"] = measure_cli(work, args.runs)
        report["serve"] = measure_serve(work, args.runs, browser=not args.no_browser)
        report["weights"] = measure_weights(work)
        report["renderer"] = measure_renderer(args.runs)
        report["cpu"] = measure_cpu(args.runs)
        report["scale"] = measure_scale(work, scales, args.scale_runs)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report["machine"]["load_average_end"] = _load()
    report["targets"] = targets(report)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print_table(report)
    print(f"\nReport written to {out}")
    return 0


# Command-line builds --------------------------------------------------------------------------------


def copy_project(destination: Path, source: Path = ROOT) -> Path:
    """Copy the parts of a project a build reads."""
    destination.mkdir(parents=True)
    for part in PROJECT_PARTS:
        if (source / part).is_dir():
            shutil.copytree(source / part, destination / part)
        elif (source / part).exists():
            shutil.copy2(source / part, destination / part)
    return destination


def cli_build(project: Path, cache: Path, render_in: str = "processes", **extra_env: str) -> dict[str, float]:
    """Build a project with the real command line in a fresh process; return wall time and the builder's own time."""
    env = {**os.environ, "SITE_BUILDER_CACHE": str(cache), "SITE_BUILDER_RENDER_IN": render_in, **extra_env}
    command = [sys.executable, "-m", "site_builder.cli", "build", "--root", str(project), "--out", str(project / "_site")]
    started = time.perf_counter()
    # In the project's folder: `-m` puts the current folder first on the path, which would shadow PYTHONPATH's code (A/B).
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False, cwd=project)
    wall = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"the build of {project} failed:\n{result.stderr}")
    inside = re.search(r"in ([\d.]+) s \(charts: (\d+) rendered", result.stdout)
    return {"wall_s": wall, "builder_s": float(inside.group(1)) if inside else wall, "charts_rendered": int(inside.group(2)) if inside else -1}


def edit_paragraph(project: Path, run: int) -> Path:
    """Add a sentence to the home page's last paragraph."""
    page = project / "content" / "index.md"
    page.write_text(page.read_text(encoding="utf-8").rstrip("\n") + f" An edit for run {run}.\n", encoding="utf-8")
    return page


def edit_data(project: Path, run: int) -> Path:
    """Add calls to the smallest helping service with calls, a different number each run (so the cache cannot answer)."""
    table = project / "data" / "mutual_aid.csv"
    lines = table.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    column = header.index("calls_answered")
    rows = [line.split(",") for line in lines[1:]]
    target = min((r for r in rows if int(r[column]) > 0), key=lambda r: int(r[column]))
    target[column] = str(int(target[column]) + run + 1)
    table.write_text("\n".join([lines[0], *(",".join(r) for r in rows)]) + "\n", encoding="utf-8")
    return table


def measure_cli(work: Path, runs: int) -> dict[str, Any]:
    """Time cold, no-op, paragraph-edit and data-edit builds with the command line."""
    cold, cold_threads, first, noop, paragraph, data = [], [], [], [], [], []
    # The Vega runtime is kept by the installation (make site's set-up bundles it): make sure it is there, and
    # measure apart the first build of an installation without it, which bundles it too.
    subprocess.run([sys.executable, "-m", "site_builder.cli", "runtime", "-q"], check=True)
    for run in range(runs):
        project = copy_project(work / f"cli-{run}")
        cache = work / f"cli-cache-{run}"
        cold_threads.append(cli_build(project, work / f"cli-cache-threads-{run}", "threads"))  # the same build, rendering in threads
        first.append(cli_build(project, work / f"cli-cache-first-{run}", SITE_BUILDER_RUNTIME_DIR=str(work / f"no-runtime-{run}")))
        cold.append(cli_build(project, cache))
        noop.append(cli_build(project, cache))
        edit_paragraph(project, run)
        paragraph.append(cli_build(project, cache))
        edit_data(project, run)
        data.append(cli_build(project, cache))
        shutil.rmtree(project)
        shutil.rmtree(cache)
    measures = (
        ("cold", cold),
        ("cold_render_in_threads", cold_threads),
        ("cold_bundling_runtime", first),
        ("noop", noop),
        ("paragraph_edit", paragraph),
        ("data_edit", data),
    )
    return {name: summarise(samples) for name, samples in measures}


def summarise(samples: list[dict[str, float]]) -> dict[str, Any]:
    """Return the median of each measured quantity, and the samples."""
    keys = samples[0].keys()
    return {**{key: statistics.median(s[key] for s in samples) for key in keys}, "samples": samples}


# A/B against earlier commits ---------------------------------------------------------------------

PREVIEW_REBUILD = """
import statistics, sys, time
from pathlib import Path
from site_builder.serve import Preview
root = Path(sys.argv[1])
preview = Preview(root, cache_dir=Path(sys.argv[2]), describe=lambda error: error.describe(root), log=lambda _: None)
preview.rebuild()
page, times = root / "content" / "index.md", []
for run in range(5):
    page.write_text(page.read_text(encoding="utf-8").rstrip("\\n") + f" An edit for run {run}.\\n", encoding="utf-8")
    started = time.perf_counter()
    preview.rebuild([page])
    times.append(time.perf_counter() - started)
    assert preview.status.error is None, preview.status.error
print(statistics.median(times))
"""


def measure_ab(work: Path, commits: list[str], runs: int) -> dict[str, Any]:
    """Time this tree and each earlier commit (checked out beside it) alternately: cold builds, then preview rebuilds.

    Each side builds its own project (its own content, data and code) in a fresh process with its own code first
    on the path; alternating build by build keeps the machine's drift out of the ratio.
    """
    trees = {"this tree": ROOT}
    for commit in commits:
        tree = work / f"tree-{commit}"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(tree), commit], check=True)
        trees[commit] = tree
    try:
        cold: dict[str, list[float]] = {name: [] for name in trees}
        rebuild: dict[str, list[float]] = {name: [] for name in trees}
        for run in range(runs):
            for name, tree in trees.items():
                project, cache = copy_project(work / f"ab-{len(cold[name])}-{tree.name}", tree), work / f"ab-cache-{run}-{tree.name}"
                cold[name].append(cli_build(project, cache, PYTHONPATH=str(tree))["wall_s"])
                env = {**os.environ, "PYTHONPATH": str(tree)}
                command = [sys.executable, "-c", PREVIEW_REBUILD, str(project), str(cache)]
                done = subprocess.run(command, capture_output=True, text=True, env=env, check=True, cwd=project)
                rebuild[name].append(float(done.stdout.split()[-1]))
                shutil.rmtree(project)
    finally:
        for commit in commits:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(trees[commit])], check=False)
    here = statistics.median(cold["this tree"])
    return {
        name: {
            "cold_wall_s": statistics.median(cold[name]),
            "cold_ratio_this_to_it": here / statistics.median(cold[name]),
            "paragraph_rebuild_s": statistics.median(rebuild[name]),
            "cold_samples": cold[name],
            "rebuild_samples": rebuild[name],
        }
        for name in trees
    }


def print_ab(ab: dict[str, Any]) -> None:
    """Print the A/B: each side's medians, and this tree's cold build as a ratio of each."""
    if not ab:
        return
    print("\nA/B, alternated build by build (medians)            cold build   ratio this/it   preview paragraph rebuild")
    for name, side in ab.items():
        print(f"  {name:<48} {side['cold_wall_s']:8.3f} s   {side['cold_ratio_this_to_it']:8.3f}x   {side['paragraph_rebuild_s']:10.3f} s")


# Serve mode ------------------------------------------------------------------------------------------


def measure_serve(work: Path, runs: int, *, browser: bool) -> dict[str, Any]:
    """Time the preview's rebuilds in this process, and save-to-page in Chromium."""
    project = copy_project(work / "serve")
    cache = work / "serve-cache"
    cli_build(project, cache)  # a warm cache, as after the first `make site`
    preview = Preview(project, cache_dir=cache, describe=lambda error: error.describe(project), log=lambda _: None)
    preview.rebuild()
    results: dict[str, Any] = {}
    samples: dict[str, list[float]] = {"noop_rebuild_s": [], "paragraph_rebuild_s": [], "data_edit_rebuild_s": []}
    for run in range(runs):
        samples["noop_rebuild_s"].append(timed(lambda: preview.rebuild([])))
        page = edit_paragraph(project, run)
        samples["paragraph_rebuild_s"].append(timed(lambda page=page: preview.rebuild([page])))  # type: ignore[misc]
        table = edit_data(project, run)
        samples["data_edit_rebuild_s"].append(timed(lambda table=table: preview.rebuild([table])))  # type: ignore[misc]
        assert preview.status.error is None, preview.status.error
    results.update({key: {"median": statistics.median(values), "samples": values} for key, values in samples.items()})
    if browser:
        results["save_to_page"] = measure_save_to_page(preview, runs)
    return results


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def measure_save_to_page(preview: Preview, runs: int) -> dict[str, Any]:
    """Write a paragraph and time until the open page's DOM shows it, in headless Chromium."""
    from playwright.sync_api import sync_playwright

    shown, seen = [], []
    page_file = preview.root / "content" / "index.md"
    with running(preview) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(server.url)
        for run in range(runs + 1):  # the first run warms Chromium's caches and is not counted
            marker = f"Saved at run {run} of the benchmark."
            text = page_file.read_text(encoding="utf-8")
            written = time.time()
            page_file.write_text(text + f"\n{marker}\n", encoding="utf-8")
            page.locator("main p", has_text=marker).wait_for(timeout=60_000)
            observed = time.time()
            loaded_ms = page.evaluate(
                "() => window.siteBuilderPreview ? window.siteBuilderPreview.updated"
                " : performance.timeOrigin + performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"
            )
            if run:
                shown.append(loaded_ms / 1000 - written)
                seen.append(observed - written)
        browser.close()
    return {"median": statistics.median(shown), "playwright_median": statistics.median(seen), "samples": shown, "playwright_samples": seen}


# Page weights ----------------------------------------------------------------------------------------

_SVG = re.compile(rb"<svg\b.*?</svg>", re.DOTALL)
_STYLESHEET = re.compile(rb'<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"')
_SCRIPT = re.compile(rb'<script[^>]*src="([^"]+)"')


def gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def measure_weights(work: Path) -> dict[str, Any]:
    """Return every page's gzip weight by kind, and the budgets' measures."""
    writer = MemoryWriter()
    result = build_site(load_config(ROOT), writer, cache_dir=work / "serve-cache")
    files = writer.files
    pages = {}
    for name in sorted(n for n in files if n.endswith(".html")):
        pages[name] = page_weight(name, files)
    maps = {chart_id: gzip_size(item.inline_svg.encode()) for chart_id, item in result.rendered.items() if "map" in chart_id}
    # The phone's drawing, where a map has one, is inlined beside it: each keeps within the budget.
    maps |= {
        f"{chart_id} (narrow)": gzip_size(item.inline_narrow_svg.encode())
        for chart_id, item in result.rendered.items()
        if "map" in chart_id and item.inline_narrow_svg
    }
    return {"pages": pages, "map_svgs": maps}


def page_weight(name: str, files: dict[str, bytes]) -> dict[str, int]:
    """Return a page's gzip bytes: its HTML without inline SVG, the inline SVG, and the CSS and JS it loads."""
    html = files[name]
    svgs = _SVG.findall(html)
    folder = posixpath.dirname(name)

    def linked(pattern: re.Pattern[bytes]) -> int:
        total = 0
        for href in pattern.findall(html):
            target = posixpath.normpath(posixpath.join(folder, href.decode()))
            total += gzip_size(files.get(target, b""))
        return total

    weight = {"html": gzip_size(_SVG.sub(b"", html)), "svg": gzip_size(b"".join(svgs)) if svgs else 0, "css": linked(_STYLESHEET), "js": linked(_SCRIPT)}
    weight["total"] = sum(weight.values())
    return weight


# The deployed site: transfer sizes through nginx -------------------------------------------------------

_RUNTIME = re.compile(rb'data-runtime="([^"]+)"')
_SPEC = re.compile(rb'data-spec="([^"]+)"')
TEXT_SUFFIXES = (".html", ".css", ".js", ".json", ".topojson", ".csv", ".svg", ".xml", ".md", ".txt")


def measure_deployed(work: Path) -> dict[str, Any]:
    """Return the home page's bytes through nginx (gzip on, as deploy/nginx.conf has it) beside its files' own size."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}{SUB_PATH}"
    www = readable_folder("site-builder-bench-www-")
    folder = www / SUB_PATH.strip("/")
    try:
        build_site(load_config(ROOT, folder, base_url), DirectoryWriter(folder), cache_dir=work / "serve-cache")
        html = (folder / "index.html").read_bytes()
        first_load = ["index.html", *(_site_path(href) for pattern in (_STYLESHEET, _SCRIPT) for href in pattern.findall(html))]
        charts_drawn = sorted({_site_path(href) for pattern in (_RUNTIME, _SPEC) for href in pattern.findall(html)})
        with running_nginx(root=www, port=port):
            wire = {name: _transfer_size(port, name) for name in [*first_load, *charts_drawn]}
        plain = {name: (folder / name).stat().st_size for name in wire}
        return {
            "first_load": {"files": len(first_load), "wire_bytes": sum(wire[n] for n in first_load), "plain_bytes": sum(plain[n] for n in first_load)},
            "charts_drawn": {"files": len(charts_drawn), "wire_bytes": sum(wire[n] for n in charts_drawn), "plain_bytes": sum(plain[n] for n in charts_drawn)},
            "precompress": _precompress_cost(folder),
        }
    finally:
        shutil.rmtree(www, ignore_errors=True)


def _site_path(href: bytes) -> str:
    return posixpath.normpath(href.decode())  # the home page is at the site's root


def _transfer_size(port: int, name: str) -> int:
    """Return the bytes nginx sends for a site file to a browser that accepts gzip (body, as sent; headers apart)."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", SUB_PATH + name, headers={"Accept-Encoding": "gzip"})
        response = connection.getresponse()
        return len(response.read())
    finally:
        connection.close()


def _precompress_cost(folder: Path) -> dict[str, Any]:
    """Return what writing a .gz beside every text file at level 9 costs (CPU) and saves against on-the-fly level 6."""
    texts = [path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file() and path.suffix in TEXT_SUFFIXES]
    started = time.process_time()
    best = sum(len(gzip.compress(data, compresslevel=9, mtime=0)) for data in texts)
    cpu = time.process_time() - started
    on_the_fly = sum(len(gzip.compress(data, compresslevel=6, mtime=0)) for data in texts)
    return {"files": len(texts), "plain_bytes": sum(map(len, texts)), "level_6_bytes": on_the_fly, "level_9_bytes": best, "cpu_s": cpu}


def print_deployed(deployed: dict[str, Any]) -> None:
    """Print the deployed home page's transfer sizes and the precompression's cost."""
    print("\nThe deployed home page through nginx (deploy/nginx.conf, gzip level 6)   on the wire     files     ratio")
    for key, label in (("first_load", "first load: HTML, stylesheet, scripts"), ("charts_drawn", "then, charts drawn: Vega runtime and specs")):
        row = deployed[key]
        print(
            f"  {label:<52} {row['files']:3} files {row['wire_bytes'] / 1024:9.1f} KB {row['plain_bytes'] / 1024:8.1f} KB {row['wire_bytes'] / row['plain_bytes']:8.2f}"
        )
    pre = deployed["precompress"]
    print(
        f"  precompressing {pre['files']} text files at gzip -9: {pre['cpu_s'] * 1000:.0f} ms of CPU a build, "
        f"{(pre['level_6_bytes'] - pre['level_9_bytes']) / 1024:.1f} KB less than nginx's level 6 over all of them "
        f"({pre['level_6_bytes'] / 1024:.0f} KB against {pre['level_9_bytes'] / 1024:.0f} KB; {pre['plain_bytes'] / 1024:.0f} KB uncompressed)"
    )


# Renderer: threads against processes -----------------------------------------------------------------


def measure_renderer(runs: int) -> dict[str, Any]:
    """Time rendering the real site's charts one by one, in two threads, and in two worker processes (all warmed up)."""
    import multiprocessing

    import vl_convert as vlc

    from site_builder import workers
    from site_builder.story import build_charts, load_figures

    story, dataset, figures = load_figures(load_config(ROOT))
    specs = [chart.spec for chart in build_charts(story, figures, dataset).values()]
    vlc.configure(num_workers=2)  # vl-convert's own workers, so that the two threads' renders can overlap
    workers.warm_up()

    def render_all(map_function: Callable[..., Any]) -> None:
        list(map_function(workers.render_spec, specs, [2] * len(specs)))

    times: dict[str, list[float]] = {"sequential_s": [], "threads_2_s": [], "processes_2_s": []}
    context = multiprocessing.get_context("spawn")
    with ThreadPoolExecutor(2) as threads, ProcessPoolExecutor(2, mp_context=context, initializer=_quiet_warm_up) as processes:
        list(processes.map(abs, range(4)))  # start both processes; each warms up as it starts
        for _ in range(max(1, min(runs, 3))):
            times["sequential_s"].append(timed(lambda: render_all(map)))
            times["threads_2_s"].append(timed(lambda: render_all(threads.map)))
            times["processes_2_s"].append(timed(lambda: render_all(processes.map)))
    medians = {key: statistics.median(values) for key, values in times.items()}
    return {"charts": len(specs), **medians, "samples": times}


def _quiet_warm_up() -> None:
    """Start vl-convert in a benchmark process, keeping Vega-Lite's warnings out of the table (tests check them)."""
    from site_builder import workers

    logging.getLogger("vl_convert").setLevel(logging.ERROR)
    workers.warm_up()


# Where a cold build's CPU goes ----------------------------------------------------------------------


def measure_cpu(runs: int) -> dict[str, Any]:
    """Time, in CPU seconds, each kind of work a cold build of the real site does, one after another, each run in a fresh process.

    The sum over the cores is the floor of a cold build's wall time, however well the work overlaps (rendering
    the pages and writing them, about a tenth of a second more, are left out). vl-convert's own threads count:
    process time covers every thread of the process.
    """
    samples: dict[str, list[float]] = {}
    for _ in range(max(1, min(runs, 3))):
        code = f"import sys, json; sys.path.insert(0, {str(Path(__file__).parent)!r}); import bench; print(json.dumps(bench._cold_costs()))"
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        for kind, seconds in json.loads(result.stdout.strip().splitlines()[-1]).items():
            samples.setdefault(kind, []).append(seconds)
    medians = {kind: statistics.median(values) for kind, values in samples.items()}
    install = {kind: seconds for kind, seconds in medians.items() if kind.startswith(INSTALL)}
    build = {kind: seconds for kind, seconds in medians.items() if kind not in install}
    total = sum(build.values())
    cores = os.cpu_count() or 1
    return {"cpu_s": build, "total_cpu_s": total, "cores": cores, "floor_s": total / cores, "install_cpu_s": install}


INSTALL = "set-up: "  # work the installation does once, not a build


def _cold_costs() -> dict[str, float]:
    """Do a cold build's work once, kind by kind, and return the CPU seconds of each kind (run it in a fresh process)."""
    import vl_convert as vlc

    from site_builder import validation, workers
    from site_builder.cache import PNG_SCALE
    from site_builder.cards import card_svg
    from site_builder.data import load_dataset
    from site_builder.drawing import rasterise
    from site_builder.package import validation_problem
    from site_builder.render import SiteInfo
    from site_builder.runtime import SNIPPET
    from site_builder.story import build_charts, load_story
    from site_builder.titles import untitled, with_title

    costs: dict[str, float] = {"python start-up and imports (the builder's, and this benchmark's)": time.process_time()}

    def cpu(kind: str, action: Callable[[], Any]) -> Any:
        started = time.process_time()
        result = action()
        costs[kind] = costs.get(kind, 0.0) + time.process_time() - started
        return result

    cpu("start vl-convert (in each render process)", workers.warm_up)  # in this process once: only the first start costs
    costs["start vl-convert (in each render process)"] *= workers.worker_count()
    config = load_config(ROOT)
    problem = cpu("check the data against its schemas (Frictionless, in a render process)", lambda: validation_problem(config.datapackage))
    assert problem is None, problem
    validation.check = lambda datapackage: None  # checked just above, in this process: load_dataset need not ask a render process
    story = load_story(config)
    dataset = cpu("load the data", lambda: load_dataset(config.datapackage))
    cpu("load the data", lambda: story.check_data(dataset))
    figures = cpu("compute the figures", lambda: story.compute_figures(dataset))
    charts = cpu("build the chart specs (Altair)", lambda: build_charts(story, figures, dataset))
    for chart in charts.values():
        vega = cpu("compile Vega-Lite to Vega", lambda c=chart: vlc.vegalite_to_vega(c.spec))
        bare = cpu("draw SVGs (Vega)", lambda v=vega: vlc.vega_to_svg(untitled(v)))
        # The downloads' title is set above the untitled drawing; Vega draws the chart again only where it can't be.
        svg = cpu("draw SVGs (Vega)", lambda v=vega, b=bare: with_title(b, v) or vlc.vega_to_svg(v))
        cpu("rasterise the charts' PNGs (libvips)", lambda s=svg: rasterise(s, PNG_SCALE))
        if chart.narrow_spec is not None:
            narrow = cpu("compile Vega-Lite to Vega", lambda c=chart: vlc.vegalite_to_vega(untitled(c.narrow_spec or {})))
            cpu("draw SVGs (Vega)", lambda v=narrow: vlc.vega_to_svg(v))
    site = SiteInfo(config.title, config.description, config.publisher, config.language)
    for card in story.cards(figures, site).values():
        cpu("draw the social cards (libvips)", lambda c=card: rasterise(card_svg(c), 1))
    cpu(f"{INSTALL}bundle the Vega runtime (site-builder runtime)", lambda: workers.bundle_runtime(SNIPPET))
    return costs


# Scale -----------------------------------------------------------------------------------------------


def measure_scale(work: Path, scales: list[int], runs: int) -> dict[str, Any]:
    """Build generated projects of each size cold with the command line."""
    results: dict[str, Any] = {}
    for services in scales:
        samples = []
        for run in range(runs):
            project = generate_project(work / f"scale-{services}-{run}", services)
            samples.append(cli_build(project, work / f"scale-cache-{services}-{run}"))
            pages = sum(1 for _ in (project / "_site").rglob("index.html"))
            shutil.rmtree(project)
            shutil.rmtree(work / f"scale-cache-{services}-{run}", ignore_errors=True)
        summary = summarise(samples)
        summary["pages"] = pages
        summary["per_service_s"] = summary["wall_s"] / services
        results[str(services)] = summary
        print(f"  scale {services:>5} services: {summary['wall_s']:7.1f} s cold ({pages} pages)", flush=True)
    return results


# Report ----------------------------------------------------------------------------------------------


def targets(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Return each target with its measured value and the ratio measured / target."""
    rows: list[dict[str, Any]] = []

    def add(name: str, measured: float | None, target: float, unit: str) -> None:
        ratio = None if measured is None else measured / target
        verdict = "n/a" if measured is None else ("PASS" if measured <= target else "OVER")
        rows.append({"name": name, "measured": measured, "target": target, "unit": unit, "ratio": ratio, "verdict": verdict})

    add("cold build, whole site (CLI, empty cache)", report["cli"]["cold"]["wall_s"], TARGETS["cold_build_s"], "s")
    add("one-paragraph rebuild in serve mode", report["serve"]["paragraph_rebuild_s"]["median"], TARGETS["serve_paragraph_rebuild_s"], "s")
    save = report["serve"].get("save_to_page")
    add("save to page updated (Chromium)", save["median"] if save else None, TARGETS["save_to_page_s"], "s")
    home = report["weights"]["pages"].get("index.html")
    add("home page, HTML+CSS+inline SVG, gzip", (home["html"] + home["css"] + home["svg"]) / 1024 if home else None, BUDGETS["home_page_kb"], "KB")
    maps = report["weights"]["map_svgs"]
    add("map SVG, gzip" + ("" if maps else " (no map chart on this branch)"), max(maps.values()) / 1024 if maps else None, BUDGETS["map_svg_kb"], "KB")
    scale = report["scale"]
    if "1300" in scale:
        add("1,300 services, cold build", scale["1300"]["wall_s"], TARGETS["scale_1300_s"], "s")
    if "130" in scale and "1300" in scale:
        growth = scale["1300"]["per_service_s"] / scale["130"]["per_service_s"]
        add("growth 130 -> 1,300: time per service, ratio (1 = linear)", growth, TARGETS["growth_per_service"], "x")
    return rows


def print_table(report: dict[str, Any]) -> None:
    """Print the measures, the targets and the ratios measured in this run."""
    machine = report["machine"]
    print(
        f"\nsite_builder benchmark: {report['runs']} runs per measure, medians; {machine['cpus']} CPUs, "
        f"load average {machine['load_average_start']} at start, {machine['load_average_end']} at end"
    )
    cli, serve = report["cli"], report["serve"]
    print("\nBuilds with the command line (fresh process)            median     builder's own time")
    for key, label in (
        ("cold", "cold (empty cache)"),
        ("cold_render_in_threads", "cold, rendering in threads instead of processes"),
        ("cold_bundling_runtime", "cold, and no Vega runtime kept by the installation"),
        ("noop", "no-op rebuild"),
        ("paragraph_edit", "one-paragraph edit"),
        ("data_edit", "data edit"),
    ):
        print(f"  {label:<52} {cli[key]['wall_s']:7.3f} s  {cli[key]['builder_s']:7.3f} s  ({cli[key]['charts_rendered']:.0f} charts rendered)")
    print("\nServe mode (in process, data stage kept)")
    for key, label in (("noop_rebuild_s", "no-op rebuild"), ("paragraph_rebuild_s", "one-paragraph rebuild"), ("data_edit_rebuild_s", "data edit rebuild")):
        print(f"  {label:<52} {serve[key]['median']:7.3f} s")
    if "save_to_page" in serve:
        save = serve["save_to_page"]
        print(f"  {'save to page updated (DOM loaded; as Playwright saw it)':<52} {save['median']:7.3f} s  {save['playwright_median']:7.3f} s")
    print_ab(report.get("ab", {}))
    renderer = report["renderer"]
    print(f"\nRendering the {renderer['charts']} real charts (warm, no cache)")
    for key, label in (("sequential_s", "one by one"), ("threads_2_s", "two threads"), ("processes_2_s", "two processes")):
        print(f"  {label:<52} {renderer[key]:7.3f} s  ({renderer['sequential_s'] / renderer[key]:.2f}x one by one)")
    cpu = report["cpu"]
    print("\nWhere a cold build's CPU goes (the real site; CPU seconds, each kind of work in turn)")
    for kind, seconds in sorted(cpu["cpu_s"].items(), key=lambda item: -item[1]):
        print(f"  {kind:<52} {seconds:7.3f} s")
    floor = f"total, over {cpu['cores']} cores: the floor of a cold build"
    print(f"  {floor:<52} {cpu['total_cpu_s']:7.3f} s  -> {cpu['floor_s']:.3f} s")
    for kind, seconds in cpu.get("install_cpu_s", {}).items():
        print(f"  {kind + ', once per installation':<52} {seconds:7.3f} s")
    print("\nPage weights, gzip bytes             html      css      svg       js    total")
    for name, weight in report["weights"]["pages"].items():
        print(f"  {name:<32} {weight['html']:8} {weight['css']:8} {weight['svg']:8} {weight['js']:8} {weight['total']:8}")
    print_deployed(report["deployed"])
    print("\nScale: generated projects, cold build with the command line")
    for services, result in report["scale"].items():
        print(
            f"  {services:>5} services {result['pages']:>6} pages {result['wall_s']:9.2f} s  {result['per_service_s'] * 1000:8.1f} ms per service "
            f"({result['charts_rendered']:.0f} charts rendered)"
        )
    print("\nRatios measured in this run")
    print(f"  cold / no-op rebuild (CLI)                           {cli['cold']['wall_s'] / cli['noop']['wall_s']:7.2f}x")
    print(f"  cold rendering in threads / in processes (CLI)       {cli['cold_render_in_threads']['wall_s'] / cli['cold']['wall_s']:7.2f}x")
    print(f"  CLI paragraph edit / serve paragraph rebuild         {cli['paragraph_edit']['wall_s'] / serve['paragraph_rebuild_s']['median']:7.2f}x")
    print(f"  Observable Framework cold (3.6 s) / ours             {OBSERVABLE['cold_build_s'] / cli['cold']['wall_s']:7.2f}x")
    print(f"  Observable Framework paragraph rebuild (3.3 s) / ours {OBSERVABLE['paragraph_rebuild_s'] / serve['paragraph_rebuild_s']['median']:6.2f}x")
    print("\nTargets                                                        measured    target   ratio  verdict")
    for row in report["targets"]:
        measured = "-" if row["measured"] is None else f"{row['measured']:.3f}"
        ratio = "-" if row["ratio"] is None else f"{row['ratio']:.2f}"
        print(f"  {row['name']:<60} {measured:>9} {row['target']:>7} {row['unit']:<2} {ratio:>6}  {row['verdict']}")


def _machine() -> dict[str, Any]:
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(), "load_average_start": _load()}


def _load() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


if __name__ == "__main__":
    sys.exit(main())
