"""The quota race across OS processes (issue 3, item 3): exactly min(N, R) requests leave the portal.

Twelve worker processes (fresh interpreters, like gunicorn workers: each sets Django up
once and keeps its own database connection) each do lookups through the real service
path (`lookup_perform`: gate, NIK check, enumeration guard, quota, client, audit),
against a file SQLite database and against a throwaway PostgreSQL database. Each round
opens a barrier for N of them at once (they wait for `GO <nik>` on stdin, written to all
in one go) with DUKCAPIL_DAILY_QUOTA = R, after the parent has reset the day's quota and
the guard's traces. The simulator runs in this test process with no quota of its own and
counts the requests that reached it.

The workers' databases are not pytest-django's test database: these tests use no `db`
fixture and never open a Django connection here; the parent reads the rows with sqlite3
or psycopg directly. pytest-socket only patches this process, not the workers. Every
worker's stdout and stderr are captured and shown when a check fails. One worker by hand:
`python -m tests.verifikasi.test_quota_race worker loket01` (after `prepare 12`).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import selectors
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.support.children import child_main

if TYPE_CHECKING:  # for the annotations only: the workers (this module, run bare) never start one
    from dukcapil_sim import SimServer

ROOT = Path(__file__).resolve().parents[2]
QUOTA_MESSAGE = "Kuota akses hari ini telah habis"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
MAX_CHILDREN = 12  # N of the first case
QUOTA = 7  # R
READY_TIMEOUT_S = 60.0
FINISH_TIMEOUT_S = 60.0
RESET_TABLES = ("verifikasi_quotaday", "verifikasi_operatorquotaday", "verifikasi_quotaalert",
                "verifikasi_guardtrace")


# --- NIKs that pass the local check and never trip the enumeration guard ---------------

def race_niks(count: int) -> list[str]:
    """Distinct NIKs whose first 12 digits all differ (the guard compares serials within one prefix).

    The simulator's found persons first, then structurally valid nobodies from several
    provinces (Jawa Tengah, DKI Jakarta, Jawa Timur, Jawa Barat), men and women.
    """
    from dukcapil_sim.population import NIK_FOUND

    niks = list(NIK_FOUND)
    regencies = ("3303", "3302", "3173", "3578", "3273", "3301")
    i = 0
    while len(niks) < count:
        regency = regencies[i % len(regencies)]
        district = 1 + i % 9
        day = 1 + i % 27 + (40 if i % 2 else 0)  # every other one a woman (+40)
        month = 1 + i % 12
        year = 70 + i % 25
        nik = f"{regency}{district:02d}{day:02d}{month:02d}{year:02d}{1000 + 97 * i:04d}"
        if nik[:12] not in {n[:12] for n in niks}:
            niks.append(nik)
        i += 1
    return niks[:count]


# --- the child side (runs in a fresh interpreter, DATABASE_URL etc. from the env) -----

def child_prepare(operators: int) -> None:
    """Migrate, then make a head with a verified SPTJM and `operators` officers with verified NDAs."""
    import django

    django.setup()
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from akun.models import User
    from akun.roles import ADMIN, KEPALA_DINAS, PETUGAS_LOKET
    from tests.conftest import head_with_sptjm, nda_verified
    from verifikasi.models import Mode, ModeAkses

    call_command("migrate", verbosity=0, interactive=False)
    admin = User.objects.create_user("pengelola", password=None, is_staff=True)
    admin.groups.add(Group.objects.get(name=ADMIN))
    kepala = User.objects.create_user("kepala", password=None)
    kepala.groups.add(Group.objects.get(name=KEPALA_DINAS))
    head_with_sptjm(kepala=kepala)
    loket = Group.objects.get(name=PETUGAS_LOKET)
    for n in range(1, operators + 1):
        officer = User.objects.create_user(f"loket{n:02d}", password=None, nama_lengkap=f"Petugas Uji {n}")
        officer.groups.add(loket)
        nda_verified(operator=officer, by=admin)
    ModeAkses.objects.update_or_create(pk=1, defaults={"mode": Mode.TERHUBUNG})
    print("PREPARED", flush=True)


def child_worker(username: str) -> int:
    """A long-lived worker, like a gunicorn worker: set up once, print READY, then per stdin line
    `GO <nik>` do one lookup and print `RESULT {json}`; stop at EOF."""
    import django

    django.setup()
    from django.db import connection

    from akun.models import User
    from tests.asking import asker_for
    from verifikasi.elements import Stated
    from verifikasi.nik import regions
    from verifikasi.services import lookup_perform

    operator = User.objects.get(username=username)
    connection.ensure_connection()
    regions()  # the region list loads once per process; not part of the race
    print("READY", flush=True)
    for line in sys.stdin:
        command, _, nik = line.strip().partition(" ")
        if command == "SPEND":  # `SPEND <attempts>:<own cap>`: the quota step alone, no guard lock
            attempts, _, cap = nik.partition(":")
            print("RESULT " + json.dumps({"username": username, "authorised": quota_spend_attempts(
                operator.pk, int(attempts), int(cap))}), flush=True)
            continue
        if command != "GO":
            print(f"unknown command {command!r}", flush=True)
            return 3
        started = time.monotonic()
        asker = asker_for(operator, f"P-RACE-{username}-{nik}")
        outcome = lookup_perform(asker=asker, nik=nik, stated=Stated(nik=nik))
        result = {
            "username": username,
            "refusals": list(outcome.refusals),
            "outcome": outcome.result.outcome.value if outcome.result is not None else None,
            "seconds": round(time.monotonic() - started, 3),
        }
        print("RESULT " + json.dumps(result), flush=True)
    connection.close()
    return 0


def quota_spend_attempts(operator_id: int, attempts: int, cap: int) -> int:
    """Call the quota step `attempts` times back to back; how many were authorised."""
    from verifikasi.quota import QuotaRefused, quota_spend

    authorised = 0
    for _ in range(attempts):
        try:
            quota_spend(operator_id=operator_id, operator_cap=cap)
            authorised += 1
        except QuotaRefused:
            pass
    return authorised


def main(argv: list[str]) -> int:
    return child_main(argv, module="tests.verifikasi.test_quota_race", prepare=child_prepare, worker=child_worker,
                      worker_arg="USERNAME")


# --- the parent side ---------------------------------------------------------------------

@dataclass
class RaceDb:
    label: str
    url: str  # DATABASE_URL for the children
    media: Path
    execute: Callable[[str], list[tuple[object, ...]]]  # run one SQL statement, return its rows

    def env(self, **extra: str) -> dict[str, str]:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "disnaker_portal.settings",
            "PYTHONPATH": str(ROOT),
            "ENV_FILE": str(self.media / "no.env"),  # never a developer's .env
            "DEBUG": "true",
            "DATABASE_URL": self.url,
            "PRIVATE_MEDIA_ROOT": str(self.media),
            "DUKCAPIL_OPERATOR_DAILY_CAP": "0",
            "ENUM_GUARD_MIN_INTERVAL_SECONDS": "0",
            "ADMIN_EMAILS": "",
            "LOG_LEVEL": "WARNING",
            **extra,
        }

    def reset(self) -> None:
        """A new day for the quota and the guard (the audit trail stays)."""
        for table in RESET_TABLES:
            self.execute(f"DELETE FROM {table}")  # noqa: S608 (fixed table names)


@dataclass
class Worker:
    username: str
    proc: subprocess.Popen[bytes]
    output: bytearray = field(default_factory=bytearray)
    read_upto: int = 0  # output before this offset belongs to earlier rounds

    @property
    def text(self) -> str:
        return self.output.decode(errors="replace")

    def last_result(self) -> dict[str, object] | None:
        found: dict[str, object] | None = None
        for line in self.output[self.read_upto:].decode(errors="replace").splitlines():
            if line.startswith("RESULT "):
                found = json.loads(line[len("RESULT "):])
        return found


def _python_module(*args: str) -> list[str]:
    return [sys.executable, "-m", "tests.verifikasi.test_quota_race", *args]


def _show(workers: list[Worker]) -> str:
    """Every worker's merged stdout and stderr, for the failure message."""
    return "\n".join(
        f"--- {w.username} (exit {w.proc.poll()}) ---\n{w.text.rstrip()}" for w in workers
    )


