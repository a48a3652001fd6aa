"""RELIABILITY A1: `check --deploy` is clean with production settings, and the test bites."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def run_deploy_check(tmp_path, **overrides):
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "portal.settings.base",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "portal.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        "PORTAL_VAR_DIR": str(tmp_path),
        # Production texts and calls go through the provider (the file backends keep
        # numbers and codes in clear on disk).
        "SMS_BACKEND": "messaging.twilio_backends.TwilioSmsBackend",
        "VOICE_BACKEND": "messaging.twilio_backends.TwilioVoiceBackend",
        **overrides,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy(tmp_path):
    result = run_deploy_check(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_with_debug_on(tmp_path):
    result = run_deploy_check(tmp_path, DEBUG="1")
    assert result.returncode != 0
    assert "security.W018" in result.stdout + result.stderr


def test_check_deploy_fails_with_a_development_mailer(tmp_path):
    result = run_deploy_check(
        tmp_path, EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend"
    )
    assert result.returncode != 0
    assert "mail.E001" in result.stdout + result.stderr


@pytest.mark.parametrize(
    "setting, backend",
    [
        ("SMS_BACKEND", "messaging.sms.FileBackend"),
        ("SMS_BACKEND", "messaging.sms.ConsoleBackend"),
        ("VOICE_BACKEND", "messaging.sms.FileVoiceBackend"),
    ],
)
def test_check_deploy_fails_with_a_development_sms_or_voice_backend(tmp_path, setting, backend):
    result = run_deploy_check(tmp_path, **{setting: backend})
    assert result.returncode != 0
    assert "messaging.E001" in result.stdout + result.stderr
    assert backend in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_deploy_check(tmp_path, SECRET_KEY="")
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_no_security_check_is_silenced():
    assert not [c for c in settings.SILENCED_SYSTEM_CHECKS if c.startswith("security.")]


def test_behind_a_proxy_without_a_proxy_count_refuses_to_start(tmp_path):
    """Behind the proxy every request comes from the proxy's address: without
    TRUSTED_PROXY_COUNT all families would share one rate-limit bucket (RELIABILITY B3)."""
    result = run_deploy_check(tmp_path, BEHIND_TLS_PROXY="1")
    assert result.returncode != 0
    assert "TRUSTED_PROXY_COUNT" in result.stderr
    result = run_deploy_check(tmp_path, BEHIND_TLS_PROXY="1", TRUSTED_PROXY_COUNT="1")
    assert result.returncode == 0, result.stdout + result.stderr
