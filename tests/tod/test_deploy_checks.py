"""`manage.py check --deploy` with production settings prints no warning."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# A production sends SMS through a gateway (the logging backend is refused: tests/outbox).
SMS_GATEWAY = {
    "OUTBOX_SMS_BACKEND": "tod.outbox.channels.gatewayapi.GatewayApiSmsBackend",
    "GATEWAYAPI_TOKEN": "a-gatewayapi-token",
    "GATEWAYAPI_WEBHOOK_SECRET": "a-webhook-secret-of-at-least-32-characters",
}


def test_check_deploy_is_clean_with_production_settings():
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(
        DJANGO_DEBUG="false",
        SECRET_KEY="k" * 20 + "a-production-like-secret-key-with-enough-entropy-123456",
        ALLOWED_HOSTS="tod.example.org",
        **SMS_GATEWAY,
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def run_check(**values):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_VERSION",)}
    env.update(
        DJANGO_DEBUG="false",
        SECRET_KEY="k" * 20 + "a-production-like-secret-key-with-enough-entropy-123456",
        EVALUATION_PSEUDONYM_KEY="a-real-pseudonym-key-of-this-installation",
        ALLOWED_HOSTS="tod.example.org",
        **SMS_GATEWAY,
    )
    env.update(values)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def env_example() -> dict[str, str]:
    lines = (ROOT / ".env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))


def test_the_placeholder_secrets_of_env_example_are_refused_in_production():
    example = env_example()
    for name in ("SECRET_KEY", "EVALUATION_PSEUDONYM_KEY", "BACKUP_ENCRYPTION_KEY"):
        result = run_check(**{name: example[name]})
        assert result.returncode != 0
        assert f"{name} still has the placeholder from .env.example" in result.stderr
    assert run_check().returncode == 0


def test_the_placeholder_database_password_of_env_example_is_refused_in_production():
    example = env_example()
    compose_url = f"postgres://tod:{example['POSTGRES_PASSWORD']}@postgres:5432/tod"
    for url in (example["DATABASE_URL"], compose_url):
        result = run_check(DATABASE_URL=url)
        assert result.returncode != 0
        assert (
            "The password in DATABASE_URL (POSTGRES_PASSWORD in docker-compose) still has "
            "the placeholder from .env.example" in result.stderr
        )


def test_env_example_does_not_send_sms_to_the_log():
    assert "LoggingSmsBackend" not in env_example().get("OUTBOX_SMS_BACKEND", "")
