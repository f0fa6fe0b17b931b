"""Content: front matter, figure references, sanitising, and no typed numbers in the prose."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from site_builder.content import ContentRenderer, read_page
from site_builder.errors import ContentError

CONTENT = Path(__file__).resolve().parent.parent / "content"


def write_page(tmp_path: Path, text: str, name: str = "page.md") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_front_matter_is_read_with_defaults(tmp_path: Path) -> None:
    page = read_page(write_page(tmp_path, "---\ntitle: A\ndescription: B\n---\nBody\n", "about.md"))
    assert (page.title, page.description, page.template, page.output) == ("A", "B", "article.html", "about/index.html")
    assert page.body_line == 5


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("title: A\n---\n", 1, "does not start with front matter"),
        ("---\ntitle: A\ndescription: B\n", 1, "never closed"),
        ("---\ntitle: [A\ndescription: B\n---\n", None, "not valid YAML"),
        ("---\ntitle: A\ndescription: B\nnav_order: first\n---\n", 4, "'nav_order' must be a whole number"),
        ("---\ntitle: A\ndescription: B\ntitel: C\n---\n", 4, "unknown front-matter key 'titel'"),
        ("---\ntitle: A\n---\n", 2, "no 'description'"),
    ],
)
def test_front_matter_mistakes_name_the_line(tmp_path: Path, text: str, line: int | None, words: str) -> None:
    with pytest.raises(ContentError, match=re.escape(words)) as caught:
        read_page(write_page(tmp_path, text))
    if line is not None:
        assert caught.value.line == line


def render(tmp_path: Path, body: str, figures: dict[str, object] | None = None) -> str:
    page = read_page(write_page(tmp_path, "---\ntitle: A\ndescription: B\n---\n" + body))
    renderer = ContentRenderer(set(figures or {}), {"known-chart"}, {"page.md": "page/index.html"})
    html, _ = renderer.render(renderer.prepare(page), {"fig": figures or {}}, lambda chart_id: f"<svg id='{chart_id}'></svg>")
    return str(html)


def test_unknown_figure_is_reported_at_its_line(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="unknown figure 'calls_totl'") as caught:
        render(tmp_path, "Line one.\n\nWe counted {{ fig.calls_totl }} calls.\n", {"calls_total": 1})
    assert caught.value.line == 7
    assert "did you mean 'calls_total'" in (caught.value.hint or "")


def test_unknown_chart_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="unknown chart 'nope'"):
        render(tmp_path, '{{ chart("nope") }}\n')


@pytest.mark.parametrize(
    "body",
    [
        "Hello <script>alert(1)</script> there\n",
        'Hello <img src="x" onerror="alert(1)"> there\n',
        "[click](javascript:alert(1))\n",
        '<a href="#" onclick="alert(1)">x</a>\n',
    ],
)
def test_markdown_is_sanitised(tmp_path: Path, body: str) -> None:
    soup = BeautifulSoup(render(tmp_path, body), "html.parser")
    assert not soup.find("script")
    for element in soup.find_all(True):
        assert not any(name.startswith("on") for name in element.attrs), element
        assert not str(element.get("href", "")).lower().startswith("javascript:")


def test_charts_survive_sanitising(tmp_path: Path) -> None:
    soup = BeautifulSoup(render(tmp_path, '{{ chart("known-chart") }}\n'), "html.parser")
    assert soup.find("svg", id="known-chart")


# Numbers that are names or fixed units, not figures: the 999 number, call categories,
# "per 100,000", years of the period and of the sources' licences, and ordinal list markers.
ALLOWED_NUMBER = re.compile(r"^(999|100,000|(19|20)\d\d(–\d\d)?|20\d\d–20\d\d)$")
CATEGORY = re.compile(r"categor(y|ies) (\d)( and \d)?", re.IGNORECASE)


def prose_numbers(text: str) -> list[tuple[int, str]]:
    """Return numbers typed into Markdown prose, outside Jinja expressions and front matter."""
    found = []
    body_start = text.index("\n---", 3) + 4
    for offset, line in enumerate(text[body_start:].splitlines(), start=text[:body_start].count("\n") + 1):
        line = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", " ", line)
        line = CATEGORY.sub(" ", line)
        line = re.sub(r"\]\([^)]*\)|<[^>]+>|\bv\d+(\.\d+)*", " ", line)  # link targets, HTML tags, licence versions
        for number in re.findall(r"\d[\d,.–]*\d|\d", line):
            if not ALLOWED_NUMBER.match(number):
                found.append((offset, number))
    return found


@pytest.mark.parametrize("path", sorted(CONTENT.glob("*.md")), ids=lambda p: p.name)
def test_prose_types_no_number_that_derives_from_data(path: Path) -> None:
    assert prose_numbers(path.read_text(encoding="utf-8")) == []


def test_the_prose_number_check_can_fail() -> None:
    text = "---\ntitle: A\ndescription: B\n---\nLAS passed 12,823 calls on 999, about {{ fig.x }} a day.\n"
    assert prose_numbers(text) == [(5, "12,823")]
