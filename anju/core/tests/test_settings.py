"""Production settings keep the security choices the tests relax."""

import importlib
import os
import subprocess
import sys


def test_production_hashes_passwords_with_argon2() -> None:
    prod = importlib.import_module("anju.settings")
    assert prod.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_production_refuses_to_serve_without_a_secret_key() -> None:
    env = {
        k: v for k, v in os.environ.items() if k not in {"DJANGO_SECRET_KEY", "ANJU_ALLOW_INSECURE_KEY", "DJANGO_DEBUG"}
    }
    env["DJANGO_SETTINGS_MODULE"] = "anju.settings"
    result = subprocess.run(
        [sys.executable, "-c", "import anju.wsgi"], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0 and "DJANGO_SECRET_KEY must be set" in result.stderr
    deploy = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"], env=env, capture_output=True, text=True, check=False
    )
    assert deploy.returncode != 0 and "anju.E001" in deploy.stderr


def test_management_commands_work_without_a_key() -> None:
    env = {
        k: v for k, v in os.environ.items() if k not in {"DJANGO_SECRET_KEY", "ANJU_ALLOW_INSECURE_KEY", "DJANGO_DEBUG"}
    }
    env["DJANGO_SETTINGS_MODULE"] = "anju.settings"
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
