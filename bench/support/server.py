"""A benchmark's own PostgreSQL database, Django set up on it, and gunicorn serving it."""

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = ROOT / ".venv" / "bin"
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
TICKS = os.sysconf("SC_CLK_TCK")


def bench_env(database: str, redis_db: int) -> dict[str, str]:
    """Production settings (DEBUG off), as behind the TLS proxy that serves the site."""
    return {
        "DJANGO_SETTINGS_MODULE": "bench.support.settings",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + "s" * 50,
        "DATABASE_URL": f"{PG}/{database}",
        "REDIS_URL": f"redis://127.0.0.1:6379/{redis_db}",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "BEHIND_TLS_PROXY": "1",
        "TRUSTED_PROXY_COUNT": "1",
        # The proxy redirects plain http; Lighthouse fetches robots.txt without our header.
        "SECURE_SSL_REDIRECT": "0",
        "PORTAL_VAR_DIR": str(ROOT / "var" / "bench" / database),
        "LOG_LEVEL": "WARNING",
        "SMS_BACKEND": "messaging.sms.FileBackend",
        # A run at night would otherwise hold every text until 08:00.
        "MESSAGING_QUIET_HOURS": "off",
    }


def ensure_database(database: str) -> bool:
    """Create the database when missing; True when it was created."""
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{database}"')
    return not exists


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    # Production serves hashed, compressed static files (whitenoise): collect them once.
    call_command("collectstatic", verbosity=0, interactive=False)


def _wait_for_port(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer on port {port}")


class Gunicorn:
    def __init__(self, process: subprocess.Popen, port: int):
        self.process = process
        self.port = port
        self.url = f"http://127.0.0.1:{port}"

    def pids(self) -> list[int]:
        """The master and its workers."""
        pids = [self.process.pid]
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                pids.append(int(stat.parent.name))
        return pids

    def cpu_seconds(self) -> float:
        """User + system CPU time of the master and its workers so far."""
        total = 0
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / TICKS


@contextmanager
def gunicorn(
    env: dict[str, str], port: int, workers: int, worker_class: str = "sync", access_log=None
):
    command = [
        str(BIN / "gunicorn"),
        "portal.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        "--backlog",
        "2048",
        "--log-level",
        "warning",
    ]
    if access_log:
        command += ["--access-logfile", str(access_log)]
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env})
    try:
        _wait_for_port(port)
        time.sleep(1)  # all workers booted
        yield Gunicorn(process, port)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
