"""Start-up refuses bad configuration with a message naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

GOOD_PRODUCTION = {
    "MILE_ENV": "production",
    "SECRET_KEY": "a-long-random-production-secret-0123456789-abcdefghijklmnop",
    "ALLOWED_HOSTS": "mile.example",
    "DATABASE_URL": "sqlite:///:memory:",
    "MILE_ENCRYPTION_SALT": "a-production-salt",
}


def _start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"MILE_ENV", "DATABASE_URL", "SECRET_KEY"}
    }
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mile.config.settings'); django.setup()",
        ],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({**GOOD_PRODUCTION, "SECRET_KEY": ""}, "SECRET_KEY"),
        ({k: v for k, v in GOOD_PRODUCTION.items() if k != "SECRET_KEY"}, "SECRET_KEY"),
        ({k: v for k, v in GOOD_PRODUCTION.items() if k != "ALLOWED_HOSTS"}, "ALLOWED_HOSTS"),
        ({k: v for k, v in GOOD_PRODUCTION.items() if k != "DATABASE_URL"}, "DATABASE_URL"),
        (
            {k: v for k, v in GOOD_PRODUCTION.items() if k != "MILE_ENCRYPTION_SALT"},
            "MILE_ENCRYPTION_SALT",
        ),
        ({"DATABASE_URL": "mysql://x@y/z"}, "DATABASE_URL"),
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"MILE_DEBUG": "maybe"}, "MILE_DEBUG"),
        ({"MILE_ENV": "staging"}, "MILE_ENV"),
        ({**GOOD_PRODUCTION, "MILE_DEBUG": "true"}, "MILE_DEBUG"),
    ],
)
def test_it_stops_start_up_naming_the_bad_variable(env: dict[str, str], named: str) -> None:
    result = _start(env)
    assert result.returncode != 0
    assert named in result.stderr.splitlines()[-1]


def test_it_reads_secrets_from_files(tmp_path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("a-long-random-production-secret-from-a-file-0123456789-abcdef")
    env = {k: v for k, v in GOOD_PRODUCTION.items() if k != "SECRET_KEY"}
    result = _start({**env, "SECRET_KEY_FILE": str(secret)})
    assert result.returncode == 0, result.stderr


def test_it_starts_with_no_variable_at_all() -> None:
    assert _start({}).returncode == 0
