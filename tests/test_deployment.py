"""docker-compose.yml: the five services with health checks, and no secret in the file; what the image carries."""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest
import yaml
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"


def test_it_declares_each_service_with_a_health_check() -> None:
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    assert set(services) == {"web", "worker", "beat", "db", "redis"}
    assert all("healthcheck" in s for s in services.values())
    assert "gunicorn" in services["web"]["command"]


def test_it_holds_no_secret_value() -> None:
    text = COMPOSE.read_text()
    for name in ("SECRET_KEY", "AUDIT_HMAC_KEY", "DUKCAPIL_PASSWORD", "DUKCAPIL_USER_ID"):
        values = re.findall(rf"{name}:\s*(\S+)", text)
        assert values and all(v.startswith("${") for v in values), name


def _compose_command() -> list[str] | None:
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True, check=False)
        if probe.returncode == 0:
            return ["docker", "compose"]
    return ["docker-compose"] if shutil.which("docker-compose") else None


def test_it_parses_with_docker_compose_when_available() -> None:
    command = _compose_command()
    if command is None:
        pytest.skip("docker compose tidak terpasang di mesin ini (hanya klien docker)")
    result = subprocess.run([*command, "config", "--quiet"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_the_web_service_runs_gunicorn_with_threads_from_its_config_file() -> None:
    """Sync workers stall while a lookup waits for Dukcapil: the deployment uses gunicorn.conf.py."""
    command = yaml.safe_load(COMPOSE.read_text())["services"]["web"]["command"]
    assert not re.search(r"--workers|-w\s|--worker-class|-k\s|--config|-c\s", command.split("gunicorn", 1)[1])
    gunicorn = Path(__import__("sys").executable).parent / "gunicorn"
    printed = subprocess.run([str(gunicorn), "--print-config"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout
    config = dict(re.findall(r"^(\w+)\s+= (.*)$", printed, flags=re.MULTILINE))
    assert config["worker_class"] == "gthread" and int(config["threads"]) >= 8 and int(config["workers"]) >= 2
    assert config["wsgi_app"] == "disnaker_portal.wsgi:application" and int(config["timeout"]) > 15


def test_every_tunable_of_env_example_reaches_the_containers() -> None:
    """A value set in .env must reach the portal: compose passes each one, with the same default."""
    environment = yaml.safe_load(COMPOSE.read_text())["x-portal"]["environment"]
    example = dict(re.findall(r"^([A-Z_]+)=(\S*)", (ROOT / ".env.example").read_text(), flags=re.MULTILINE))
    set_by_compose = {"DEBUG", "DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "PRIVATE_MEDIA_ROOT"}
    for name, default in example.items():
        if name in set_by_compose or not default or name == "ALLOWED_HOSTS":
            continue  # compose's own values; empty defaults; an example host
        assert environment.get(name) == f"${{{name}:-{default}}}", name


def test_the_production_image_and_packages_leave_the_simulator_out() -> None:
    """DESIGN.md: the simulator never ships; every app of the portal does."""
    ignored = {line.strip().rstrip("/") for line in (ROOT / ".dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#")}
    assert {"dukcapil_sim", "tests", "bench"} <= ignored
    include = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]["include"]
    assert not any(fnmatch("dukcapil_sim", pattern) for pattern in include)
    apps = {app.split(".")[0] for app in settings.INSTALLED_APPS if (ROOT / app.split(".")[0]).is_dir()}
    assert apps and all(any(fnmatch(app, pattern) for pattern in include) for app in apps)
    assert "dukcapil_sim" not in (ROOT / "disnaker_portal" / "settings.py").read_text()
