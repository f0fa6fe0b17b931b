"""The interactive charts after the runtime has redrawn them: nothing empty or unlabelled left behind once a reader has
used them, and their numbers reachable without a mouse (the tooltips are the pointer's; the table is everyone's)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from bs4 import BeautifulSoup
from playwright.sync_api import Browser, Page
from test_browser import WCAG_21_AA, site_pages
from test_overflow import ALL_REDRAWN, REDRAW_ALL

from site_builder.build import BuildResult

# What axe's WCAG rules leave to other checkers: a form with no controls (Vega's bindings container), a control without
# a name, a landmark without one. One round trip per page.
LEFT_BEHIND = """() => {
    const found = [];
    const named = el => (el.labels && el.labels.length) || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')
        || el.getAttribute('title') || (['BUTTON', 'SUMMARY'].includes(el.tagName) && el.textContent.trim());
    document.querySelectorAll('form').forEach(form => {
        if (!form.querySelector('input:not([type=hidden]), select, textarea, button')) found.push(`a form with no controls (${form.className || 'no class'})`);
    });
    document.querySelectorAll('input:not([type=hidden]), select, textarea, button').forEach(control => {
        if (!named(control)) found.push(`a control without a name: ${control.outerHTML.slice(0, 80)}`);
    });
    document.querySelectorAll('[role=form], [role=region], [role=search], form, section').forEach(landmark => {
        const role = landmark.getAttribute('role') || landmark.tagName.toLowerCase();
        if (['form', 'region', 'search'].includes(role) && !named(landmark)) found.push(`a ${role} landmark without a name`);
    });
    return found;
}"""

# Rest the pointer on the middle of the first live chart's first mark, as a reader reaching for a tooltip would.
FIRST_MARK = "figure.chart .chart-live svg .mark-rect path, figure.chart .chart-live svg .mark-shape path, figure.chart .chart-live svg .mark-symbol path"


def use_the_charts(page: Page) -> None:
    """Redraw every chart, point at a mark of the first until its tooltip shows, and move the keyboard focus into it."""
    page.evaluate(REDRAW_ALL)
    page.wait_for_function(ALL_REDRAWN, timeout=30_000)
    mark = page.locator(FIRST_MARK).first
    mark.scroll_into_view_if_needed()
    box = mark.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.locator(".chart-tooltip").wait_for(state="visible", timeout=5_000)
    page.locator("figure.chart .chart-hint a").first.focus()


@pytest.fixture(scope="module")
def chart_pages(site_folder: Path) -> list[str]:
    """Return the pages whose charts the runtime redraws (embeds show the static drawing alone)."""
    pages = [name for name in site_pages(site_folder) if not name.startswith("embed/")]
    with_charts = [name for name in pages if 'class="chart-graphic' in (site_folder / name).read_text(encoding="utf-8")]
    assert "index.html" in with_charts and len(with_charts) > 5
    return with_charts


def test_nothing_empty_or_unlabelled_is_left_after_the_charts_are_used(browser: Browser, site_url: str, chart_pages: list[str]) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(Axe().axe_script)
    options = json.dumps({"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]})
    report: list[str] = []
    page = context.new_page()
    for name in chart_pages:
        page.goto(site_url + name, wait_until="load")
        use_the_charts(page)
        report += [f"{name}: {item}" for item in page.evaluate(LEFT_BEHIND)]
        for violation in page.evaluate(f"() => axe.run(document, {options}).then(results => results.violations)"):
            targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
            report.append(f"{name}: axe {violation['id']}: {violation['help']}: {targets}")
    context.close()
    assert not report, "after the charts were used:\n" + "\n".join(report)


def test_the_check_finds_an_empty_form_and_an_unlabelled_control(browser: Browser, site_url: str) -> None:
    """The check must be able to fail: Vega's empty bindings form, put back, and a control with no name are reported."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(site_url + "index.html", wait_until="load")
    use_the_charts(page)
    assert page.evaluate(LEFT_BEHIND) == []
    page.evaluate(
        """() => {
            const live = document.querySelector('.chart-live');
            live.append(Object.assign(document.createElement('form'), {className: 'vega-bindings'}));
            live.append(document.createElement('input'));
        }"""
    )
    found = page.evaluate(LEFT_BEHIND)
    context.close()
    assert found[0] == "a form with no controls (vega-bindings)" and found[1].startswith("a control without a name: <input"), found


def test_every_chart_points_to_the_table_of_its_numbers(built: BuildResult) -> None:
    """Tooltips need a pointer: each interactive chart says, in a link, where every number it shows is."""
    pages = [page.output for page in built.pages if page.charts] + [name for name in built.files if name.startswith("embed/") and name.endswith(".html")]
    checked = 0
    for output in pages:
        soup = BeautifulSoup(built.files[output].decode("utf-8"), "html.parser")
        for figure in soup.select("figure.chart"):
            link = figure.select_one(".chart-hint a")
            assert link is not None, f"{output}: chart {figure['id']} does not say where its numbers are"
            table = figure.select_one(f"details.chart-data table[id='{link['href'].removeprefix('#')}']")
            assert table is not None and table.select("tbody tr"), f"{output}: chart {figure['id']}'s link leads to no table of its numbers"
            checked += 1
    assert checked > 20


@pytest.mark.parametrize("width", [360, 1280])
def test_the_keyboard_reaches_each_charts_numbers(browser: Browser, site_url: str, width: int) -> None:
    """Tab from the top of the page: the first stop in each chart is the link to its table, which Enter opens."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(site_url + "index.html", wait_until="load")
    page.evaluate(REDRAW_ALL)
    page.wait_for_function(ALL_REDRAWN, timeout=30_000)
    charts = page.evaluate("() => [...document.querySelectorAll('figure.chart')].map(figure => figure.id)")
    first_stops: dict[str, str] = {}
    for _ in range(400):  # every stop on the page, in order
        page.keyboard.press("Tab")
        stop = page.evaluate(
            "() => { const el = document.activeElement; const figure = el.closest('figure.chart');"
            " return figure ? [figure.id, el.className || el.tagName, el.textContent.trim()] : null; }"
        )
        if stop and stop[0] not in first_stops:
            first_stops[stop[0]] = f"{stop[1]}: {stop[2]}"
        if len(first_stops) == len(charts):
            break
    assert list(first_stops) == charts, f"charts the keyboard never reached: {set(charts) - set(first_stops)}"
    assert all(stop == "A: its table" for stop in first_stops.values()), first_stops
    # Enter on the link opens the table and brings it into view.
    chart = charts[-1]
    page.locator(f"#{chart} .chart-hint a").focus()
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => document.querySelector('#{chart} details.chart-data').open")
    assert page.locator(f"#{chart}-numbers").is_visible()
    assert page.evaluate(
        f"() => {{ const r = document.getElementById('{chart}-numbers').getBoundingClientRect(); return r.top >= -1 && r.top < innerHeight; }}"
    )
    context.close()
