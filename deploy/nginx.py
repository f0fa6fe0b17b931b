"""Run Debian's nginx with deploy/nginx.conf, as tests/test_deploy.py and bench/bench.py do: the committed file itself.

nginx runs in the foreground (`daemon off;`) as a child process, with its pid, logs and temporary files in a folder
of its own, on the port given; its workers run as nginx's unprivileged user when started as root, so the site must be
readable by everyone (a folder made here is).
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

NGINX = "/usr/sbin/nginx"
CONFIGURATION = Path(__file__).resolve().parent / "nginx.conf"
SUB_PATH = "/story/"  # where the configuration serves the site


class NginxError(RuntimeError):
    """nginx is missing, or would not start."""


def free_port() -> int:
    """Return a port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def configuration(*, run: Path, root: Path, port: int) -> str:
    """Return deploy/nginx.conf with its @WORDS@ filled in."""
    text = CONFIGURATION.read_text(encoding="utf-8")
    for word, value in (("@RUN@", str(run)), ("@ROOT@", str(root)), ("@PORT@", str(port))):
        if word not in text:
            raise NginxError(f"{CONFIGURATION} no longer has {word}")
        text = text.replace(word, value)
    return text


def readable_folder(prefix: str) -> Path:
    """Return a new folder that nginx's workers can read."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    folder.chmod(0o755)
    return folder


@contextlib.contextmanager
def running_nginx(*, root: Path, port: int) -> Iterator[None]:
    """Serve `root` (the folder holding story/) on 127.0.0.1:`port` until the block ends."""
    if not Path(NGINX).exists():
        raise NginxError(f"nginx is not installed at {NGINX}: `make test` installs it (apt-get install nginx) when run as root")
    run = readable_folder("site-builder-nginx-")
    (run / "nginx.conf").write_text(configuration(run=run, root=root, port=port), encoding="utf-8")
    process = subprocess.Popen(
        [NGINX, "-c", str(run / "nginx.conf"), "-p", str(run), "-e", str(run / "error.log"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _await_listening(process, port, run)
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(run, ignore_errors=True)


def _await_listening(process: subprocess.Popen[bytes], port: int, run: Path) -> None:
    for _ in range(400):  # readiness, not a measure: nginx starts in milliseconds
        if process.poll() is not None:
            log = (run / "error.log").read_text(errors="replace") if (run / "error.log").exists() else ""
            stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
            raise NginxError(f"nginx stopped (exit {process.returncode}): {stderr}{log}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise NginxError(f"nginx did not listen on port {port}")
