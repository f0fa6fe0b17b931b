"""At scale, a service's chart and page show its neighbours in rank, so per-page cost stays flat as services grow."""

from __future__ import annotations

import pandas as pd
import pytest

from site_builder.build import BuildResult
from site_builder.charts import MOST_BARS, NEAREST, _ranked_near


def ranked(count: int) -> pd.DataFrame:
    return pd.DataFrame({"code": [f"S{i}" for i in range(count)], "calls": list(range(count, 0, -1))})


@pytest.mark.parametrize("position", [0, 1, 6, 7, 500, 1291, 1298, 1299])
def test_a_service_is_shown_among_the_services_ranked_nearest_it(position: int) -> None:
    frame = ranked(1300)
    near = _ranked_near(frame, f"S{position}")
    assert len(near) == NEAREST
    assert f"S{position}" in set(near["code"])
    indexes = list(near.index)
    assert indexes == list(range(indexes[0], indexes[0] + NEAREST)), "a contiguous run of ranks"
    if NEAREST // 2 <= position < 1300 - NEAREST // 2:
        assert indexes[NEAREST // 2] == position, "centred when it can be"


def test_the_real_site_still_shows_every_service(built: BuildResult) -> None:
    services = len(built.figures.services)
    assert services <= MOST_BARS
    chart = built.rendered[f"service-{built.figures.services[0].code.lower()}"].chart
    assert len(chart.table.rows) == services
