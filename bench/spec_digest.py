"""Digest every chart spec the builder makes, to prove a change to the chart code leaves every spec as it was.

    .venv/bin/python bench/spec_digest.py > before.txt      # on the old code
    .venv/bin/python bench/spec_digest.py > after.txt       # on the new code
    diff before.txt after.txt                               # no output: every spec is identical

Each line is `project chart-id drawing sha256 sha256`, the hashes of `json.dumps(spec, sort_keys=True)` and of
`json.dumps(spec)` (so the keys' order is compared too; and a line `words`
for the chart's title, subtitle, description, source and table), for the real
project and for generated projects of 40 and 130 services (more than MOST_BARS, so service charts show a window).
`--time` also prints the median time of `build_charts` over a few runs for each project.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import generate_project  # noqa: E402

from site_builder.config import load_config  # noqa: E402
from site_builder.story import build_charts, load_figures  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def digest(spec: object) -> str:
    """Return the hash of a spec as JSON with sorted keys, and of the JSON in the spec's own key order."""
    return " ".join(hashlib.sha256(json.dumps(spec, sort_keys=sort).encode("utf-8")).hexdigest() for sort in (True, False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="40,130", help="generated project sizes, comma-separated (the real project always comes first)")
    parser.add_argument("--time", type=int, default=0, metavar="RUNS", help="also time build_charts: median of RUNS runs after a warm-up")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        projects = [("real", ROOT)]
        projects += [(f"synthetic-{n}", generate_project(Path(folder) / f"s{n}", int(n))) for n in arguments.scales.split(",") if n]
        for name, root in projects:
            config = load_config(root)
            story, dataset, figures = load_figures(config)
            start = time.perf_counter()
            charts = build_charts(story, figures, dataset)
            print(f"{name}: build_charts first call {time.perf_counter() - start:.3f} s", file=sys.stderr)
            for chart_id, chart in charts.items():
                print(name, chart_id, "wide", digest(chart.spec))
                print(name, chart_id, "narrow", digest(chart.narrow_spec))
                words = [chart.id, chart.title, chart.subtitle, chart.description, chart.source, chart.table.columns, chart.table.rows, chart.table.raw]
                print(name, chart_id, "words", digest(words))
            if arguments.time:
                times = []
                for _ in range(arguments.time):
                    start = time.perf_counter()
                    build_charts(story, figures, dataset)
                    times.append(time.perf_counter() - start)
                print(f"{name}: build_charts median {statistics.median(times):.3f} s of {arguments.time} runs, {len(charts)} charts", file=sys.stderr)


if __name__ == "__main__":
    main()
