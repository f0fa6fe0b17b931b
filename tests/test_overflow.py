"""Every chart's text lies inside its drawing: on every page and embed, at every screen width, with JavaScript off and
after the interactive charts have redrawn, and in every downloadable SVG (inside its viewBox).

A text that runs past a drawing's edge is cut off (an inline SVG clips what it does not contain), so the reader
loses it without a sign. The checks find the charts from the built site itself, so a chart added later is checked
without a word here. Text width needs a renderer: Chromium measures every text as it draws it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import vl_convert as vlc
from playwright.sync_api import Browser, BrowserContext, Page
from test_browser import site_pages

from site_builder.charting import NARROW, WIDE, RankedBars, Rule, make_chart
from site_builder.titles import untitled

pytestmark = pytest.mark.browser

WIDTHS = (360, 768, 1280)
DRAWN_AT = {"narrow": (360,), "wide": (1280, 768)}  # the widths that show each drawing (the narrow below 640 px)
TOLERANCE = 0.5  # px: sub-pixel rounding of a glyph's box, not a cut letter
BATCH = 8  # pages loaded side by side, each in its own renderer

# One round trip per page: every text of every visible chart drawing, and how far it runs past each edge of the
# drawing. Playwright evaluates in its own world, so this runs with the page's JavaScript off too.
PAGE_OVERFLOWS = """(tolerance) => [...document.querySelectorAll('figure.chart')].flatMap(figure =>
    [...figure.querySelectorAll('.chart-graphic svg')]
        .filter(svg => !svg.parentElement.closest('svg') && svg.checkVisibility() && svg.getBoundingClientRect().width > 0)
        .flatMap(svg => {
            const box = svg.getBoundingClientRect();
            return [...svg.querySelectorAll('text')].filter(text => text.textContent.trim()).flatMap(text => {
                const r = text.getBoundingClientRect();
                const sides = {left: box.left - r.left, right: r.right - box.right, top: box.top - r.top, bottom: r.bottom - box.bottom};
                return Object.entries(sides).filter(([, by]) => by > tolerance)
                    .map(([side, by]) => ({chart: figure.id, text: text.textContent.trim(), side, by}));
            });
        }))"""

# The same for a downloadable SVG opened on its own: each text against the viewBox, in the drawing's own units.
FILE_OVERFLOWS = """(tolerance) => {
    const svg = document.documentElement;
    const box = svg.getBoundingClientRect();
    const view = svg.viewBox.baseVal;
    const scale = view.width ? box.width / view.width : 1;
    return [...svg.querySelectorAll('text')].filter(text => text.textContent.trim()).flatMap(text => {
        const r = text.getBoundingClientRect();
        const sides = {left: box.left - r.left, right: r.right - box.right, top: box.top - r.top, bottom: r.bottom - box.bottom};
        return Object.entries(sides).filter(([, by]) => by / scale > tolerance)
            .map(([side, by]) => ({chart: '', text: text.textContent.trim(), side, by: by / scale}));
    });
}"""

# A reader's browser without Arial or Liberation Sans sets the charts in its sans-serif: on Linux, DejaVu Sans, wider.
FALLBACK_FONT = "DejaVu Sans"
SET_FONT = """(font) => {
    let style = document.getElementById('overflow-font');
    if (!style) document.head.append(style = Object.assign(document.createElement('style'), {id: 'overflow-font'}));
    style.textContent = font ? `.chart-graphic svg text { font-family: '${font}' !important; }` : '';
}"""
FONT_INSTALLED = """(font) => { const c = document.createElement('canvas').getContext('2d'); const width = f => { c.font = f; return c.measureText('Every chart 0123').width; };
    return width(`13px '${font}', monospace`) !== width('13px monospace'); }"""

# With JavaScript on, a chart redraws when it comes near the screen or is focused: focus them all, and wait until each
# has redrawn (or given up, which leaves the static drawing and is reported). A page without the charts' script (an
# embed) starts none: focusing marks a chart it redraws at once (data-state), so only those are waited for.
REDRAW_ALL = "() => document.querySelectorAll('.chart-graphic[data-spec]').forEach(g => g.dispatchEvent(new FocusEvent('focusin')))"
REDRAWING = ".chart-graphic[data-spec][data-state]"
ALL_REDRAWN = f"() => [...document.querySelectorAll('{REDRAWING}')].every(g => ['live', 'static'].includes(g.dataset.state))"
NOT_REDRAWN = f"() => [...document.querySelectorAll('{REDRAWING}')].filter(g => g.dataset.state !== 'live').map(g => g.closest('figure').id)"


def describe(where: str, found: list[dict[str, object]]) -> list[str]:
    """Return one line per text past an edge: where, chart, text, overflow in px and side."""
    return [f"{where}: chart {item['chart'] or '-'}: {item['text']!r} overflows by {float(item['by']):.1f} px ({item['side']})" for item in found]  # type: ignore[arg-type]


def page_overflows(page: Page, where: str) -> list[str]:
    """Return every chart text past its drawing's edge on the page as it is now."""
    return describe(where, page.evaluate(PAGE_OVERFLOWS, TOLERANCE))


