"""Production start-up refuses unsafe settings; the deployment checklist passes."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "PORTAL_ENV": "production",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "cmr.example.org",
    "SITE_URL": "https://cmr.example.org",
    "DATABASE_URL": os.environ.get("DATABASE_URL", "sqlite:///unused.sqlite3"),
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/1",
}


def run_django(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Start Django in a fresh interpreter with exactly these settings variables."""
    base = {key: value for key, value in os.environ.items() if key not in PRODUCTION_ENV}
    base.pop("DEBUG", None)
    base.pop("DEMO", None)
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "cmr_portal.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def without(key: str) -> dict[str, str]:
    return {name: value for name, value in PRODUCTION_ENV.items() if name != key}


def test_production_starts_with_a_real_secret_key() -> None:
    result = run_django("print('started')", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_production_refuses_a_missing_secret_key() -> None:
    result = run_django("print('started')", **without("SECRET_KEY"))
    assert result.returncode != 0
    assert "started" not in result.stdout
    assert "SECRET_KEY is missing or is the development key" in result.stderr


def test_production_refuses_the_development_secret_key() -> None:
    from django.conf import settings

    env = {**PRODUCTION_ENV, "SECRET_KEY": settings.DEVELOPMENT_SECRET_KEY}
    result = run_django("print('started')", **env)
    assert result.returncode != 0
    assert "SECRET_KEY is missing or is the development key" in result.stderr


def test_production_is_the_default_mode() -> None:
    result = run_django("print('started')", **without("PORTAL_ENV") | {"SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY is missing" in result.stderr


def test_production_refuses_the_demo_sign_in() -> None:
    result = run_django("print('started')", **PRODUCTION_ENV, DEMO="true")
    assert result.returncode != 0
    assert "DEMO must be off in production" in result.stderr


def test_production_refuses_debug() -> None:
    result = run_django("print('started')", **PRODUCTION_ENV, DEBUG="true")
    assert result.returncode != 0
    assert "DEBUG must be off in production" in result.stderr


@pytest.mark.parametrize("value", ["", "false"])
def test_debug_is_off_unless_asked_for(value: str) -> None:
    env = {"PORTAL_ENV": "development", **({"DEBUG": value} if value else {})}
    result = run_django("from django.conf import settings; print(settings.DEBUG)", **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_deployment_checklist_passes_with_production_values() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**os.environ, **PRODUCTION_ENV},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
