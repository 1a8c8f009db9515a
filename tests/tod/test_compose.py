"""docker-compose.yml is how users deploy: keep it valid although no Docker engine runs here."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def load():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_services_with_healthchecks_and_volumes():
    compose = load()
    services = compose["services"]
    assert set(services) >= {"postgres", "redis", "web", "worker", "beat"}
    for name in ("postgres", "redis", "web", "worker"):
        assert "healthcheck" in services[name], name
    assert set(compose["volumes"]) >= {"postgres-data", "redis-data"}
    assert "--appendonly" in services["redis"]["command"]


def test_compose_commands_name_what_the_repository_has():
    services = load()["services"]
    assert (ROOT / services["web"]["build"]).is_dir()
    assert (ROOT / "Dockerfile").is_file()
    assert "tod.wsgi:application" in services["web"]["command"]
    assert (ROOT / "tod" / "wsgi.py").is_file()
    for name in ("worker", "beat"):
        command = services[name]["command"]
        assert command[:3] == ["celery", "-A", "tod"]
        assert (ROOT / "tod" / "celery.py").is_file()
    dependencies = (ROOT / "pyproject.toml").read_text()
    for package in ("gunicorn", "celery", "whitenoise", "psycopg2"):
        assert package in dependencies


def test_exactly_one_beat():
    beat = load()["services"]["beat"]
    assert beat.get("deploy", {}).get("replicas", 1) == 1


def test_the_web_healthcheck_passes_against_production_settings(production_server):
    import subprocess
    import sys

    test = load()["services"]["web"]["healthcheck"]["test"]
    assert test[:2] == ["CMD", "python"]
    command = [
        sys.executable,
        *[part.replace(":8000/", f":{production_server}/") for part in test[2:]],
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr


def test_the_app_port_is_published_on_the_hosts_loopback_only():
    # Reached directly from outside, a client could forge the X-Forwarded-For the app trusts.
    for mapping in load()["services"]["web"].get("ports", []):
        assert str(mapping).startswith("127.0.0.1:"), mapping


SECRET = re.compile(r"PASSWORD|SECRET|KEY|TOKEN")
# ${NAME...} that compose interpolates; $${NAME} is the shell's, inside a container.
INTERPOLATED = re.compile(r"(?<!\$)\$\{([A-Z][A-Z0-9_]*)([^}]*)\}")


def test_every_secret_compose_reads_is_required_without_a_default():
    text = (ROOT / "docker-compose.yml").read_text()
    secrets = {(name, rest) for name, rest in INTERPOLATED.findall(text) if SECRET.search(name)}
    assert {"POSTGRES_PASSWORD", "BACKUP_ENCRYPTION_KEY"} <= {name for name, _ in secrets}
    for name, rest in secrets:
        assert rest.startswith(":?"), f"${{{name}{rest}}}: a secret needs ${{{name}:?message}}"


def test_no_password_is_written_into_compose():
    services = load()["services"]
    assert "${POSTGRES_PASSWORD:?" in services["postgres"]["environment"]["POSTGRES_PASSWORD"]
    for name, service in services.items():
        url = service.get("environment", {}).get("DATABASE_URL")
        if url:
            assert url.startswith("postgres://tod:${POSTGRES_PASSWORD:?"), name


def test_a_backup_service_writes_encrypted_backups_on_a_schedule_into_a_volume():
    compose = load()
    backup = compose["services"]["backup"]
    assert "backup_database" in " ".join(backup["command"])
    assert "sleep" in " ".join(backup["command"])
    assert (ROOT / "tod" / "backups" / "management" / "commands" / "backup_database.py").is_file()
    volume, _, mount = backup["volumes"][0].partition(":")
    assert volume in compose["volumes"]
    assert backup["environment"]["BACKUP_DIR"] == mount
    assert backup["environment"]["BACKUP_ENCRYPTION_KEY"].startswith("${BACKUP_ENCRYPTION_KEY:?")
    assert "postgresql-client" in (ROOT / "Dockerfile").read_text()  # pg_dump in the image
