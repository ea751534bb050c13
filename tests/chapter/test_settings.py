"""The settings fail loudly on an unsafe production configuration."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from chapter import env

PRODUCTION = {
    "DJANGO_SECRET_KEY": "x" * 60 + "production-secret-for-the-check",
    "DJANGO_ALLOWED_HOSTS": "chibo.example.vn",
    "DJANGO_DEBUG": "False",
}


def run_django(code: str, extra_env: dict[str, str]) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key != "PYTEST_CURRENT_TEST"
    }
    environment.update({"DJANGO_SETTINGS_MODULE": "chapter.settings", **extra_env})
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_refuses_to_start_without_secret_key_when_debug_is_off():
    result = run_django("import django; django.setup()", {"DJANGO_DEBUG": "False"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_refuses_a_misspelt_boolean():
    result = run_django("import django; django.setup()", {"DJANGO_DEBUG": "ture"})
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be one of" in result.stderr


def test_deploy_check_is_clean_with_production_variables():
    code = (
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('check', '--deploy', '--fail-level', 'WARNING')"
    )
    result = run_django(code, PRODUCTION)
    assert result.returncode == 0, result.stderr


def test_time_zone_and_language():
    assert settings.USE_TZ is True
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.LANGUAGE_CODE == "vi"
    assert [code for code, _ in settings.LANGUAGES] == ["vi", "en"]


@pytest.mark.parametrize(
    "raw, expected", [("1", True), ("False", False), ("yes", True), ("", False)]
)
def test_env_bool(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert env.env_bool("SOME_FLAG", not expected) is expected


def test_env_int_rejects_junk(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "five")
    with pytest.raises(ImproperlyConfigured):
        env.env_int("SOME_NUMBER", 1)


def run_manage(*args: str, extra_env: dict[str, str]) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(extra_env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


DEBUG_SHELL = ("shell", "-v", "0", "-c", "from django.conf import settings; print(settings.DEBUG)")


def test_manage_py_is_a_development_tool_without_a_secret():
    result = run_manage(*DEBUG_SHELL, extra_env={})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_manage_py_keeps_debug_off_when_production_sets_a_secret():
    production = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_DEBUG"}
    result = run_manage(*DEBUG_SHELL, extra_env=production)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
