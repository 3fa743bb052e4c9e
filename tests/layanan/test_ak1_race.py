"""Twelve officers issue AK/1 cards at the same moment: twelve distinct numbers, each with its balikan row.

Twelve worker processes (fresh interpreters, each with its own database connection, like gunicorn
workers) each hold one approved request and wait on stdin; the parent writes `GO` to all at once and
each takes the `terbitkan` transition. Against a throwaway PostgreSQL database (skipped locally without
one, failing in CI with REQUIRE_SERVICES=1; SQLite serialises writers anyway, and the sequential tests
cover its numbers). The workers' database is not pytest-django's: this test uses no `db` fixture. One worker by hand:
`python -m tests.layanan.test_ak1_race worker P-...` after `prepare 12`.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.children import child_main

ROOT = Path(__file__).resolve().parents[2]
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
WORKERS = 12
TIMEOUT_S = 120


# --- the child side ---------------------------------------------------------------------------

def _setup() -> None:
    import django

    django.setup()


def child_prepare(count: int) -> None:
    """Migrate; an officer and `count` approved AK/1 requests, each with its consented applicant."""
    _setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from django.contrib.auth.models import Group

    from akun.models import User
    from akun.roles import PENGANTAR_KERJA
    from tests.layanan.applicants import approved_ak1

    officer = User.objects.create_user(username="pengantar", password="kata-sandi-uji-2026")
    officer.groups.add(Group.objects.get(name=PENGANTAR_KERJA))
    for n in range(count):
        permohonan = approved_ak1(officer, f"330301010190{1000 + n:04d}")
        print(f"REQUEST {permohonan.nomor}", flush=True)
    print("PREPARED", flush=True)


def child_worker(nomor: str) -> int:
    _setup()
    from django.db import connection

    from akun.models import User
    from layanan.models import KartuAk1, Permohonan
    from layanan.services import permohonan_transition

    permohonan = Permohonan.objects.get(nomor=nomor)
    officer = User.objects.get(username="pengantar")
    connection.ensure_connection()  # connected before the barrier: the race is the issuance, not the connect
    print("READY", flush=True)
    if sys.stdin.readline().strip() != "GO":
        return 1
    permohonan_transition(permohonan=permohonan, name="terbitkan", operator=officer)
    print("RESULT " + json.dumps({"nomor": KartuAk1.objects.get(permohonan=permohonan).nomor}), flush=True)
    return 0


def main(argv: list[str]) -> int:
    return child_main(argv, module="tests.layanan.test_ak1_race", prepare=child_prepare, worker=child_worker,
                      worker_arg="NOMOR")


# --- the parent side --------------------------------------------------------------------------

def _env(url: str, media: Path) -> dict[str, str]:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "disnaker_portal.settings", "PYTHONPATH": str(ROOT),
            "ENV_FILE": str(media / "no.env"), "DEBUG": "true", "DATABASE_URL": url,
            "PRIVATE_MEDIA_ROOT": str(media), "LOG_LEVEL": "WARNING", "ADMIN_EMAILS": ""}


def _module(*args: str) -> list[str]:
    return [sys.executable, "-m", "tests.layanan.test_ak1_race", *args]


def issue_concurrently(url: str, media: Path, execute: Callable[[str], list[tuple[object, ...]]]) -> None:
    env = _env(url, media)
    done = subprocess.run(_module("prepare", str(WORKERS)), cwd=ROOT, env=env, capture_output=True,
                          timeout=TIMEOUT_S, check=False)
    out = (done.stdout + done.stderr).decode(errors="replace")
    assert done.returncode == 0 and "PREPARED" in out, out
    requests = re.findall(r"^REQUEST (\S+)$", out, flags=re.M)
    assert len(requests) == WORKERS, out
    workers = [subprocess.Popen(_module("worker", nomor), cwd=ROOT, env=env, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for nomor in requests]
    try:
        for w in workers:  # every worker connected and waiting
            assert w.stdout is not None
            line = w.stdout.readline()
            assert line == b"READY\n", line + w.stdout.read()
        for w in workers:  # the barrier opens for all at once
            assert w.stdin is not None
            w.stdin.write(b"GO\n")
            w.stdin.flush()
        outputs = [w.communicate(timeout=TIMEOUT_S)[0].decode(errors="replace") for w in workers]
    finally:
        for w in workers:
            if w.poll() is None:
                w.kill()
                w.wait()
    shown = "\n".join(f"--- worker {i} (exit {w.returncode}) ---\n{o}" for i, (w, o) in
                      enumerate(zip(workers, outputs, strict=True)))
    numbers = [json.loads(m)["nomor"] for o in outputs for m in re.findall(r"^RESULT (.+)$", o, flags=re.M)]
    assert len(numbers) == WORKERS, shown
    assert len(set(numbers)) == WORKERS, f"a number repeated: {sorted(numbers)}\n{shown}"
    assert sorted(int(n[-5:]) for n in numbers) == list(range(1, WORKERS + 1)), numbers
    assert execute("SELECT nilai FROM layanan_nomorurut") == [(WORKERS,)]
    assert execute("SELECT COUNT(*) FROM balikan_balikan WHERE peristiwa = 'pencari_kerja'") == [(WORKERS,)]


@pytest.fixture
def postgres_url() -> Iterator[str]:
    from tests.conftest import service_required  # not at the top: the workers import this module bare

    service_required("PostgreSQL", "postgres://127.0.0.1:5432")
    import psycopg

    name = f"ak1_race_{secrets.token_hex(6)}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')  # type: ignore[call-overload]
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[call-overload]


@pytest.mark.services
def test_it_gives_twelve_concurrent_issuances_distinct_numbers_on_postgresql(postgres_url: str,
                                                                              tmp_path: Path) -> None:
    import psycopg

    def execute(sql: str) -> list[tuple[object, ...]]:
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            return list(conn.execute(sql).fetchall())  # type: ignore[call-overload]

    issue_concurrently(postgres_url, tmp_path / "private", execute)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