def redrawn_overflows(context: BrowserContext, site_url: str, names: list[str], widths: tuple[int, ...]) -> list[str]:
    """Load the pages a batch at a time with JavaScript on at the first of `widths`, redraw every chart, and return the
    overflows and failed redraws at each of the `widths` (screens that all show the same drawing, the wide or the narrow)."""
    problems: list[str] = []
    for start in range(0, len(names), BATCH):
        opened = []
        for name in names[start : start + BATCH]:
            page = context.new_page()
            page.goto(site_url + name, wait_until="load")
            page.evaluate(REDRAW_ALL)
            opened.append((name, page))
        for name, page in opened:
            page.wait_for_function(ALL_REDRAWN, timeout=30_000)
            problems += [f"{name} at {widths[0]} px, JavaScript on: chart {chart} did not redraw" for chart in page.evaluate(NOT_REDRAWN)]
            for width in widths:
                page.set_viewport_size({"width": width, "height": 900})
                problems += page_overflows(page, f"{name} at {width} px, JavaScript on")
            page.close()
    return problems


@pytest.fixture(scope="module")
def pages(site_folder: Path) -> list[str]:
    """Return every page of the built site, embeds included."""
    return site_pages(site_folder)


def test_every_chart_text_lies_inside_its_drawing_without_javascript(browser: Browser, site_url: str, pages: list[str]) -> None:
    # The page's layout changes with the width but not what it loads: one load per page, measured at each width, in the
    # font the page asks for (Arial, here Liberation Sans: the same widths) and in the sans-serif a reader without it sees.
    context = browser.new_context(java_script_enabled=False, viewport={"width": WIDTHS[0], "height": 900})
    page = context.new_page()
    problems: list[str] = []
    for name in pages:
        page.goto(site_url + name, wait_until="load")
        for font in ("", FALLBACK_FONT):
            page.evaluate(SET_FONT, font)
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                problems += page_overflows(page, f"{name} at {width} px, JavaScript off{f', in {font}' if font else ''}")
    assert page.evaluate(FONT_INSTALLED, FALLBACK_FONT), f"{FALLBACK_FONT} is not installed: `make test` installs it (fonts-dejavu-core)"
    context.close()
    assert not problems, "chart text runs past its drawing's edge:\n" + "\n".join(problems)


# The runtime redraws the drawing that fits the screen as the page loads (the narrow below 640 px, else the wide, at its
# own size whatever the screen): one load per page for each drawing, measured at each width that shows it.
@pytest.mark.parametrize("widths", DRAWN_AT.values(), ids=DRAWN_AT.keys())
def test_every_chart_text_lies_inside_its_drawing_after_the_redraw(browser: Browser, site_url: str, pages: list[str], widths: tuple[int, ...]) -> None:
    context = browser.new_context(viewport={"width": widths[0], "height": 900})
    problems = redrawn_overflows(context, site_url, pages, widths)
    context.close()
    assert not problems, "chart text runs past its drawing's edge:\n" + "\n".join(problems)