def _await(workers: list[Worker], marker: bytes, timeout: float) -> None:
    """Read each worker's output raw until `marker` appears after its `read_upto`."""
    selector = selectors.DefaultSelector()
    for worker in workers:
        if marker not in worker.output[worker.read_upto:]:
            assert worker.proc.stdout is not None
            selector.register(worker.proc.stdout, selectors.EVENT_READ, worker)
    deadline = time.monotonic() + timeout
    try:
        while selector.get_map():
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {marker!r} within {timeout} s\n{_show(workers)}")
            for key, _ in selector.select(timeout=left):
                reading: Worker = key.data
                chunk = os.read(key.fd, 65536)
                reading.output += chunk
                if not chunk:
                    reading.proc.wait(timeout=5)
                    raise AssertionError(f"{reading.username} exited before {marker!r}\n{_show(workers)}")
                if marker in reading.output[reading.read_upto:]:
                    selector.unregister(key.fileobj)
    finally:
        selector.close()


@dataclass
class Race:
    """A database, the simulator, and MAX_CHILDREN worker processes with DUKCAPIL_DAILY_QUOTA=QUOTA."""

    db: RaceDb
    workers: list[Worker]
    lookups_reached: Callable[[], int]

    def round(self, processes: int, niks: list[str] | None = None) -> tuple[list[Worker], int]:
        """Open the barrier for `processes` workers at once; returns them and the requests that left."""
        assert processes <= len(self.workers)
        self.db.reset()
        before = self.lookups_reached()
        taking = self.workers[:processes]
        for worker in taking:
            worker.read_upto = len(worker.output)
        lines = [f"GO {nik}\n".encode() for nik in (niks or race_niks(processes))]
        for worker, line in zip(taking, lines, strict=True):  # the barrier opens for all at once
            assert worker.proc.stdin is not None
            worker.proc.stdin.write(line)
        _await(taking, b"RESULT ", FINISH_TIMEOUT_S)
        return taking, self.lookups_reached() - before

    def spend_round(self, attempts: int, cap: int) -> list[Worker]:
        """Every worker hammers the quota step alone (no guard lock around it), all at once."""
        self.db.reset()
        for worker in self.workers:
            worker.read_upto = len(worker.output)
        for worker in self.workers:
            assert worker.proc.stdin is not None
            worker.proc.stdin.write(f"SPEND {attempts}:{cap}\n".encode())
        _await(self.workers, b"RESULT ", FINISH_TIMEOUT_S)
        return self.workers


