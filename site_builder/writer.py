"""Write a finished site: into memory for tests, or into a folder swapped in whole."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath
from typing import Protocol

from .errors import ConfigError

SiteFiles = dict[str, bytes]


class Writer(Protocol):
    """Where a built site goes."""

    def stage(self, files: SiteFiles) -> None:
        """Start writing files that are ready while the build finishes the rest; none shows until write_site."""

    def write_site(self, files: SiteFiles) -> None:
        """Write every file of the site (those staged already are not written again), or nothing."""

    def discard(self) -> None:
        """Forget what was staged: the build failed."""


class MemoryWriter:
    """Keep the site in memory (tests, previews)."""

    def __init__(self) -> None:
        self.files: SiteFiles = {}

    def stage(self, files: SiteFiles) -> None:
        """Nothing to do ahead: the files are kept when the site is complete."""

    def write_site(self, files: SiteFiles) -> None:
        """Keep a copy of the files."""
        self.files = dict(files)

    def discard(self) -> None:
        """Nothing was kept."""


class DirectoryWriter:
    """Write the site into a fresh folder beside the output, then swap it in atomically.

    A build that fails or is killed before the swap leaves the old output untouched;
    the swap itself is one `renameat2(RENAME_EXCHANGE)` call where Linux offers it.
    With SOURCE_DATE_EPOCH set, every file and folder is dated then, not now, so an
    archive of the output is reproducible too.
    """

    def __init__(self, output_dir: Path) -> None:
        self.output_dir = output_dir
        self.epoch = source_date_epoch()  # read now, so a bad value stops the build before any work
        check_replaceable(output_dir)  # and so a wrong --out stops it before it costs anything
        self._staging: Path | None = None  # the folder the next site is written into, beside the output
        self._written: set[str] = set()
        self._folders: set[Path] = set()

    def stage(self, files: SiteFiles) -> None:
        """Write files into the staging folder (made on first use) now, so less is left to write at the end."""
        try:
            if self._staging is None:
                parent = self.output_dir.parent
                parent.mkdir(parents=True, exist_ok=True)
                _remove_stale_staging(parent, self.output_dir.name)
                self._staging = Path(tempfile.mkdtemp(prefix=f".{self.output_dir.name}.staging-", dir=parent))
            for name in sorted(files.keys() - self._written):
                target = self._staging / safe_relative(name)
                if target.parent not in self._folders:  # a site has thousands of files in far fewer folders: make each folder once
                    target.parent.mkdir(parents=True, exist_ok=True)
                    self._folders.add(target.parent)
                target.write_bytes(files[name])
                self._written.add(name)
        except OSError as error:  # a folder that can't be written, a full disk
            self.discard()
            raise ConfigError(f"the site could not be written: {error.strerror or error}", self.output_dir, hint="choose another folder with --out") from None

    def write_site(self, files: SiteFiles) -> None:
        """Write the files not staged yet, then replace the output folder with the staging folder."""
        self.stage(files)
        staging = self._staging
        assert staging is not None
        try:
            (staging / STAMP).write_text(STAMP_TEXT, encoding="utf-8")
            staging.chmod(0o755)
            _date_tree(staging, self.epoch)
            self._swap(staging)
        except OSError as error:
            raise ConfigError(f"the site could not be put in place: {error.strerror or error}", self.output_dir) from None
        finally:
            self.discard()

    def discard(self) -> None:
        """Remove the staging folder, if any, and forget what it held."""
        if self._staging is not None and self._staging.exists():
            shutil.rmtree(self._staging, ignore_errors=True)
        self._staging = None
        self._written = set()
        self._folders = set()

    def _swap(self, staging: Path) -> None:
        if self.output_dir.exists() and _exchange(staging, self.output_dir):
            shutil.rmtree(staging, ignore_errors=True)  # staging now holds the old site
            return
        if self.output_dir.exists():
            old = self.output_dir.with_name(f".{self.output_dir.name}.old-{os.getpid()}")
            os.replace(self.output_dir, old)
            os.replace(staging, self.output_dir)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(staging, self.output_dir)


# Every site this writer makes carries this file: only a folder that does (or an empty one) is ever replaced.
STAMP = ".site-builder"
STAMP_TEXT = "Written by site-builder: each build replaces this whole folder.\n"


def check_replaceable(output_dir: Path) -> None:
    """Refuse an output that is a file, or a folder with files in it that no build of ours wrote (--out . would be the project)."""
    blocking = file_in_the_way(output_dir)
    if blocking is not None:
        raise ConfigError("the output's folder is a file", blocking, hint="choose a folder with --out")
    if not output_dir.exists():
        return
    if not output_dir.is_dir():
        raise ConfigError("the output is a file, and a build replaces its output whole", output_dir, hint="choose a folder with --out")
    if not (output_dir / STAMP).is_file() and any(output_dir.iterdir()):
        raise ConfigError(
            f"the output folder holds files no build wrote (there is no {STAMP} in it), and a build replaces its output whole",
            output_dir,
            hint="choose another folder with --out, or empty this one first",
        )


def file_in_the_way(path: Path) -> Path | None:
    """Return a file where one of the folders above `path` would have to be, if there is one."""
    return next((folder for folder in path.parents if folder.exists() and not folder.is_dir()), None)


def source_date_epoch() -> int | None:
    """Return SOURCE_DATE_EPOCH (seconds since 1970, UTC) when the environment sets it."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise ConfigError(
            f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, not {value!r}", hint="unset it, or set it to e.g. $(git log -1 --format=%ct)"
        )
    return int(value)


def _date_tree(folder: Path, epoch: int | None) -> None:
    """Give every file and folder under `folder` the time `epoch`, deepest first (when it is set)."""
    if epoch is None:
        return
    for path in sorted(folder.rglob("*"), key=lambda item: len(item.parts), reverse=True):
        os.utime(path, (epoch, epoch))
    os.utime(folder, (epoch, epoch))


def safe_relative(name: str) -> Path:
    """Return a site path as a relative Path, refusing anything that escapes the site."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise ValueError(f"unsafe output path {name!r}")
    return Path(*path.parts)


def _remove_stale_staging(parent: Path, name: str) -> None:
    """Remove staging folders left by builds that were killed."""
    for stale in parent.glob(f".{name}.staging-*"):
        shutil.rmtree(stale, ignore_errors=True)
    for stale in parent.glob(f".{name}.old-*"):
        shutil.rmtree(stale, ignore_errors=True)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths with renameat2; return False where unsupported."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(result == 0)
