"""Bad configuration gets a clear message, never a stack trace."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("url", ["not a url", "foo://bar", "postgres://"])
def test_malformed_database_url_is_reported_plainly(url):
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "DATABASE_URL không hợp lệ" in result.stderr
    assert repr(url) in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
