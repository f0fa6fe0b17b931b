"""`site-builder check` on a deliberately broken copy of the real built site: every problem, with file and line."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from site_builder.checks import check_site
from site_builder.cli import main

ROOT = Path(__file__).resolve().parent.parent

# What to insert into a page, and the words the report must use for it.
BREAKAGES = {
    "methodology/index.html": [
        ('<a href="../nowhere/index.html">a broken link</a>', "nowhere/index.html, which does not exist"),
        ('<a href="../data/index.html#no-such-anchor">a broken anchor</a>', "anchor #no-such-anchor"),
        ('<img src="../charts/calls-by-service.png">', "no alt text"),
        ('<a href="/index.html">root-relative</a>', "root-relative"),
        ('<script src="https://cdn.example.org/x.js"></script>', "loaded from another host"),
        ('<a href="../services/">a folder</a>', "points to a folder"),
    ],
    "services/index.html": [
        ('<a href="#nothing-here">same-page anchor</a>', "anchor #nothing-here"),
    ],
}


@pytest.fixture
def broken_site(site_folder: Path, tmp_path: Path) -> tuple[Path, dict[str, list[tuple[int, str]]]]:
    """Return a copy of the built site with known problems, and where each one is (page -> [(line, words)])."""
    folder = tmp_path / "site"
    shutil.copytree(site_folder, folder)
    expected: dict[str, list[tuple[int, str]]] = {}
    for page, insertions in BREAKAGES.items():
        path = folder / page
        lines = path.read_text(encoding="utf-8").splitlines()
        main_line = next(i for i, line in enumerate(lines) if line.startswith('<main id="main"'))
        lines[main_line + 1 : main_line + 1] = [html for html, _ in insertions]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        expected[page] = [(main_line + 2 + offset, words) for offset, (_, words) in enumerate(insertions)]
    # A later page (in path order) with the same title as the home page.
    home_title = next(line for line in (folder / "index.html").read_text(encoding="utf-8").splitlines() if line.startswith("<title>"))
    copycat = folder / "services" / "index.html"
    lines = copycat.read_text(encoding="utf-8").splitlines()
    title_line = next(i for i, line in enumerate(lines) if line.startswith("<title>"))
    lines[title_line] = home_title
    copycat.write_text("\n".join(lines) + "\n", encoding="utf-8")
    expected["services/index.html"].append((title_line + 1, "is also the title of index.html"))
    return folder, expected


def test_the_real_site_has_no_problems(site_folder: Path) -> None:
    assert check_site(site_folder) == []


def test_check_lists_every_problem_with_file_and_line(broken_site: tuple[Path, dict[str, list[tuple[int, str]]]], capsys: pytest.CaptureFixture[str]) -> None:
    folder, expected = broken_site
    assert main(["check", "--root", str(ROOT), "--out", str(folder)]) == 1
    report = capsys.readouterr().err.splitlines()
    for page, problems in expected.items():
        for line, words in problems:
            prefix = f"check: {folder / page}, line {line}: "
            assert any(entry.startswith(prefix) and words in entry for entry in report), f"no '{words}' at {page}, line {line} in:\n" + "\n".join(report)
    total = sum(len(problems) for problems in expected.values())
    assert report[-1].startswith(f"{total} problem(s) found"), report


def test_a_page_without_a_title_is_reported(site_folder: Path, tmp_path: Path) -> None:
    folder = tmp_path / "site"
    shutil.copytree(site_folder, folder)
    page = folder / "services" / "index.html"
    lines = page.read_text(encoding="utf-8").splitlines()
    title_line = next(i for i, line in enumerate(lines) if line.startswith("<title>"))
    del lines[title_line]
    page.write_text("\n".join(lines), encoding="utf-8")
    problems = check_site(folder)
    assert [(Path(str(p.path)), p.message) for p in problems] == [(page, "the page has no <title>")]
    assert problems[0].line is not None


def test_make_test_checks_the_real_build_with_the_real_command(tmp_path: Path) -> None:
    """Build the real project with the command line into a fresh folder, then check it with the command line."""
    out = tmp_path / "site"
    build = subprocess.run(
        [sys.executable, "-m", "site_builder.cli", "build", "--root", str(ROOT), "--out", str(out), "-q"], capture_output=True, text=True, check=False
    )
    assert build.returncode == 0, build.stderr
    check = subprocess.run(
        [sys.executable, "-m", "site_builder.cli", "check", "--root", str(ROOT), "--out", str(out)], capture_output=True, text=True, check=False
    )
    assert check.returncode == 0, check.stderr
    assert "No problems found" in check.stdout
