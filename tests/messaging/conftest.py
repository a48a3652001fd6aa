"""Helpers for tests that run a real Celery worker and beat as separate processes."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def start(args, env):
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, to stop it whole
    )


def stop(process):
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture
def worker_env(tmp_path, settings):
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "SMS_BACKEND": "messaging.sms.FileBackend",
        "SMS_FILE_PATH": str(tmp_path / "sms.jsonl"),
        "MESSAGING_DISPATCH_EVERY_SECONDS": "1",
        # No per-channel rate limit unless a test sets one (test_worker.py tests it).
        "MESSAGING_SMS_RATE": "",
    }
    return env, tmp_path / "sms.jsonl"
