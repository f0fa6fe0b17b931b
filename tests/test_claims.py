"""Claims: each comparison holds or fails as its words say, and a contradicted claim stops the build."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from site_builder.build import BuildResult
from site_builder.claims import check_claims, extract_claims
from site_builder.cli import main
from site_builder.errors import ClaimError, ContentError


def claims_from(text: str) -> list:
    environment = jinja2.Environment()
    return extract_claims(environment.parse(text), Path("content/test.md"), text.splitlines())


def verdict(built: BuildResult, text: str) -> str:
    results = check_claims(claims_from(text), built.figures, {"hsj", "met"})
    return results[0].verdict


@pytest.mark.parametrize(
    ("comparison", "offset", "holds"),
    [
        ("more than", -1, True),
        ("more than", 0, False),
        ("fewer than", 1, True),
        ("fewer than", 0, False),
        ("at least", 0, True),
        ("at least", 1, False),
        ("at most", 0, True),
        ("at most", -1, False),
        ("exactly", 0, True),
        ("exactly", 1, False),
    ],
)
def test_simple_comparisons(built: BuildResult, comparison: str, offset: int, holds: bool) -> None:
    total = built.figures["calls_answered_total"].value
    text = f'{{{{ claim("calls_answered_total", "{comparison}", {total + offset}, source="hsj") }}}}'
    if holds:
        assert verdict(built, text) == "holds"
    else:
        with pytest.raises(ClaimError):
            verdict(built, text)


def test_about_uses_the_stated_tolerance(built: BuildResult) -> None:
    total = built.figures["calls_answered_total"].value
    near = round(total * 1.05)
    assert verdict(built, f'{{{{ claim("calls_answered_total", "about", {near}, source="hsj") }}}}') == "holds"
    with pytest.raises(ClaimError):
        verdict(built, f'{{{{ claim("calls_answered_total", "about", {near}, source="hsj", tolerance=0.01) }}}}')


def test_just_over_needs_the_value_above_but_within_the_band(built: BuildResult) -> None:
    category_1 = built.figures["category_1_total"].value
    assert verdict(built, f'{{{{ claim("category_1_total", "just over", {category_1 - 1}, source="hsj") }}}}') == "holds"
    with pytest.raises(ClaimError):
        verdict(built, f'{{{{ claim("category_1_total", "just over", {category_1 // 2}, source="hsj") }}}}')
    with pytest.raises(ClaimError):
        verdict(built, f'{{{{ claim("category_1_total", "just over", {category_1 + 1}, source="hsj") }}}}')


def test_between_and_ratio_phrases(built: BuildResult) -> None:
    share = built.figures["top_service_share"].value
    low, high = share * 0.9, share * 1.1
    assert verdict(built, f'{{{{ claim("top_service_share", "between", {low}, {high}, source="hsj") }}}}') == "holds"
    with pytest.raises(ClaimError):
        verdict(built, '{{ claim("top_service_share", "about", "one in 100", source="hsj") }}')


def test_rank_claims(built: BuildResult) -> None:
    top, second = built.figures.services[0], built.figures.services[1]
    assert verdict(built, f'{{{{ claim("calls_answered.{top.code}", "the most", source="hsj") }}}}') == "holds"
    assert verdict(built, f'{{{{ claim("calls_answered.{second.code}", "the second most", source="hsj") }}}}') == "holds"
    with pytest.raises(ClaimError):
        verdict(built, f'{{{{ claim("calls_answered.{second.code}", "the most", source="hsj") }}}}')


def test_a_claim_that_holds_for_some_assumptions_is_reported_as_such(built: BuildResult) -> None:
    figures = built.figures
    added = figures["category_1_redirected_share_added"].value
    text = f'{{{{ claim(["category_1_redirected_share_added", "category_1_redirected_share_month"], "about", {added}, source="hsj", tolerance=0.001) }}}}'
    assert verdict(built, text) == "holds under an assumption"


def test_the_error_quotes_sentence_claim_value_file_and_line(built: BuildResult) -> None:
    text = 'First line.\nHSJ said it was {{ claim("calls_answered_total", "fewer than", 5, source="hsj") }} calls. Next.'
    with pytest.raises(ClaimError) as caught:
        check_claims(claims_from(text), built.figures, {"hsj"})
    error = caught.value
    assert error.line == 2
    assert "HSJ said it was «fewer than 5» calls." in error.message
    assert built.figures["calls_answered_total"].digits in error.message


def test_a_claims_sentence_reads_as_the_page_does(built: BuildResult) -> None:
    text = (
        'By [our count]({{ url("data.md") }}), <b>{{ fig.services_answering }}</b> services took '
        '{{ claim("calls_answered_total", "more than", 12800, source="hsj") }} calls, '
        '{{ claim("category_1_total", "just over", 1000, source="hsj") }} of them urgent.'
    )
    claims = extract_claims(jinja2.Environment().parse(text), Path("content/test.md"), text.splitlines(), built.figures)
    answering = built.figures["services_answering"].text
    assert claims[0].sentence == f"By our count, {answering} services took «more than 12,800» calls, just over 1,000 of them urgent."
    assert claims[1].sentence == f"By our count, {answering} services took more than 12,800 calls, «just over 1,000» of them urgent."


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('{{ claim("calls_answered_total", "roughly", 5, source="hsj") }}', "unknown comparison"),
        ('{{ claim("calls_answered_total", "more than", 5) }}', "must name its source"),
        ('{{ claim("calls_answered_total", "between", 5, source="hsj") }}', "needs 2 value"),
        ('{{ claim("calls_answered_total", "about", "loads", source="hsj") }}', "neither a number nor a ratio"),
    ],
)
def test_malformed_claims_are_content_errors(text: str, words: str) -> None:
    with pytest.raises(ContentError, match=words):
        claims_from(text)


def test_editing_the_data_so_a_claim_fails_stops_the_build(project_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The issue's check: break a claim through the data; restore it; the build passes again."""
    path = project_copy / "data" / "mutual_aid.csv"
    original = path.read_text(encoding="utf-8")
    lines = original.splitlines()
    header = lines[0].split(",")
    column = header.index("category_1_calls")
    # Raise the first service's category 1 calls to its calls answered: the total is no longer "just over" the claim.
    cells = lines[1].split(",")
    cells[column] = cells[header.index("calls_answered")]
    path.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n", encoding="utf-8")
    out = project_copy / "_site"
    assert main(["build", "--root", str(project_copy), "--out", str(out), "-q"]) == 1
    message = capsys.readouterr().err
    assert "content/index.md, line" in message
    assert "just over 1,000" in message and "does not hold" in message
    assert "Traceback" not in message
    path.write_text(original, encoding="utf-8")
    assert main(["build", "--root", str(project_copy), "--out", str(out), "-q"]) == 0


def test_a_claim_credited_to_the_wrong_source_stops_the_build(built: BuildResult) -> None:
    figure = built.figures["police_officers"]
    wrong = next(s for s in ("hsj", "met") if s not in figure.sources)
    with pytest.raises(ContentError, match=f"credits source '{wrong}'.*comes from {figure.sources[0]}"):
        verdict(built, f'{{{{ claim("police_officers", "exactly", {figure.value}, source="{wrong}") }}}}')
