"""Generate a valid project with any number of helping services, for measuring how build cost grows.

The first 13 services (12 helpers and London) are the real ones, unchanged; the rest are invented, with calls drawn from a fixed
seed so every run builds the same site. Each invented service gets a population with a source (and one
invented district that holds it) and a small square on the map; NHS England's table does not know it, so its page
shows that gap, so the data passes every rule the real data does. The home page is a short generated
page without the real story's claims (they are about the real totals); the data and methodology pages are
the real ones.
"""

from __future__ import annotations

import csv
import io
import json
import random
import shutil
import string
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RECIPIENT = "LAS"
SEED = 20201230
BOUNDARIES = "geo/uk_ambulance_services_approx.topojson"
NATIONS = (("England", "England"), ("Wales", "Wales"), ("Scotland", "Scotland"), ("Northern Ireland", "Northern Ireland"))

HOME_PAGE = """---
title: "{count} ambulance services answer London's calls"
description: A generated page for measuring how the build grows with the number of services.
---

From {{{{ fig.date_period_start }}}}, {{{{ fig.helper_services }}}} other services answered {{{{ fig.calls_answered_total }}}}
of London Ambulance Service's 999 calls; {{{{ fig.category_1_total }}}} were category 1. {{{{ fig.top_service_name }}}}
answered the most, {{{{ fig.top_service_calls }}}}.

{{{{ chart("calls-by-service") }}}}

Every service has [its own page]({{{{ url("services") }}}}); see [the data]({{{{ url("data.md") }}}}) and
[how we worked the figures out]({{{{ url("methodology.md") }}}}).
"""


def service_code(index: int) -> str:
    """Return a letters-only code (the schema's pattern) for the index-th invented service."""
    letters = string.ascii_uppercase
    code = ""
    index += 26 * 26  # at least three letters after the prefix, never clashing with a real code
    while index:
        index, digit = divmod(index, 26)
        code = letters[digit] + code
    return "SY" + code


def generate_project(destination: Path, services: int) -> Path:
    """Write a project with `services` ambulance services (the one helped among them) into `destination` and return it."""
    if destination.exists():
        shutil.rmtree(destination)
    destination.mkdir(parents=True)
    settings = (ROOT / "site.yml").read_text(encoding="utf-8")
    # The generated project tells the real story: its settings name the story's package where it is.
    (destination / "site.yml").write_text(settings.replace("story: story ", f"story: {ROOT / 'story'} ", 1), encoding="utf-8")
    shutil.copytree(ROOT / "templates", destination / "templates")
    shutil.copytree(ROOT / "data", destination / "data")
    content = destination / "content"
    content.mkdir()
    for name in ("data.md", "methodology.md"):
        shutil.copy2(ROOT / "content" / name, content / name)
    (content / "index.md").write_text(HOME_PAGE.format(count=services), encoding="utf-8")

    data = destination / "data"
    aid_rows = _read_csv(data / "mutual_aid.csv")
    population_rows = _read_csv(data / "populations.csv")
    district_rows = _read_csv(data / "lad_populations.csv")
    real = len(aid_rows) + 1  # the helpers and the service they helped, each with a page and a chart
    if services < real:
        raise ValueError(f"a generated project keeps the {real} real services; ask for at least {real}")
    randomness = random.Random(SEED)
    template = population_rows[-1]
    invented = []
    for index in range(services - real):
        code = service_code(index)
        nation, region = NATIONS[index % len(NATIONS)]
        calls = int(randomness.lognormvariate(5.5, 1.2)) if index % 9 else 0
        category_1 = int(calls * randomness.uniform(0.03, 0.2))
        cardiac = min(category_1, int(calls * randomness.uniform(0.0, 0.03)))
        name = f"Synthetic Ambulance Service {code[2:]}"
        invented.append(code)
        aid_rows.append(
            {
                "code": code,
                "name": f"{name} NHS Trust",
                "short_name": f"Synthetic {code[2:]}",
                "nation": nation,
                "nation_region": region,
                "calls_answered": str(calls),
                "category_1_calls": str(category_1),
                "cardiac_arrest_calls": str(cardiac),
            }
        )
        population = str(randomness.randint(200_000, 6_000_000))
        # One invented district each, so its population is the sum of its districts as the story requires.
        district = {**{key: "" for key in district_rows[0]}, "lad19_code": f"E9{index:07d}", "lad19_name": f"{name} district"}
        district_rows.append({**district, "region_or_nation": region, "population": population, "service_code": code})
        population_rows.append(
            {
                **{key: "" for key in template},
                "code": code,
                "name": name,
                "population": population,
                "population_year": "mid-2019",
                "population_basis": "invented for the benchmark",
                "population_source_url": "https://example.org/benchmark",
            }
        )
    _write_csv(data / "mutual_aid.csv", aid_rows)
    _write_csv(data / "populations.csv", population_rows)
    _write_csv(data / "lad_populations.csv", district_rows)
    if invented:
        _add_squares(data / BOUNDARIES, invented)
    return destination


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def _write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _add_squares(path: Path, codes: list[str]) -> None:
    """Give each invented service a small square area on a grid off the coast, as TopoJSON arcs."""
    topology = json.loads(path.read_text(encoding="utf-8"))
    arcs = topology["arcs"]
    geometries = topology["objects"]["ambulance_services"]["geometries"]
    side, columns = 400, 40  # quantized units (about 0.04 degrees)
    for index, code in enumerate(codes):
        x, y = 5_000 + (index % columns) * side * 2, 5_000 + (index // columns) * side * 2
        arcs.append([[x, y], [side, 0], [0, side], [-side, 0], [0, -side]])
        geometries.append(
            {
                "type": "Polygon",
                "arcs": [[len(arcs) - 1]],
                "properties": {"service": code, "code": code, "name": code, "area_source": "invented for the benchmark"},
            }
        )
    path.write_text(json.dumps(topology, separators=(",", ":")), encoding="utf-8")