def test_every_downloadable_svg_keeps_its_text_inside_its_view_box(browser: Browser, site_url: str, site_folder: Path) -> None:
    drawings = sorted(path.name for path in (site_folder / "charts").glob("*.svg"))
    assert len(drawings) > 10, drawings
    context = browser.new_context()
    page = context.new_page()
    problems: list[str] = []
    for drawing in drawings:
        page.goto(site_url + "charts/" + drawing, wait_until="load")
        problems += describe(f"charts/{drawing}", page.evaluate(FILE_OVERFLOWS, TOLERANCE))
    context.close()
    assert not problems, "text runs past the downloadable drawing's viewBox:\n" + "\n".join(problems)


def test_the_check_reports_a_text_placed_outside_a_drawing(browser: Browser, site_url: str, site_folder: Path, tmp_path: Path) -> None:
    """The checks must be able to fail: a text set past a chart's right edge is reported with its chart, words and overflow."""
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(site_url + "index.html", wait_until="load")
    assert not page_overflows(page, "index.html")
    chart = page.evaluate(
        """() => {
            const svg = [...document.querySelectorAll('figure.chart .chart-graphic svg')].find(svg => svg.checkVisibility());
            const text = document.createElementNS('http://www.w3.org/2000/svg', 'text');
            text.setAttribute('x', svg.viewBox.baseVal.width - 10);
            text.setAttribute('y', 20);
            text.setAttribute('font-size', 13);
            text.textContent = 'Placed outside';
            svg.append(text);
            return svg.closest('figure').id;
        }"""
    )
    problems = page_overflows(page, "index.html")
    drawing = (site_folder / "charts" / f"{chart}.svg").read_text(encoding="utf-8")
    (tmp_path / "outside.svg").write_text(drawing.replace("</svg>", '<text x="-30" y="20" font-size="13">Placed outside</text></svg>'), encoding="utf-8")
    page.goto((tmp_path / "outside.svg").as_uri())
    in_file = describe("outside.svg", page.evaluate(FILE_OVERFLOWS, TOLERANCE))
    context.close()
    assert len(problems) == 1 and problems[0].startswith(f"index.html: chart {chart}: 'Placed outside' overflows by "), problems
    assert problems[0].endswith("px (right)") and float(problems[0].split(" by ")[1].split(" px")[0]) > 50, problems
    assert len(in_file) == 1 and in_file[0].startswith("outside.svg: chart -: 'Placed outside' overflows by 30.0 px (left)"), in_file


# Data no chart of the story has: numbers far longer than their bars' names, names at the label limit, one bar dwarfing
# the rest, a rule just short of the scale's end (its label must turn back), and a highlighted (bold) name.
AWKWARD = {
    "long numbers": pd.DataFrame({"name": ["A", "B", "C"], "value": [9_876_543.0, 9_000_000.0, 12.0], "bold": [False, True, False]}),
    "long names": pd.DataFrame(
        {
            "name": ["A very long service name indeed, cut at the limit", "Short", "Mid-length name"],
            "value": [123_456.0, 99_999.0, 5.0],
            "bold": [True, False, False],
        }
    ),
}


@pytest.mark.parametrize("data", AWKWARD.values(), ids=AWKWARD.keys())
def test_ranked_bars_leave_room_for_their_text_whatever_the_data(browser: Browser, data: pd.DataFrame, tmp_path: Path) -> None:
    """The room is measured from the labels, not tuned to the story's numbers: any data's text stays inside the drawing."""
    bars = RankedBars(
        data, name="name", value="value", axis_title="A value", highlight="bold", rules=[Rule(float(data["value"].max()) * 0.98, "A rule's label: 98%")]
    )
    chart = make_chart(
        "awkward", bars.draw(WIDE), narrow=bars.draw(NARROW), title="T", subtitle="S", description="D", source="S", table=data, labels={"name": "Name"}
    )
    context = browser.new_context()
    page = context.new_page()
    problems: list[str] = []
    for width, spec in (("wide", chart.spec), ("narrow", chart.narrow_spec)):
        (tmp_path / f"{width}.svg").write_text(vlc.vegalite_to_svg(untitled(spec)), encoding="utf-8")
        page.goto((tmp_path / f"{width}.svg").as_uri())
        problems += describe(f"the {width} drawing", page.evaluate(FILE_OVERFLOWS, TOLERANCE))
    context.close()
    assert not problems, "\n".join(problems)
