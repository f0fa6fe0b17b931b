"""figures.json: what the site said, beside the data package, in the shape its shipped JSON Schema describes."""

from __future__ import annotations

import json
import math
from typing import Any

import jsonschema
import pytest
from bs4 import BeautifulSoup, Tag

from site_builder.build import BuildResult
from site_builder.published import schema_text

FIGURES = "data/figures.json"


@pytest.fixture(scope="module")
def record(built: BuildResult) -> dict[str, Any]:
    return json.loads(built.files[FIGURES])  # type: ignore[no-any-return]


def pages(built: BuildResult) -> list[str]:
    """Return every page of the site (embeds, which quote no figure, aside)."""
    return sorted(name for name in built.files if name.endswith(".html") and not name.startswith("embed/"))


def test_figures_json_validates_against_the_schema_the_project_ships(record: dict[str, Any], built: BuildResult) -> None:
    schema = json.loads(schema_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(record, schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    assert built.files["data/figures.schema.json"] == schema_text()  # published beside it, for other sites
    assert set(record["figures"]) == set(built.figures)


def test_the_schema_refuses_a_record_with_a_figure_missing_its_text(record: dict[str, Any]) -> None:
    broken = json.loads(json.dumps(record))
    del next(iter(broken["figures"].values()))["text"]
    with pytest.raises(jsonschema.ValidationError, match="'text' is a required property"):
        jsonschema.validate(broken, json.loads(schema_text()))


def test_every_number_marked_up_on_every_page_is_in_figures_json_with_the_same_value(record: dict[str, Any], built: BuildResult) -> None:
    by_anchor = {figure["anchor"]: (name, figure) for name, figure in record["figures"].items()}
    checked = 0
    for output in pages(built):
        soup = BeautifulSoup(built.files[output].decode("utf-8"), "html.parser")
        for link in soup.select("a.figure"):
            name, figure = by_anchor[str(link["href"]).rsplit("#", 1)[1]]
            assert_same_value(link, figure, where=f"{output}, {name}")
            assert output in figure["pages"], f"{output} quotes {name}, but figures.json does not list it"
            checked += 1
        for definition in soup.select(".figure-list div[id]"):  # the data page: each figure where it is defined
            name, figure = by_anchor[str(definition["id"])]
            assert_same_value(definition.dd.strong, figure, where=f"{output}, definition of {name}")  # type: ignore[union-attr]
            assert output in figure["pages"]
            checked += 1
    assert checked > 500


def assert_same_value(element: Tag, figure: dict[str, Any], *, where: str) -> None:
    printed = element.get_text()
    assert printed in (figure["text"], figure["digits"], figure["words"], figure["precise"]), f"{where}: prints {printed!r}"
    marked = element.find(["data", "time"])
    if marked is None:  # a figure with no data, or a text figure: printed as its text
        assert figure["value"] is None or figure["kind"] == "text", where
        return
    attribute = marked["value"] if marked.name == "data" else marked["datetime"]
    if isinstance(figure["value"], int | float):
        assert math.isclose(float(str(attribute)), figure["value"], rel_tol=1e-5), f"{where}: {attribute} against {figure['value']}"
    else:
        assert attribute == figure["value"], where


def test_each_chart_records_a_digest_of_its_data_and_the_pages_that_show_it(record: dict[str, Any], built: BuildResult) -> None:
    shown = {chart_id: [page.output for page in built.pages if chart_id in page.charts] for chart_id in built.rendered}
    assert set(record["charts"]) == set(built.rendered)
    for chart_id, chart in record["charts"].items():
        assert chart["pages"] == sorted(shown[chart_id])
        assert chart["title"] == built.rendered[chart_id].chart.title


def test_each_claim_has_its_verdict_and_page(record: dict[str, Any], built: BuildResult) -> None:
    methodology = BeautifulSoup(built.files["methodology/index.html"].decode("utf-8"), "html.parser")
    verdicts = {str(item["id"]): item.select_one(".verdict").get_text().lower() for item in methodology.select("li.claim-check")}  # type: ignore[union-attr]
    assert {claim_id: claim["verdict"] for claim_id, claim in record["claims"].items()} == verdicts
    assert {claim["page"] for claim in record["claims"].values()} <= set(pages(built))


def test_the_data_page_links_figures_json(built: BuildResult) -> None:
    soup = BeautifulSoup(built.files["data/index.html"].decode("utf-8"), "html.parser")
    assert soup.select_one('ul.downloads a[href="figures.json"]') is not None
