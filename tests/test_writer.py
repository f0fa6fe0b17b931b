"""The output is reproducible and atomic: same inputs, same bytes; a failed or killed build changes nothing."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from site_builder.build import BuildResult
from site_builder.cli import main
from site_builder.writer import STAMP, STAMP_TEXT, DirectoryWriter

ROOT = Path(__file__).resolve().parent.parent
# Two time zones 26 hours apart: on any day, a date read from the local clock differs between them.
FAR_EAST, FAR_WEST = "Pacific/Kiritimati", "Etc/GMT+12"


def tree_digest(folder: Path) -> dict[str, str]:
    """Return every file and folder under `folder` with a digest of its bytes, its mode and its time."""
    entries = {}
    for path in sorted(folder.rglob("*")):
        info = path.lstat()
        content = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "folder"
        entries[path.relative_to(folder).as_posix()] = f"{content} {info.st_mode:o} {info.st_mtime_ns}"
    return entries


def site_builder(*args: str, **env: str) -> subprocess.Popen[bytes]:
    """Start the real command line as its own process."""
    return subprocess.Popen(
        [sys.executable, "-m", "site_builder.cli", *args],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def old_site(parent: Path) -> Path:
    """Return an output folder holding a previous site and a marker file, dated in the past."""
    folder = parent / "out"
    (folder / "assets").mkdir(parents=True)
    (folder / "index.html").write_text("<!DOCTYPE html><title>The previous site</title>", encoding="utf-8")
    (folder / "assets" / "style.css").write_text("body { color: black; }", encoding="utf-8")
    (folder / "marker.txt").write_text("left by the previous build", encoding="utf-8")
    (folder / STAMP).write_text(STAMP_TEXT, encoding="utf-8")
    for path in [*folder.rglob("*"), folder]:
        os.utime(path, (1_600_000_000, 1_600_000_000))
    return folder


def test_two_builds_of_the_same_inputs_are_byte_identical(tmp_path: Path) -> None:
    # One build renders every chart afresh, the other reuses the shared cache; different clocks and time zones.
    # Both publish at the same address, so the sitemap, robots.txt and the absolute links are compared too.
    address = ("--base-url", "https://example.org/story/")
    first = site_builder("build", "--root", str(ROOT), "--out", str(tmp_path / "a"), "--no-cache", "-q", *address, TZ=FAR_EAST, SOURCE_DATE_EPOCH="1611100800")
    second = site_builder("build", "--root", str(ROOT), "--out", str(tmp_path / "b"), "-q", *address, TZ=FAR_WEST, SOURCE_DATE_EPOCH="1611100800")
    for process in (first, second):
        _, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr.decode()
    a, b = tree_digest(tmp_path / "a"), tree_digest(tmp_path / "b")
    assert len(a) > 100 and "sitemap.xml" in a
    assert a.keys() == b.keys()
    different = [name for name in a if a[name] != b[name]]
    assert not different, f"these files differ between two builds: {different[:10]}"


def test_source_date_epoch_dates_every_file(tmp_path: Path, built: BuildResult, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1611100800")
    DirectoryWriter(tmp_path / "site").write_site(built.files)
    times = {path.stat().st_mtime for path in (tmp_path / "site").rglob("*")}
    assert times == {1611100800}


def test_a_malformed_source_date_epoch_stops_the_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    assert main(["build", "--root", str(ROOT), "--out", str(tmp_path / "out"), "-q"]) == 1
    assert "SOURCE_DATE_EPOCH must be a whole number" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_build_that_fails_leaves_the_previous_site_as_it_was(project_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = old_site(tmp_path / "site")
    before = tree_digest(folder)
    data = project_copy / "data" / "mutual_aid.csv"
    data.write_text(data.read_text(encoding="utf-8").replace("\n", "\nBROKEN,row\n", 1), encoding="utf-8")
    assert main(["build", "--root", str(project_copy), "--out", str(folder), "-q"]) == 1
    assert "The previous site, if any, was left as it was." in capsys.readouterr().err
    assert tree_digest(folder) == before
    assert [path.name for path in folder.parent.iterdir()] == ["out"], "the failed build left something beside the output"


def kill_when_staging_appears(parent: Path, attempts: int = 5) -> tuple[subprocess.Popen[bytes], Path, dict[str, str]]:
    """Start real builds over an old site until one is caught writing its staging folder; SIGKILL it there.

    Return the killed process, the output folder and the old site's digest.
    """
    for attempt in range(attempts):
        folder = old_site(parent / f"attempt-{attempt}")
        before = tree_digest(folder)
        process = site_builder("build", "--root", str(ROOT), "--out", str(folder), "-q")
        while process.poll() is None:
            if any(entry.name.startswith(".out.staging-") for entry in os.scandir(folder.parent)):
                process.send_signal(signal.SIGKILL)
                process.wait(timeout=30)
                return process, folder, before
            time.sleep(0.0002)
    pytest.fail(f"none of {attempts} builds was caught writing its staging folder")


def test_a_build_killed_while_writing_leaves_the_previous_site_as_it_was(tmp_path: Path) -> None:
    process, folder, before = kill_when_staging_appears(tmp_path)
    assert process.returncode == -signal.SIGKILL
    assert list(folder.parent.glob(".out.staging-*")), "the kill came after the staging folder was swapped in"
    assert tree_digest(folder) == before
    # The next build clears what the killed one left and replaces the site whole.
    finished = site_builder("build", "--root", str(ROOT), "--out", str(folder), "-q")
    _, stderr = finished.communicate(timeout=300)
    assert finished.returncode == 0, stderr.decode()
    assert [path.name for path in folder.parent.iterdir()] == ["out"]
    assert not (folder / "marker.txt").exists() and (folder / "charts").is_dir()


def file_digests(folder: Path) -> dict[str, str]:
    """Return the digest of every file under `folder`, by site path."""
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest() for path in folder.rglob("*") if path.is_file()}


@pytest.mark.parametrize("delay", [0.5, 1.0, 1.5, 2.5])
def test_a_build_killed_at_any_moment_leaves_the_old_site_or_the_whole_new_one(tmp_path: Path, delay: float, built: BuildResult) -> None:
    folder = old_site(tmp_path)
    before = tree_digest(folder)
    process = site_builder("build", "--root", str(ROOT), "--out", str(folder), "-q")
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    if tree_digest(folder) == before:
        return
    # The kill came after the swap: then the output is the whole new site, never a mix of old and new.
    new_site = {name: hashlib.sha256(data).hexdigest() for name, data in {**built.files, STAMP: STAMP_TEXT.encode()}.items()}
    assert file_digests(folder) == new_site, "the output is neither the previous site nor the whole new one"


@pytest.mark.parametrize("kind", ["file", "folder of someone else's files"])
def test_an_output_that_is_not_a_site_of_ours_is_refused_and_left_alone(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "out"
    if kind == "file":
        target.write_text("notes", encoding="utf-8")
    else:
        (target / "content").mkdir(parents=True)
        (target / "content" / "index.md").write_text("the project's prose", encoding="utf-8")
    before = tree_digest(tmp_path)
    assert main(["build", "--root", str(ROOT), "--out", str(target), "-q"]) == 1
    assert tree_digest(tmp_path) == before


def test_an_empty_folder_or_a_site_of_ours_is_replaced(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.mkdir()
    assert main(["build", "--root", str(ROOT), "--out", str(target), "-q"]) == 0
    assert (target / STAMP).read_text(encoding="utf-8") == STAMP_TEXT and (target / "index.html").is_file()
    assert main(["build", "--root", str(ROOT), "--out", str(target), "-q"]) == 0


def test_files_staged_ahead_show_only_with_the_rest_and_a_failure_after_staging_leaves_the_old_site(tmp_path: Path) -> None:
    output = tmp_path / "site"
    DirectoryWriter(output).write_site({"index.html": b"old"})
    before = tree_digest(output)

    failing = DirectoryWriter(output)
    failing.stage({"index.html": b"new", "charts/a.svg": b"<svg/>"})
    assert tree_digest(output) == before, "staged files stay out of sight"
    assert len(list(tmp_path.glob(".site.staging-*"))) == 1
    failing.discard()  # what the build does when a later step fails
    assert tree_digest(output) == before
    assert list(tmp_path.iterdir()) == [output], "no staging folder is left behind"

    writer = DirectoryWriter(output)
    writer.stage({"index.html": b"new", "charts/a.svg": b"<svg/>"})
    writer.write_site({"index.html": b"new", "charts/a.svg": b"<svg/>", "cards/home.png": b"png"})
    assert {p.relative_to(output).as_posix(): p.read_bytes() for p in output.rglob("*") if p.is_file()} == {
        "index.html": b"new",
        "charts/a.svg": b"<svg/>",
        "cards/home.png": b"png",
        STAMP: STAMP_TEXT.encode(),
    }
    assert list(tmp_path.iterdir()) == [output]
