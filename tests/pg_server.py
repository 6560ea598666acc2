"""A throwaway Postgres server for the tests: Debian's binaries (initdb,
pg_ctl), a data folder in a temporary directory, listening on loopback only,
trusting local connections, stopped and deleted afterwards.

initdb refuses to run as root: as root (CI), the server runs as the
`postgres` user that Debian's package creates."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

INSTALL_HINT = (
    "Postgres is not installed (initdb and pg_ctl from Debian's postgresql package; "
    ".ci/run installs it): the Postgres thread store is not tested here"
)


def binaries() -> Path | None:
    """The folder with initdb and pg_ctl: on the PATH, or Debian's
    /usr/lib/postgresql/<version>/bin (newest first)."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
        reverse=True,
    )
    return versions[0].parent if versions else None


def unavailable() -> str | None:
    """Why a server can't be started here, or None."""
    if binaries() is None:
        return INSTALL_HINT
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root, and there is no postgres user to run the server as"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running() -> Iterator[str]:
    """Start a server; yields its postgresql:// URL."""
    bin_dir = binaries()
    assert bin_dir is not None, INSTALL_HINT
    base = Path(tempfile.mkdtemp(prefix="notesbot-pg-"))
    data = base / "data"
    prefix: list[str] = []
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(base, user.pw_uid, user.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    port = _free_port()

    def run(*args: str) -> None:
        done = subprocess.run(
            [*prefix, *args], capture_output=True, text=True, timeout=120, check=False
        )
        if done.returncode != 0:
            log = (base / "log").read_text() if (base / "log").exists() else ""
            raise RuntimeError(f"{args[0]} failed: {done.stderr.strip()} {log[-2000:]}")

    try:
        run(str(bin_dir / "initdb"), "-D", str(data), "-U", "notesbot", "-A", "trust",
            "-E", "UTF8", "--no-sync")  # fmt: skip
        options = (
            f"-c listen_addresses=127.0.0.1 -p {port} -k {base} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(base / "log"), "-o", options,
            "-w", "-t", "60", "start")  # fmt: skip
        try:
            yield f"postgresql://notesbot@127.0.0.1:{port}/postgres"
        finally:
            run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
    finally:
        shutil.rmtree(base, ignore_errors=True)
