"""Benchmark: quota-guard authorisations per second on PostgreSQL under contention.

    .venv/bin/python bench/quota_guard.py [--processes 16] [--seconds 5] [--exact-quota 1000]

Creates a throwaway database on PostgreSQL (postgres@127.0.0.1:5432, trust auth),
migrates it, then runs two phases with N worker processes (multiprocessing, "spawn"),
each calling `verifikasi.quota.quota_spend` on the one day row (`QuotaDay`):

1. throughput: the quota far above what can be spent, every process spends in a loop
   for --seconds; authorisations per second = all authorised / wall time;
2. exactness: quota R = --exact-quota, the processes attempt twice R in total; exactly
   R must be authorised (by the workers' count and by the row), the rest refused.

Prints a table (processes, attempts, authorised, row, seconds, auth/s, over-count) and
the verdict against the targets (>= 500/s, zero over-count); exits 1 on any over-count
or error. The database is dropped at the end (--keep-db keeps it). Not a timed test.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
TARGET_PER_SECOND = 500


# --- shared with bench/lookup_latency.py ---------------------------------------------

def database_create(prefix: str, admin_url: str = PG_ADMIN_URL) -> tuple[str, str]:
    """CREATE DATABASE <prefix>_<random>; returns (name, DATABASE_URL)."""
    import psycopg

    name = f"{prefix}_{secrets.token_hex(5)}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
    base = admin_url.rsplit("/", 1)[0]
    return name, f"{base}/{name}"


def database_drop(name: str, admin_url: str = PG_ADMIN_URL) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]


def portal_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a portal process on this database, as in production: DEBUG off
    (bench-only secrets), no developer .env, plain HTTP on loopback."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "disnaker_portal.settings",
        "PYTHONPATH": str(ROOT),
        "ENV_FILE": "/nonexistent/bench.env",
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-" + "k" * 50,
        "AUDIT_HMAC_KEY": "bench-only-audit-key",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "ERROR",
        "ADMIN_EMAILS": "",
        **extra,
    }


def migrate(database_url: str) -> None:
    done = subprocess.run([sys.executable, "manage.py", "migrate", "--verbosity", "0"], cwd=ROOT,
                          env=portal_env(database_url), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"migrate failed:\n{done.stdout}{done.stderr}")


def execute(database_url: str, sql: str) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        cur = conn.execute(sql)  # type: ignore[arg-type]
        return list(cur.fetchall()) if cur.description else []


# --- the workers -----------------------------------------------------------------------

@dataclass
class WorkerResult:
    attempts: int
    authorised: int
    refused: int
    errors: list[str]
    started: float  # time.time() after the barrier
    ended: float


def worker(database_url: str, quota: int, seconds: float | None, attempts: int | None,
           barrier: Barrier, results: Any) -> None:
    """Spend quota in a loop (for `seconds`, or `attempts` times) after the barrier opens."""
    os.environ.update(portal_env(database_url, DUKCAPIL_DAILY_QUOTA=str(quota), DUKCAPIL_OPERATOR_DAILY_CAP="0"))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    from verifikasi.quota import QuotaRefused, quota_spend, quota_today

    connection.ensure_connection()
    quota_today()
    done = authorised = refused = 0
    errors: list[str] = []
    barrier.wait()
    started = time.time()
    deadline = started + seconds if seconds is not None else None
    while (deadline is not None and time.time() < deadline) or (attempts is not None and done < attempts):
        done += 1
        try:
            quota_spend(operator_id=None)
            authorised += 1
        except QuotaRefused:
            refused += 1
        except Exception as exc:  # noqa: BLE001 (reported, and the bench fails)
            errors.append(f"{type(exc).__name__}: {exc}")
    ended = time.time()
    connection.close()
    results.put(WorkerResult(done, authorised, refused, errors[:5], started, ended))


@dataclass
class Phase:
    name: str
    processes: int
    attempts: int
    authorised: int
    row: int
    seconds: float
    errors: list[str]
    allowed: int | None  # the quota, None when far above reach

    @property
    def per_second(self) -> float:
        return self.authorised / self.seconds if self.seconds else 0.0

    @property
    def over_count(self) -> int:
        """Authorisations beyond the quota, or (unlimited phase) the row disagreeing with the workers."""
        if self.allowed is None:
            return abs(self.row - self.authorised)
        return max(self.authorised - self.allowed, self.row - self.allowed, 0)


def run_phase(name: str, database_url: str, *, processes: int, quota: int, allowed: int | None,
              seconds: float | None = None, attempts_each: int | None = None) -> Phase:
    execute(database_url, "DELETE FROM verifikasi_quotaday")
    execute(database_url, "DELETE FROM verifikasi_quotaalert")
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(processes)
    results = ctx.Queue()
    procs = [ctx.Process(target=worker, args=(database_url, quota, seconds, attempts_each, barrier, results))
             for _ in range(processes)]
    for proc in procs:
        proc.start()
    collected: list[WorkerResult] = []
    for _ in procs:
        collected.append(results.get(timeout=300))
    for proc in procs:
        proc.join(timeout=30)
    row = execute(database_url, "SELECT COALESCE(SUM(terpakai), 0) FROM verifikasi_quotaday")[0][0]
    return Phase(
        name=name, processes=processes, attempts=sum(r.attempts for r in collected),
        authorised=sum(r.authorised for r in collected), row=int(row),
        seconds=max(r.ended for r in collected) - min(r.started for r in collected),
        errors=[e for r in collected for e in r.errors], allowed=allowed,
    )


def table(phases: list[Phase]) -> str:
    header = (f"{'phase':<22} {'processes':>9} {'attempts':>9} {'authorised':>10} {'row':>8} "
              f"{'seconds':>8} {'auth/s':>8} {'over-count':>10}")
    lines = [header, "-" * len(header)]
    for p in phases:
        lines.append(f"{p.name:<22} {p.processes:>9} {p.attempts:>9} {p.authorised:>10} {p.row:>8} "
                     f"{p.seconds:>8.2f} {p.per_second:>8.0f} {p.over_count:>10}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=5.0, help="length of the throughput phase")
    parser.add_argument("--exact-quota", type=int, default=1000, help="R of the exactness phase (2R attempts)")
    parser.add_argument("--admin-url", default=PG_ADMIN_URL, help="a PostgreSQL database to CREATE DATABASE from")
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()

    load_before = os.getloadavg()[0]
    name, url = database_create("bench_quota", args.admin_url)
    try:
        migrate(url)
        unlimited = 1_000_000_000
        phases = [run_phase("throughput (no limit)", url, processes=args.processes, quota=unlimited,
                            allowed=None, seconds=args.seconds)]
        r = args.exact_quota
        each = -(-2 * r // args.processes)  # ceil(2R / N)
        phases.append(run_phase(f"exactness (R={r})", url, processes=args.processes, quota=r, allowed=r,
                                attempts_each=each))
    finally:
        if args.keep_db:
            print(f"database kept: {url}")
        else:
            database_drop(name, args.admin_url)

    server = execute(PG_ADMIN_URL, "SHOW server_version")[0][0]
    print(f"quota guard (verifikasi.quota.quota_spend) on PostgreSQL {server}, DEBUG off, {os.cpu_count()} CPUs, "
          f"load average {load_before:.1f} before / {os.getloadavg()[0]:.1f} after, "
          f"{time.strftime('%Y-%m-%d %H:%M %Z')}")
    print(table(phases))
    errors = [e for p in phases for e in p.errors]
    for error in errors[:10]:
        print(f"error: {error}")
    throughput = phases[0].per_second
    over = sum(p.over_count for p in phases)
    exact = phases[1]
    print(f"target >= {TARGET_PER_SECOND} auth/s: {'met' if throughput >= TARGET_PER_SECOND else 'NOT met'} "
          f"({throughput:.0f}/s)")
    print(f"exactly R authorised: {'yes' if exact.authorised == exact.row == exact.allowed else 'NO'} "
          f"({exact.authorised} by the workers, {exact.row} in the row, R = {exact.allowed}); over-count {over}")
    return 1 if over or errors or exact.authorised != exact.allowed else 0


if __name__ == "__main__":
    sys.exit(main())
