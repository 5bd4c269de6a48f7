"""compose.yaml cannot run here (no Docker engine), so check it agrees with the settings."""

from __future__ import annotations

import re

import yaml

from claims.settings import PROJECT_ROOT, Settings

COMPOSE = yaml.safe_load((PROJECT_ROOT / "compose.yaml").read_text())
KNOWN_ENV = set(re.findall(r'"((?:CLAIMS|DATABASE)_[A-Z_]+)"', (PROJECT_ROOT / "claims" / "settings.py").read_text()))


def test_postgres_pinned_with_healthcheck() -> None:
    db = COMPOSE["services"]["db"]
    image, _, tag = db["image"].partition(":")
    assert image == "postgres" and re.match(r"^\d+", tag), "pin the PostgreSQL major version"
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert COMPOSE["services"]["api"]["depends_on"]["db"]["condition"] == "service_healthy"


def test_api_env_names_are_settings_the_app_reads() -> None:
    env = COMPOSE["services"]["api"]["environment"]
    assert set(env) <= KNOWN_ENV, set(env) - KNOWN_ENV
    parsed = Settings.from_env({k: str(v).split("${")[0] or "x" for k, v in env.items()})
    assert parsed.database_url and parsed.database_url.startswith("postgresql://")
    assert parsed.api_keys, "a non-loopback host needs API keys"


def test_ports_agree() -> None:
    api = COMPOSE["services"]["api"]
    port = int(api["environment"]["CLAIMS_PORT"])
    assert f"{port}:{port}" in api["ports"]
    db_url = api["environment"]["DATABASE_URL"]
    assert "@db:5432/" in db_url
    assert any(p.endswith(":5432") for p in COMPOSE["services"]["db"]["ports"])


def test_dockerfile_builds_from_the_project() -> None:
    assert COMPOSE["services"]["api"]["build"] == "."
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text()
    assert "migrations" in dockerfile and "claims" in dockerfile
