"""Real PostgreSQL, Redis and nginx from Debian's packages, started by the tests on test ports.

Nothing is mocked: the reliability tests restart, stop and kill these servers. PostgreSQL refuses
to run as root, so its data directory belongs to the `postgres` user and its commands run
through `runuser`. Every server lives in its own temporary directory and stops at teardown.
"""
from __future__ import annotations

import glob
import os
import shutil
import socket
import string
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

ROOT = Path(__file__).resolve().parent.parent
NGINX_TEMPLATE = ROOT / "deploy" / "nginx" / "cop.conf.template"


def wait_for_port(port: int, timeout: float = 60, up: bool = True) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if (sock.connect_ex(("127.0.0.1", port)) == 0) == up:
                return
        time.sleep(0.2)
    raise TimeoutError(f"port {port} did not {'open' if up else 'close'} in {timeout:.0f}s")


def world_readable_tmpdir(prefix: str) -> Path:
    """A temporary directory other users may enter (pytest's belong to root only)."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    path.chmod(0o755)
    return path


@dataclass
class PostgresServer:
    """A throw-away PostgreSQL cluster owned by the `postgres` user, with a database `cop`."""

    port: int
    workdir: Path = field(default_factory=lambda: world_readable_tmpdir("cop-pg-"))

    @property
    def bin(self) -> Path:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                       key=lambda p: int(Path(p).parent.parent.name))
        if not found:
            raise RuntimeError("no PostgreSQL: run scripts/install-system-packages.sh")
        return Path(found[-1]).parent

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/cop"

    def _as_postgres(self, *argv: str) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", *argv], check=True,
                       capture_output=True, cwd="/tmp", timeout=120)

    def _pg_ctl(self, *argv: str) -> None:
        self._as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.workdir / "data"),
                          "-l", str(self.workdir / "postgres.log"), "-w", *argv)

    def start(self) -> "PostgresServer":
        shutil.chown(self.workdir, "postgres", "postgres")
        self._as_postgres(str(self.bin / "initdb"), "-D", str(self.workdir / "data"),
                          "-U", "postgres", "-A", "trust", "--no-sync")
        self.resume()
        self._as_postgres(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
                          "-U", "postgres", "cop")
        return self

    def restart(self) -> None:
        """A fast restart: open connections are cut, committed data survives."""
        self._pg_ctl("-m", "fast", "restart")

    def pause(self) -> None:
        """An outage: the server stops, its data stays for `resume`."""
        self._pg_ctl("-m", "fast", "stop")

    def resume(self) -> None:
        self._pg_ctl("-o", f"-p {self.port} -k {self.workdir} -c listen_addresses=127.0.0.1",
                     "start")

    def stop(self) -> None:
        self.pause()
        shutil.rmtree(self.workdir, ignore_errors=True)


@dataclass
class RedisServer:
    """redis-server in the foreground, without persistence (locks and delivery ids are
    short-lived)."""

    port: int
    process: Optional[subprocess.Popen] = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/1"

    def start(self) -> "RedisServer":
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port)
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(20)
        wait_for_port(self.port, up=False)


@dataclass
class Nginx:
    """Debian's nginx running deploy/nginx/cop.conf.template, rendered with test addresses."""

    addresses: Dict[str, str]
    ports: List[int]
    # nginx's workers (user nobody) write large request and response bodies to temp paths here.
    workdir: Path = field(default_factory=lambda: world_readable_tmpdir("cop-nginx-"))
    process: Optional[subprocess.Popen] = None

    def start(self) -> "Nginx":
        site = string.Template(NGINX_TEMPLATE.read_text()).safe_substitute(self.addresses)
        (self.workdir / "cop.conf").write_text(site)
        temp_paths = "".join(
            f"{kind}_temp_path {self.workdir / kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        (self.workdir / "nginx.conf").write_text(
            f"daemon off;\nworker_processes 1;\npid {self.workdir / 'nginx.pid'};\n"
            f"error_log {self.workdir / 'error.log'} warn;\n"
            "events { worker_connections 1024; }\n"
            f"http {{\naccess_log off;\n{temp_paths}include {self.workdir / 'cop.conf'};\n}}\n")
        self.process = subprocess.Popen(
            ["nginx", "-c", str(self.workdir / "nginx.conf"), "-p", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for port in self.ports:
            wait_for_port(port, timeout=20)
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(20)
        shutil.rmtree(self.workdir, ignore_errors=True)
