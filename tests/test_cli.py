"""The command line: help on every command, exit codes, and messages without tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from site_builder.cli import main

COMMANDS = ["build", "check", "export", "serve", "runtime"]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "site_builder.cli", *args], capture_output=True, text=True, cwd=cwd, check=False)


def test_top_level_help_lists_the_commands() -> None:
    result = run("--help")
    assert result.returncode == 0
    for command in COMMANDS:
        assert command in result.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str) -> None:
    result = run(command, "--help")
    assert result.returncode == 0
    assert "--root" in result.stdout or command == "runtime"  # the runtime belongs to the installation, not a project
    assert "--debug" in result.stdout


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage" in capsys.readouterr().out


def test_build_outside_a_project_says_where_to_run_it(tmp_path: Path) -> None:
    result = run("build", "--root", str(tmp_path))
    assert result.returncode == 1
    assert "site.yml" in result.stderr and "Traceback" not in result.stderr


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    result = run("build", "--root", str(tmp_path), "--debug")
    assert result.returncode == 1
    assert "Traceback" in result.stderr


def test_build_then_check_succeeds(project_copy: Path) -> None:
    assert run("build", "--root", str(project_copy), "-q").returncode == 0
    result = run("check", "--root", str(project_copy))
    assert result.returncode == 0, result.stderr


def test_check_reports_a_broken_link_with_file_and_line(project_copy: Path) -> None:
    assert run("build", "--root", str(project_copy), "-q").returncode == 0
    page = project_copy / "_site" / "methodology" / "index.html"
    lines = page.read_text(encoding="utf-8").splitlines()
    lines.insert(20, '<a href="../nowhere/index.html">broken</a>')
    page.write_text("\n".join(lines), encoding="utf-8")
    result = run("check", "--root", str(project_copy))
    assert result.returncode == 1
    assert "_site/methodology/index.html, line 21" in result.stderr
    assert "nowhere/index.html" in result.stderr


def test_a_render_cache_that_cannot_be_a_folder_is_named_in_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    not_a_folder = tmp_path / "cache"
    not_a_folder.write_text("a file", encoding="utf-8")
    monkeypatch.setenv("SITE_BUILDER_CACHE", str(not_a_folder))
    root = Path(__file__).resolve().parent.parent
    assert main(["build", "--root", str(root), "--out", str(tmp_path / "site"), "-q"]) == 1
    error = capsys.readouterr().err
    assert str(not_a_folder) in error and "render cache" in error and "Traceback" not in error
    assert not (tmp_path / "site").exists()


def test_an_export_onto_a_folder_is_refused_with_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = Path(__file__).resolve().parent.parent
    assert main(["export", "--root", str(root), "--single-file", str(tmp_path), "-q"]) == 1
    error = capsys.readouterr().err
    assert str(tmp_path) in error and "folder" in error and "Traceback" not in error
    assert list(tmp_path.parent.glob(".*.partial")) == []


def test_the_build_process_leaves_the_heavy_libraries_to_the_render_processes(tmp_path: Path) -> None:
    """vl-convert, libvips and Frictionless load in the render processes only: the build's own process has enough to load."""
    root = Path(__file__).resolve().parent.parent
    code = (
        "import sys; from site_builder.cli import main; "
        f"code = main(['build', '--root', {str(root)!r}, '--out', {str(tmp_path / 'site')!r}, '-q']); "
        "import gc; print(code, sorted(m for m in ('frictionless', 'vl_convert', 'pyvips') if m in sys.modules), "
        "gc.isenabled(), gc.get_freeze_count() > 100_000)"
    )
    env = {**os.environ, "SITE_BUILDER_CACHE": str(tmp_path / "cache")}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)
    # The libraries' objects are set aside from the cycle collector, which still runs (cli._loading_libraries).
    assert result.stdout.strip().splitlines()[-1] == "0 [] True True", result.stderr
    assert (tmp_path / "site" / "index.html").is_file()


def test_checking_the_data_in_a_render_process_leaves_pandas_unloaded() -> None:
    """The schema check runs in a render process while the build's process loads pandas: a second pandas there
    would cost a third of a second of a two-core machine's cold build (found by tracing one)."""
    root = Path(__file__).resolve().parent.parent
    code = (
        "import sys; from site_builder.workers import validate_data; "
        f"problem = validate_data({str(root / 'data' / 'datapackage.json')!r}); "
        "print(problem, sorted(m for m in ('frictionless', 'pandas', 'altair') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.stdout.strip().splitlines()[-1] == "None ['frictionless']", result.stderr


@pytest.mark.parametrize("command", ["build", "export"])
def test_an_output_under_a_file_is_refused_before_the_build(command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Found trying it: an export under a file ended in a traceback after a whole build."""
    a_file = tmp_path / "notes.txt"
    a_file.write_text("notes", encoding="utf-8")
    root = Path(__file__).resolve().parent.parent
    where = ["--out", str(a_file / "site")] if command == "build" else ["--single-file", str(a_file / "story.html")]
    assert main([command, "--root", str(root), *where, "-q"]) == 1
    error = capsys.readouterr().err
    assert f"{a_file}: " in error and "is a file" in error
    assert a_file.read_text(encoding="utf-8") == "notes"


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        ("example.org/story/", "is not an http(s) address"),
        ("ftp://example.org/story/", "is not an http(s) address"),
        ("https://example.org/story", "must end in '/'"),
        ("https://example.org/story/?utm=1", "has a query or a fragment"),
    ],
)
def test_a_base_url_that_is_not_an_http_folder_address_stops_the_build(address: str, problem: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = Path(__file__).resolve().parent.parent
    assert main(["build", "--root", str(root), "--out", str(tmp_path / "out"), "--base-url", address, "-q"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"config error: --base-url '{address}' {problem}"), err
    assert "e.g. --base-url https://example.org/story/" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_a_base_url_in_site_yml_is_checked_too(project_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = project_copy / "site.yml"
    settings.write_text(settings.read_text(encoding="utf-8") + "base_url: https://example.org/story\n", encoding="utf-8")
    assert main(["build", "--root", str(project_copy), "-q"]) == 1
    assert "site.yml, key base_url: 'base_url' must be an http(s) address ending in '/':" in capsys.readouterr().err
