"""Production start-up: refused with one clear line per missing secret; `check --deploy` clean when complete."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Variables of the portal's settings that the test runner's own environment must not leak in.
PORTAL_PREFIXES = (
    "DEBUG", "SECRET_KEY", "AUDIT_HMAC_KEY", "ALLOWED_HOSTS", "CSRF_", "DATABASE_URL", "REDIS_URL", "CELERY_",
    "DUKCAPIL_", "SECURE_", "BEHIND_TLS_PROXY", "PRIVATE_MEDIA_ROOT", "STATIC_ROOT", "EMAIL_URL", "ENV_FILE",
    "UPLOAD_MAX_BYTES", "AXES_", "ENUM_GUARD_", "DB_", "GUNICORN_",
)  # fmt: skip
USER_ID = "uid-rahasia-7f3c9e"  # distinctive, to prove it is never printed


def _production(**overrides: str) -> dict[str, str]:
    """A complete production environment; an empty override removes the variable."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(PORTAL_PREFIXES)}
    env.update(
        ENV_FILE="/nonexistent",
        DJANGO_SETTINGS_MODULE="disnaker_portal.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="portal.disnaker.purbalinggakab.go.id",
        CSRF_TRUSTED_ORIGINS="https://portal.disnaker.purbalinggakab.go.id",
        AUDIT_HMAC_KEY=secrets.token_urlsafe(32),
    )
    env.update(overrides)
    return {k: v for k, v in env.items() if v != ""}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def _refusal_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if "wajib diisi saat DEBUG mati" in line]


def _named(lines: list[str]) -> list[str]:
    prefix = "Variabel lingkungan "
    return [line[line.index(prefix) + len(prefix) :].split()[0] for line in lines]


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "AUDIT_HMAC_KEY"])
def test_it_refuses_to_start_without_a_required_variable(missing: str) -> None:
    env = _production(**{missing: ""})

    result = _manage("check", env=env)

    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert _named(_refusal_lines(output)) == [missing]
    assert f"Variabel lingkungan {missing} wajib diisi saat DEBUG mati." in output


def test_it_names_every_missing_variable_on_its_own_line() -> None:
    env = _production(SECRET_KEY="", ALLOWED_HOSTS="", AUDIT_HMAC_KEY="")

    result = _manage("check", env=env)

    assert result.returncode != 0
    assert sorted(_named(_refusal_lines(result.stdout + result.stderr))) == [
        "ALLOWED_HOSTS",
        "AUDIT_HMAC_KEY",
        "SECRET_KEY",
    ]


def test_it_refuses_a_connected_gateway_without_its_password_and_prints_no_secret() -> None:
    env = _production(
        DUKCAPIL_NIK_URL="https://172.16.160.189/dukcapil/get_json/33-03/disnaker_3303/call_nik",
        DUKCAPIL_USER_ID=USER_ID,
        DUKCAPIL_IP_USER="10.33.3.20",
    )

    result = _manage("check", env=env)

    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert _named(_refusal_lines(output)) == ["DUKCAPIL_PASSWORD"]
    for value in (USER_ID, env["SECRET_KEY"], env["AUDIT_HMAC_KEY"]):
        assert value not in output


def test_it_reads_a_secret_from_its_file_variant(tmp_path: Path) -> None:
    secret_file = tmp_path / "dukcapil_password"
    secret_file.write_text("sandi-dari-berkas\n", encoding="utf-8")
    env = _production(
        DUKCAPIL_NIK_URL="https://172.16.160.189/dukcapil/get_json/33-03/disnaker_3303/call_nik",
        DUKCAPIL_USER_ID=USER_ID,
        DUKCAPIL_IP_USER="10.33.3.20",
        DUKCAPIL_PASSWORD_FILE=str(secret_file),
    )

    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "sandi-dari-berkas" not in result.stdout + result.stderr


def test_it_starts_on_embedded_defaults_with_nothing_set() -> None:
    env = {k: v for k, v in _production().items() if not k.startswith(PORTAL_PREFIXES)}
    env["ENV_FILE"] = "/nonexistent"

    result = _manage("check", env=env)

    assert result.returncode == 0, result.stdout + result.stderr


def test_it_passes_the_deployment_check_with_production_variables() -> None:
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def _database_settings(**env: str) -> dict[str, object]:
    code = ("import json; from django.conf import settings; d = settings.DATABASES['default']; "
            "print(json.dumps({'max_age': d['CONN_MAX_AGE'], 'pool': d.get('OPTIONS', {}).get('pool'), "
            "'checks': d['CONN_HEALTH_CHECKS']}))")
    done = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"], cwd=ROOT,
                          env=_production(**env), capture_output=True, text=True, timeout=60, check=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_postgresql_gets_one_pool_of_connections_per_process() -> None:
    db = _database_settings(DATABASE_URL="postgres://portal@127.0.0.1:5432/portal")
    assert db["max_age"] == 0  # a pool replaces persistent per-thread connections
    assert db["pool"] == {"min_size": 2, "max_size": 10, "timeout": 10.0} and db["checks"] is True
    # A connection for each gunicorn thread, which holds it through the Dukcapil wait.
    more = _database_settings(DATABASE_URL="postgres://portal@127.0.0.1:5432/portal", GUNICORN_THREADS="16")
    assert more["pool"]["max_size"] == 18  # type: ignore[index]


def test_it_refuses_a_pool_smaller_than_the_threads_that_share_it() -> None:
    done = _manage("check", env=_production(DATABASE_URL="postgres://portal@127.0.0.1:5432/portal",
                                            GUNICORN_THREADS="8", DB_POOL_MAX_SIZE="4"))
    assert done.returncode != 0 and "DB_POOL_MAX_SIZE harus paling sedikit GUNICORN_THREADS" in done.stderr


def test_the_pool_can_be_turned_off_for_persistent_connections() -> None:
    db = _database_settings(DATABASE_URL="postgres://portal@127.0.0.1:5432/portal", DB_POOL="false")
    assert db == {"max_age": 60, "pool": None, "checks": True}
    assert _database_settings(DATABASE_URL="sqlite:////tmp/x.sqlite3")["pool"] is None  # SQLite: no pool


def test_an_empty_pool_size_from_compose_takes_the_default() -> None:
    db = _database_settings(DATABASE_URL="postgres://portal@127.0.0.1:5432/portal", DB_POOL_MAX_SIZE=" ")
    assert db["pool"]["max_size"] == 10  # type: ignore[index]
