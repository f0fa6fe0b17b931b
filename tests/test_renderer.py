"""The chart renderer: its shortcuts give the same bytes as the long way, and its cache never serves a bad entry."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import vl_convert as vlc

from site_builder import drawing, runtime, workers
from site_builder.build import BuildResult
from site_builder.cache import PNG_SCALE, ChartCache
from site_builder.charting import Chart
from site_builder.cli import main
from site_builder.embed import png_size
from site_builder.errors import ChartError
from site_builder.renderer import render_chart
from site_builder.titles import untitled


@pytest.fixture(scope="module")
def charts(built: BuildResult) -> list[Chart]:
    """Return two real charts: the overview and one service's."""
    return [built.rendered["calls-by-service"].chart, next(r.chart for i, r in sorted(built.rendered.items()) if i.startswith("service-"))]


def test_stripping_the_title_from_compiled_vega_equals_compiling_the_untitled_spec(charts: list[Chart]) -> None:
    for chart in charts:
        vega = vlc.vegalite_to_vega(chart.spec)
        assert "title" in vega, chart.id
        assert vlc.vega_to_svg(untitled(vega)) == vlc.vega_to_svg(vlc.vegalite_to_vega(untitled(chart.spec))), chart.id


def test_every_png_is_its_titled_svg_rasterised_at_twice_its_size(built: BuildResult, charts: list[Chart]) -> None:
    # Rasterising the SVG (rather than vl-convert's direct PNG path, which falls back to DejaVu Sans when a
    # font list starts with a missing font) draws the PNG in the font the SVG was measured with.
    for chart_id, rendered in built.rendered.items():
        size = re.search(r'<svg[^>]* width="([0-9.]+)" height="([0-9.]+)"', rendered.svg)
        assert size is not None, chart_id
        assert png_size(rendered.png) == (round(float(size[1]) * PNG_SCALE), round(float(size[2]) * PNG_SCALE)), chart_id
    for chart in charts:
        rendered = built.rendered[chart.id]
        assert rendered.png == drawing.rasterise(rendered.svg, PNG_SCALE), chart.id


def drawings(chart: Chart) -> int:
    """Return how many cache entries a chart has: its wide drawing, and its narrow one if any."""
    return 1 + (chart.narrow_spec is not None)


def test_a_second_render_comes_from_the_cache(charts: list[Chart], tmp_path: Path) -> None:
    first = render_chart(charts[0], ChartCache(tmp_path))
    cache = ChartCache(tmp_path)
    second = render_chart(charts[0], cache)
    assert (cache.hits, cache.misses) == (drawings(charts[0]), 0)
    assert second == first


