"""At scale, a service's chart and page show its neighbours in rank, so per-page cost stays flat as services grow."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pandas as pd
import pytest

from site_builder.build import BuildResult
from site_builder.charting import MOST_BARS
from site_builder.render import Page
from story.charts import NEAREST, nearest, service_view
from story.figures import Figures, ServiceFigures
from story.pages import page_context, service_output


def ranked(count: int) -> pd.DataFrame:
    return pd.DataFrame({"code": [f"S{i}" for i in range(count)], "calls": list(range(count, 0, -1))})


def ranked_near(frame: pd.DataFrame, code: str) -> pd.DataFrame:
    """Return the rows a chart or page shows around `code`, found by looking through the ranking."""
    return frame.iloc[nearest(int(frame.index[frame["code"] == code][0]), len(frame))]


@pytest.mark.parametrize("position", [0, 1, 6, 7, 500, 1291, 1298, 1299])
def test_a_service_is_shown_among_the_services_ranked_nearest_it(position: int) -> None:
    frame = ranked(1300)
    near = ranked_near(frame, f"S{position}")
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


class CountingServices(tuple[ServiceFigures, ...]):
    """The services of a Figures that count how often something walks through all of them."""

    walks = 0

    def __iter__(self) -> Iterator[ServiceFigures]:
        CountingServices.walks += 1
        return super().__iter__()


def many_services(built: BuildResult, count: int) -> Figures:
    """Return the real figures with `count` helping services, each the first real one under a new code, in rank order."""
    real = built.figures
    services = [dataclasses.replace(real.services[0], code=f"S{index}") for index in range(count)]
    return Figures(list(real.headline), services, real.recipient)


def test_a_service_page_lists_the_services_its_chart_shows(built: BuildResult) -> None:
    figures = many_services(built, 300)
    frame = pd.DataFrame({"code": [s.code for s in figures.services]})
    for code in [s.code for s in figures.services] + [figures.recipient.code]:
        page = Page(service_output(code), "", "", "service.html", subject=code)
        listed = [s.code for s in page_context(page, figures, "")["services"]]
        assert listed == list(service_view(figures, code).frame["code"]), code  # London's page listed 13 of its chart's 25
        if code != figures.recipient.code:
            assert listed == list(ranked_near(frame, code)["code"])


def test_listing_every_service_page_does_not_walk_every_service_per_page(built: BuildResult) -> None:
    figures = many_services(built, 1300)
    figures.services = CountingServices(figures.services)
    CountingServices.walks = 0
    for code in [f"S{index}" for index in range(1300)]:
        page = Page(service_output(code), "", "", "service.html", subject=code)
        assert figures.service(code).code == code
        assert len(page_context(page, figures, "")["services"]) == NEAREST
    assert CountingServices.walks == 0, "a lookup by code that scans the services makes n pages cost n² steps"