@contextlib.contextmanager
def race_on(db: RaceDb, sim: SimServer) -> Iterator[Race]:
    from dukcapil_sim import DEFAULT_IP_USER, DEFAULT_PASSWORD, DEFAULT_USER_ID

    done = subprocess.run(_python_module("prepare", str(MAX_CHILDREN)), cwd=ROOT, env=db.env(),
                          capture_output=True, timeout=120, check=False)
    out = (done.stdout + done.stderr).decode(errors="replace")
    assert done.returncode == 0 and "PREPARED" in out, f"migrate/prepare on {db.label} failed:\n{out}"
    sim.control(quota=0)  # the simulator itself never refuses
    workers: list[Worker] = []
    try:
        env = db.env(
            DUKCAPIL_NIK_URL=sim.lookup_url, DUKCAPIL_USER_ID=DEFAULT_USER_ID, DUKCAPIL_PASSWORD=DEFAULT_PASSWORD,
            DUKCAPIL_IP_USER=DEFAULT_IP_USER, DUKCAPIL_TIMEOUT="20", DUKCAPIL_DAILY_QUOTA=str(QUOTA),
        )
        for n in range(1, MAX_CHILDREN + 1):
            proc = subprocess.Popen(_python_module("worker", f"loket{n:02d}"), cwd=ROOT, env=env, bufsize=0,
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            workers.append(Worker(username=f"loket{n:02d}", proc=proc))
        _await(workers, b"READY\n", READY_TIMEOUT_S)
        yield Race(db=db, workers=workers, lookups_reached=lambda: int(sim.stats()["lookups"]))  # type: ignore[call-overload]
    finally:
        for worker in workers:
            if worker.proc.stdin is not None:
                worker.proc.stdin.close()  # EOF: the worker ends
        for worker in workers:
            try:
                worker.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.proc.kill()
                worker.proc.wait()
            if worker.proc.stdout is not None:
                worker.proc.stdout.close()


def assert_exactly_min(race: Race, processes: int) -> None:
    taking, reached = race.round(processes)
    shown = _show(taking)
    allowed = min(processes, QUOTA)
    results = [w.last_result() for w in taking]
    assert all(r is not None for r in results), f"a worker printed no RESULT\n{shown}"
    refused = [r for r in results if r and r["refusals"]]
    looked_up = [r for r in results if r and not r["refusals"]]
    assert all(r["refusals"] == [QUOTA_MESSAGE] for r in refused), f"refused for another reason\n{shown}"
    assert all(r["outcome"] in ("01", "13") for r in looked_up), f"a lookup got no answer\n{shown}"
    rows = race.db.execute("SELECT terpakai FROM verifikasi_quotaday")
    assert reached == allowed, f"{reached} requests reached the simulator, expected {allowed}\n{shown}"
    assert rows == [(allowed,)], f"QuotaDay rows {rows}, expected [({allowed},)]\n{shown}"
    assert (len(looked_up), len(refused)) == (allowed, processes - allowed), shown


# --- the databases -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def sqlite_race(tmp_path_factory: pytest.TempPathFactory, sim: SimServer) -> Iterator[Race]:
    base = tmp_path_factory.mktemp("race_sqlite")
    path = base / "race.sqlite3"

    def execute(sql: str) -> list[tuple[object, ...]]:
        conn = sqlite3.connect(path, timeout=30)
        try:
            with conn:
                return list(conn.execute(sql).fetchall())
        finally:
            conn.close()

    db = RaceDb(label="SQLite", url=f"sqlite:///{path}", media=base / "private", execute=execute)
    with race_on(db, sim) as race:
        yield race


@pytest.fixture(scope="module")
def postgres_race(tmp_path_factory: pytest.TempPathFactory, sim: SimServer) -> Iterator[Race]:
    from tests.conftest import service_required  # not at the top: the workers import this module bare

    service_required("PostgreSQL", "postgres://127.0.0.1:5432")
    import psycopg

    name = f"race_{secrets.token_hex(6)}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql://postgres@127.0.0.1:5432/{name}"

    def execute(sql: str) -> list[tuple[object, ...]]:
        with psycopg.connect(url, autocommit=True) as conn:
            cur = conn.execute(sql)  # type: ignore[call-overload]
            return list(cur.fetchall()) if cur.description else []

    try:
        db = RaceDb(label="PostgreSQL", url=url, media=tmp_path_factory.mktemp("race_pg") / "private",
                    execute=execute)
        with race_on(db, sim) as race:
            yield race
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


CASES = [
    pytest.param(MAX_CHILDREN, id=f"{MAX_CHILDREN}-processes-quota-{QUOTA}"),  # N > R: R leave, N - R refused
    pytest.param(5, id=f"5-processes-quota-{QUOTA}"),  # N < R: all N leave
]


@pytest.mark.parametrize("processes", CASES)
def test_sqlite_file_database_counts_exactly_min_n_r(sqlite_race: Race, processes: int) -> None:
    assert_exactly_min(sqlite_race, processes)


@pytest.mark.services
@pytest.mark.parametrize("processes", CASES)
def test_postgresql_counts_exactly_min_n_r(postgres_race: Race, processes: int) -> None:
    assert_exactly_min(postgres_race, processes)


def assert_quota_step_alone_is_exact(race: Race, cap: int) -> None:
    """12 processes, 10 attempts each, straight at `quota_spend` (the guard's lock is not around it
    here): exactly QUOTA are authorised, and no officer past their own cap."""
    workers = race.spend_round(10, cap)
    shown = _show(workers)
    granted = [int(r["authorised"]) for w in workers if (r := w.last_result()) is not None]  # type: ignore[call-overload]
    assert len(granted) == len(workers), f"a worker printed no RESULT\n{shown}"
    assert sum(granted) == QUOTA and race.db.execute("SELECT terpakai FROM verifikasi_quotaday") == [(QUOTA,)], shown
    assert not cap or max(granted) <= cap, shown
    if cap:
        own = race.db.execute("SELECT SUM(terpakai) FROM verifikasi_operatorquotaday")
        assert own == [(QUOTA,)], f"operator counts {own}: a global refusal must undo the operator's count\n{shown}"


@pytest.mark.parametrize("cap", [0, 2], ids=["no-own-cap", "own-cap-2"])
def test_sqlite_quota_step_alone_authorises_exactly_the_quota(sqlite_race: Race, cap: int) -> None:
    assert_quota_step_alone_is_exact(sqlite_race, cap)


@pytest.mark.services
@pytest.mark.parametrize("cap", [0, 2], ids=["no-own-cap", "own-cap-2"])
def test_postgresql_quota_step_alone_authorises_exactly_the_quota(postgres_race: Race, cap: int) -> None:
    assert_quota_step_alone_is_exact(postgres_race, cap)


def assert_one_of_neighbours_leaves(race: Race) -> None:
    """Officers submitting neighbouring NIKs at the same moment: the guard lets exactly one go."""
    base = race_niks(1)[0]
    niks = [base[:12] + f"{int(base[12:]) + i:04d}" for i in range(6)]
    taking, reached = race.round(len(niks), niks)
    shown = _show(taking)
    results = [w.last_result() for w in taking]
    refused = [r for r in results if r and r["refusals"]]
    assert reached == 1, f"{reached} neighbouring lookups reached the simulator, expected 1\n{shown}"
    assert len(refused) == len(niks) - 1, shown
    assert all("berdekatan" in str(r["refusals"]) for r in refused), shown


def test_sqlite_guard_lets_one_of_simultaneous_neighbours_through(sqlite_race: Race) -> None:
    assert_one_of_neighbours_leaves(sqlite_race)


@pytest.mark.services
def test_postgresql_guard_lets_one_of_simultaneous_neighbours_through(postgres_race: Race) -> None:
    assert_one_of_neighbours_leaves(postgres_race)


def test_race_niks_pass_the_local_check_and_differ_in_prefix() -> None:
    from verifikasi.nik import nik_check

    niks = race_niks(MAX_CHILDREN)
    assert len({n[:12] for n in niks}) == MAX_CHILDREN
    assert all(nik_check(n).valid for n in niks), [n for n in niks if not nik_check(n).valid]


if __name__ == "__main__":
    code = main(sys.argv[1:])
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # skip the interpreter's slow teardown of Django's module graph