def half_written(entry: bytes) -> bytes:
    return entry[: len(entry) // 2]


def one_byte_changed(entry: bytes) -> bytes:
    at = len(entry) - 100  # inside the last part
    return entry[:at] + bytes([entry[at] ^ 0xFF]) + entry[at + 1 :]


def header_broken(entry: bytes) -> bytes:
    return b"{not json" + entry[entry.index(b"\n") :]


def lengths_wrong(entry: bytes) -> bytes:
    header, data = entry.split(b"\n", 1)
    fields = json.loads(header)
    fields["lengths"]["svg"] += 1
    return json.dumps(fields).encode() + b"\n" + data


@pytest.mark.parametrize("damage", [half_written, one_byte_changed, header_broken, lengths_wrong])
def test_a_damaged_cache_entry_is_rendered_again_not_served(charts: list[Chart], tmp_path: Path, damage: Callable[[bytes], bytes]) -> None:
    chart = charts[0]
    good = render_chart(chart, ChartCache(tmp_path))
    key = ChartCache(tmp_path).key(chart.spec)
    entry = tmp_path / key[:2] / f"{key}.chart"  # the wide drawing's entry (a narrow drawing has its own)
    entry.write_bytes(damage(entry.read_bytes()))
    cache = ChartCache(tmp_path)
    again = render_chart(chart, cache)
    assert (cache.hits, cache.misses) == (drawings(chart) - 1, 1)
    assert again == good
    fresh = ChartCache(tmp_path)
    render_chart(chart, fresh)
    assert (fresh.hits, fresh.misses) == (drawings(chart), 0), "the entry was repaired"


def test_a_render_process_that_dies_is_reported_as_a_chart_error() -> None:
    processes = workers.RenderProcesses(1)
    try:
        future = processes.submit(workers.bundle_runtime, "window.vega = vega;")  # over half a second of work
        time.sleep(0.2)
        os.kill(next(iter(processes._processes)), signal.SIGKILL)
        with pytest.raises(ChartError, match="the runtime could not be bundled: a render process stopped"):
            workers.collect(future, "the runtime could not be bundled", "site_builder/runtime.py")
    finally:
        processes.shutdown(wait=False)
    assert workers.submit(workers.render_drawing, {"mark": "point"}).result()[0].startswith("<svg")  # rendering goes on


def test_a_task_for_processes_that_all_died_fails_at_once() -> None:
    """Found forking render processes from a process that had vl-convert loaded: both died, and a task submitted
    after that waited forever, with no process left to take it."""
    processes = workers.RenderProcesses(1)
    try:
        (process,) = processes._processes.values()
        process.kill()
        process.join()
        deadline = time.monotonic() + 30
        while not processes._broken and time.monotonic() < deadline:
            time.sleep(0.05)
        for _ in range(3):
            future = processes.submit(workers.warm_up)
            with pytest.raises(ChartError, match="a render process stopped"):
                workers.collect(future, "the test task failed", "tests")
    finally:
        processes.shutdown(wait=False)


def test_render_processes_are_forked_only_from_a_process_with_one_thread_and_no_drawing_library() -> None:
    code = "import sys; from site_builder import workers; print(workers._can_fork(), end=' '); import vl_convert; print(workers._can_fork())"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "True False"
    code = "import threading, time; threading.Thread(target=time.sleep, args=(2,)).start(); from site_builder import workers; print(workers._can_fork())"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"


def test_forked_and_spawned_render_processes_build_the_same_site(tmp_path: Path) -> None:
    """A command line's build forks its render processes (no interpreter to start); a fresh interpreter per process,
    as a preview server or a test gets, must draw every file the same."""
    root = Path(__file__).resolve().parent.parent
    sites = {}
    for start in ("fork", "spawn"):
        env = {**os.environ, "SITE_BUILDER_CACHE": str(tmp_path / f"cache-{start}"), workers.START: start}
        code = (
            "import sys; from site_builder import cli, workers; "
            f"code = cli.main(['build', '--root', {str(root)!r}, '--out', {str(tmp_path / start)!r}, '-q']); "
            "print(code, workers.pool().start_method)"
        )
        result = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True)
        assert result.stdout.split() == ["0", "fork" if start == "fork" else "forkserver"], result.stderr
        sites[start] = {path.relative_to(tmp_path / start): path.read_bytes() for path in sorted((tmp_path / start).rglob("*")) if path.is_file()}
    assert sites["fork"].keys() == sites["spawn"].keys()
    assert [name for name in sites["fork"] if sites["fork"][name] != sites["spawn"][name]] == []


def test_a_chart_draws_the_same_svg_whatever_was_drawn_before(built: BuildResult) -> None:
    # Vega numbers clip paths with a counter that outlives one drawing: the map drawn after another chart must not differ.
    vega = json.loads(built.rendered["map"].vega_json)
    first = drawing.draw_svg(vega)
    drawing.draw_svg(json.loads(built.rendered["calls-by-service"].vega_json))
    assert drawing.draw_svg(vega) == first
    assert 'id="clip1"' in first and "url(#clip1)" in first


def test_a_damaged_cached_runtime_is_bundled_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(runtime.RUNTIME_DIR, str(tmp_path / "no-installed-runtime"))
    script = runtime.vega_runtime(tmp_path)
    (entry,) = tmp_path.rglob("*.js")
    entry.write_bytes(half_written(entry.read_bytes()))
    assert runtime.vega_runtime(tmp_path) == script
    assert entry.read_bytes().endswith(script), "the entry was repaired"


def test_a_build_takes_the_runtime_the_installation_keeps_and_bundles_it_only_when_that_is_damaged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    installed, cache = tmp_path / "installed", tmp_path / "cache"
    monkeypatch.setenv(runtime.RUNTIME_DIR, str(installed))
    assert main(["runtime", "-q"]) == 0
    (entry,) = installed.rglob("*.js")
    script = runtime.vega_runtime(cache)
    assert entry.read_bytes().endswith(script) and b"window.vega" in script.replace(b"window.vega=", b"window.vega")
    assert not cache.exists(), "nothing bundled or cached by the build"
    entry.write_bytes(half_written(entry.read_bytes()))
    assert runtime.vega_runtime(cache) == script, "a damaged installed runtime is never served: the build bundles its own"
    assert len(list(cache.rglob("*.js"))) == 1


def test_a_schema_check_whose_render_process_died_is_not_called_a_data_error(project_copy: Path) -> None:
    # A copy: a check of the real data started by an earlier test (and answered) would be taken instead.
    from site_builder import validation
    from site_builder.errors import BuildError, DataError

    processes = workers.pool()
    try:
        for process in list(processes._processes.values()):  # type: ignore[attr-defined]
            process.kill()
            process.join()
        datapackage = project_copy / "data" / "datapackage.json"
        with pytest.raises(BuildError, match="a render process stopped") as raised:
            validation.check(datapackage)
        assert not isinstance(raised.value, DataError)
        assert "data error" not in raised.value.describe()
    finally:
        workers.discard()
    validation.check(datapackage)  # a fresh set of render processes checks it, and the data is fine
