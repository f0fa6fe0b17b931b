"""The benchmark runs end to end on the smallest scale and writes a report (no thresholds: timings belong in `make bench`)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench" / "bench.py"


def test_bench_runs_once_on_the_smallest_scale_and_writes_json(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = subprocess.run([sys.executable, str(BENCH), "--runs", "1", "--scales", "13", "--out", str(out)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    assert set(report["cli"]) == {"cold", "cold_render_in_threads", "cold_bundling_runtime", "noop", "paragraph_edit", "data_edit"}
    assert report["cli"]["cold"]["charts_rendered"] > 0 and report["cli"]["noop"]["charts_rendered"] == 0
    assert report["serve"]["save_to_page"]["samples"]
    assert "index.html" in report["weights"]["pages"]
    deployed = report["deployed"]["first_load"]
    assert 0 < deployed["wire_bytes"] < deployed["plain_bytes"], "nginx's gzip, as deploy/nginx.conf has it, shrinks the home page"
    assert report["scale"]["13"]["pages"] > 13
    assert {row["verdict"] for row in report["targets"]} <= {"PASS", "OVER", "n/a"}
    assert report["cpu"]["cpu_s"]["rasterise the charts' PNGs (libvips)"] > 0
    assert not any(kind.startswith("set-up") for kind in report["cpu"]["cpu_s"]), "the runtime's bundling is set-up, not a build's work"
    assert any("bundle the Vega runtime" in kind for kind in report["cpu"]["install_cpu_s"])
    assert "Targets" in result.stdout and "Where a cold build's CPU goes" in result.stdout
