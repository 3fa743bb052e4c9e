"""Benchmark: the portal's added latency per NIK lookup, at 1 and 20 concurrent officers.

    .venv/bin/python bench/lookup_latency.py [--latency-ms 200] [--workers 4] [--threads 8]
                                             [--conn-max-age 0,60] [--single 60] [--each 15]
                                             [--burst-rounds 10] [--burst-pause 2]
                                             [--pace-seconds 20] [--paced-rounds 10] [--seed 1]
                                             [--profile [--profile-lookups 20]]

Sets up, all on loopback:
- a throwaway PostgreSQL database (postgres@127.0.0.1:5432), migrated, with a head of
  office whose SPTJM is verified, 20 counter officers with a verified NDA, a confirmed
  TOTP device, a signed-in session that passed the second factor (made directly with
  the session store) and one open service request each; connected mode;
- the Dukcapil simulator in its own process (`python -m dukcapil_sim`) answering every
  lookup after a fixed --latency-ms, with no quota of its own;
- the portal under gunicorn (gthread), DEBUG off, pointed at both, the enumeration
  guard relaxed (repeat window and near distance 0, so the found persons of the
  simulator can be looked up again and again), a quota far out of reach.

Then officers post the counter form (POST /layanan/<pk>/periksa/ with the applicant's
data, CSRF token from the form page), in four load shapes:
1. 1 officer alone, --single lookups, one after the other;
2. saturation (closed loop): the 20 officers at once, each posting again as soon as its
   answer is in, --each lookups each, no think time. The guard's minimum interval is off
   for this (as for 1 and 3): it is many times what 20 officers may legally send;
3. burst: --burst-rounds times, after a --burst-pause for the machine to go idle, all 20
   officers post at the same instant (a barrier), each on a new connection: the worst
   alignment the guard allows. Time, CPU and busy count the bursts, not the pauses;
4. paced: each officer looks up once per --pace-seconds (default 20, the guard's minimum
   interval in production), --paced-rounds times, starting at a random offset within the
   first interval (random.Random(--seed)), each lookup on a new connection. This phase
   runs on a second gunicorn with the guard's minimum interval ON, set to the pace less
   1 s in whole seconds (19 s for 20), so that an officer whose previous lookup was
   served up to 1 s late is not refused; before it the bench waits one pace (the
   officers' lookups in the earlier phases age past the interval), warms every worker
   with one lookup per officer and waits one pace again (about 4 minutes in all with
   the defaults).
Every answer must show the found-person result card (a refusal is a problem, and the exit
status is 1). Added latency = the officer's round trip minus the simulator's fixed latency.
It runs once per --connections mode ('pool', the portal's default on PostgreSQL: one psycopg_pool
per gunicorn process; or N: no pool, Django CONN_MAX_AGE=N through DATABASE_URL, 0 being a new
PostgreSQL connection per request) and prints, per phase, median,
p95 and max, lookups/s, the gunicorn processes' CPU time per lookup, how busy the whole
machine was (every process of every user), and the verdict against the target (p95 < 50
ms); the saturation verdict also says how many times the legal rate it sent. The
simulator's own round trip is printed for reference. --burst-rounds 0 or --paced-rounds 0
leave that phase out. With --profile, one lookup runs in process with its SQL counted,
--profile-lookups (20) are timed (this process's CPU and wall, and the CPU of its
PostgreSQL server process when PostgreSQL runs on this machine), then as many run under
cProfile.
Everything it started is stopped and the database dropped. Not a timed test.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.client
import json
import math
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.quota_guard import PG_ADMIN_URL, database_create, database_drop, migrate, portal_env  # noqa: E402

TARGET_P95_MS = 50.0
MAX_STATEMENTS = 18  # issue 8; held by tests/layanan/test_lookup_cost.py
CPU_CUT = 0.40  # issue 8: portal CPU per lookup at least 40 % below the baseline
OFFICERS = 20
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
# The result card of a found person (outcome 01). The status card above it is "card allowed" too
# whenever the gate allows, refusals included, so the check looks for the result card itself.
FOUND_CARD = b'<section class="card allowed" id="hasil"'


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, proc: subprocess.Popen[bytes], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{what} exited with {proc.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.1)
    raise SystemExit(f"{what} did not listen on {port} within {timeout} s")


@contextlib.contextmanager
def running(cmd: list[str], env: dict[str, str], port: int, what: str,
            log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, proc, what)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# --- preparing the database (in this process, before any HTTP) ------------------------

@dataclass(frozen=True)
class Officer:
    username: str
    session_key: str
    permohonan_pk: int
    nik: str
    stated: dict[str, str]


def prepare(env: dict[str, str], officers: int) -> list[Officer]:
    """Users, NDA, SPTJM, TOTP devices, verified sessions, service requests, connected mode."""
    os.environ.update(env)
    import django

    django.setup()
    import datetime as dt

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import Group
    from django.core.files.base import ContentFile
    from django.db import connections
    from django.utils import timezone
    from django.utils.module_loading import import_string
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from akun.gate import current_agreement
    from akun.models import Nda, PenanggungJawabUserId, Sptjm, User
    from akun.roles import ADMIN, KEPALA_DINAS, PETUGAS_LOKET
    from dukcapil_sim import NIK_FOUND, person
    from layanan.models import Jenis
    from layanan.services import permohonan_open
    from verifikasi.models import Mode, ModeAkses

    pdf = b"%PDF-1.4\n% bench\n%%EOF\n"
    signed = dt.date(2025, 9, 16)
    admin = User.objects.create_user("bench-admin", password=None, is_staff=True)
    admin.groups.add(Group.objects.get(name=ADMIN))
    kepala = User.objects.create_user("bench-kepala", password=None)
    kepala.groups.add(Group.objects.get(name=KEPALA_DINAS))
    agreement = current_agreement()
    assert agreement is not None
    PenanggungJawabUserId.objects.create(perjanjian=agreement, kepala_dinas=kepala, mulai=signed)
    sptjm = Sptjm(kepala_dinas=kepala, tanggal_tanda_tangan=signed, diverifikasi_oleh=kepala,
                  diverifikasi_pada=timezone.now())
    sptjm.berkas.save("sptjm.pdf", ContentFile(pdf), save=True)
    ModeAkses.objects.update_or_create(pk=1, defaults={"mode": Mode.TERHUBUNG})
    store_class = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    loket = Group.objects.get(name=PETUGAS_LOKET)
    found = [p for p in (person(n) for n in NIK_FOUND) if p is not None]
    made: list[Officer] = []
    for n in range(1, officers + 1):
        user = User.objects.create_user(f"bench-loket{n:02d}", password=None, nama_lengkap=f"Petugas Bench {n}")
        user.groups.add(loket)
        nda = Nda(operator=user, tanggal_tanda_tangan=signed, diverifikasi_oleh=admin,
                  diverifikasi_pada=timezone.now())
        nda.berkas.save("nda.pdf", ContentFile(pdf), save=True)
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        session = store_class()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]  # the one that logs users in
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.create()
        permohonan = permohonan_open(operator=user, jenis=Jenis.AK1)
        p = found[n % len(found)]
        stated = {"nik": p.nik, "nama_lengkap": p.nama.title(), "jenis_kelamin": p.jenis_kelamin,
                  "tempat_lahir": p.tempat_lahir, "tanggal_lahir": p.tanggal_lahir.strftime("%d-%m-%Y")}
        made.append(Officer(user.get_username(), str(session.session_key), permohonan.pk, p.nik, stated))
    connections.close_all()
    return made


# --- the officers (HTTP only) -----------------------------------------------------------

class Counter:
    """One officer at the counter: a keep-alive connection, the session, the CSRF pair."""

    def __init__(self, port: int, officer: Officer) -> None:
        self.officer = officer
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.path = f"/layanan/{officer.permohonan_pk}/periksa/"  # the page; a lookup posts to its nik/ step
        self.cookies = {"sessionid": officer.session_key}
        self.token = ""

    def _request(self, method: str, body: bytes | None = None) -> tuple[int, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Host": "127.0.0.1"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, self.path + ("nik/" if method == "POST" else ""), body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if name in ("sessionid", "csrftoken") and value:
                self.cookies[name] = value
        return response.status, data

    def open_form(self) -> None:
        status, body = self._request("GET")
        match = CSRF_INPUT.search(body)
        if status != 200 or match is None:
            raise SystemExit(f"{self.officer.username}: form page answered {status} without a CSRF token "
                             f"(session not accepted?)\n{body[:500]!r}")
        self.token = match.group(1).decode()

    def lookup(self) -> tuple[float, str]:
        """One lookup; returns (seconds, problem or "")."""
        body = urlencode({"csrfmiddlewaretoken": self.token, **self.officer.stated}).encode()
        started = time.perf_counter()
        status, page = self._request("POST", body)
        seconds = time.perf_counter() - started
        if status != 200:
            return seconds, f"HTTP {status}"
        if FOUND_CARD not in page:
            found = re.search(rb"<li>([^<]{0,200})</li>", page)
            return seconds, "no result: " + (found.group(1).decode(errors="replace") if found else "?")
        return seconds, ""

    def close(self) -> None:
        self.conn.close()


@dataclass
class Run:
    concurrency: int
    seconds: list[float]
    problems: list[str]
    wall: float


@dataclass(frozen=True)
class Pacing:
    """Officer i's first lookup `offsets[i]` seconds after the start, then one every `every` seconds."""

    offsets: list[float]
    every: float


def drive(counters: list[Counter], lookups_each: int, pacing: Pacing | None = None) -> Run:
    """All counters start together (barrier) and each does `lookups_each` lookups in turn: as soon as
    the previous answer is in (closed loop), or on the schedule of `pacing`, each on a new connection."""
    barrier = threading.Barrier(len(counters) + 1)
    lock = threading.Lock()
    seconds: list[float] = []
    problems: list[str] = []
    start = [0.0]  # time.monotonic() at the barrier, set by the main thread before it is released

    def officer(i: int, counter: Counter) -> None:
        counter.conn.close()  # a fresh keep-alive connection: gunicorn drops idle ones after 2 s
        barrier.wait()
        try:
            for k in range(lookups_each):
                if pacing is not None:
                    time.sleep(max(start[0] + pacing.offsets[i] + k * pacing.every - time.monotonic(), 0.0))
                    counter.conn.close()  # idle for longer than gunicorn keeps a connection
                took, problem = counter.lookup()
                with lock:
                    seconds.append(took)
                    if problem:
                        problems.append(f"{counter.officer.username}: {problem}")
        except (OSError, http.client.HTTPException) as exc:
            with lock:
                problems.append(f"{counter.officer.username}: {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=officer, args=(i, c)) for i, c in enumerate(counters)]
    for thread in threads:
        thread.start()
    start[0] = time.monotonic()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return Run(len(counters), seconds, problems, time.perf_counter() - started)


def paced(counters: list[Counter], rounds: int, pace: float, seed: int) -> Run:
    """Each officer looks up once per `pace` seconds, `rounds` times, starting at a random offset
    within the first interval (seeded: the same offsets on every run)."""
    rng = random.Random(seed)
    return drive(counters, rounds, Pacing([rng.uniform(0.0, pace) for _ in counters], pace))


def simulator_round_trip(port: int, nik: str, times: int) -> list[float]:
    """The simulator's own round trip (its fixed latency included), straight, no portal."""
    from dukcapil_sim import DEFAULT_IP_USER, DEFAULT_PASSWORD, DEFAULT_USER_ID, LOOKUP_PATH

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = json.dumps({"nik": nik, "user_id": DEFAULT_USER_ID, "password": DEFAULT_PASSWORD,
                       "ip_user": DEFAULT_IP_USER}).encode()
    took = []
    for _ in range(times):
        started = time.perf_counter()
        conn.request("POST", LOOKUP_PATH, body=body, headers={"Content-Type": "application/json"})
        conn.getresponse().read()
        took.append(time.perf_counter() - started)
        conn.close()  # the portal's client opens a new connection per lookup too
    return took


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(math.ceil(0.95 * len(ordered)) - 1, 0)]


def in_process(officer: Officer, times: int, profile: bool) -> tuple[int, float]:
    """Lookups through the Django test client in this process: the statements of one, the CPU of each
    over `times`; then as many under cProfile when `profile`. Returns (statements, CPU ms per lookup)."""
    import cProfile
    import io
    import pstats

    from django.db import connection
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies["sessionid"] = officer.session_key
    path = f"/layanan/{officer.permohonan_pk}/periksa/nik/"
    client.post(path, officer.stated)  # warm
    statements: list[str] = []
    db_seconds: list[float] = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            db_seconds.append(time.perf_counter() - started)
            statements.append(sql.split(" ", 1)[0])

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        client.post(path, officer.stated)
        one = time.perf_counter() - started
    kinds = {k: statements.count(k) for k in sorted(set(statements))}
    # Transaction control (BEGIN/COMMIT, not logged on PostgreSQL) is not counted, as in the test.
    counted = len([k for k in statements if k.upper() not in ("BEGIN", "COMMIT", "ROLLBACK")])
    print(f"\none lookup in process: {one * 1000:.1f} ms (simulator latency included), {counted} SQL "
          f"statements {kinds} taking {sum(db_seconds) * 1000:.1f} ms")
    backend = postgres_backend_pid()
    cpu, wall, db_cpu = time.process_time(), time.perf_counter(), _process_cpu(backend) if backend else 0.0
    for _ in range(times):
        client.post(path, officer.stated)
    cpu_ms = (time.process_time() - cpu) / times * 1000
    db_text = f"{(_process_cpu(backend) - db_cpu) / times * 1000:.1f} ms" if backend else "n/a (not on this machine)"
    print(f"{times} lookups in process, each: {cpu_ms:.1f} ms CPU (portal and its HTTP client), "
          f"{(time.perf_counter() - wall) / times * 1000:.1f} ms wall (simulator latency included); "
          f"PostgreSQL server CPU {db_text}")
    if not profile:
        return counted, cpu_ms
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(times):
        client.post(path, officer.stated)
    profiler.disable()
    each = (time.perf_counter() - started) / times
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(r"(akun|verifikasi|layanan|django/(template|contrib/sessions|db/"
                                               r"backends/postgresql)|requests/sessions|gunicorn)", 30)
    stats.sort_stats("tottime").print_stats(12)
    print(f"profile: {times} lookups in process, {each * 1000:.1f} ms each under cProfile")
    print(out.getvalue())
    return counted, cpu_ms


# --- CPU accounting from /proc (Linux) -------------------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _process_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def _tree(pid: int) -> list[int]:
    found = [pid]
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):
            for child in children.read_text().split():
                found += _tree(int(child))
    return found


def postgres_backend_pid() -> int | None:
    """The PostgreSQL server process of this process's connection, if it runs on this machine."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = int(cursor.fetchone()[0])
    try:
        return pid if "postgres" in Path(f"/proc/{pid}/cmdline").read_text() else None
    except OSError:
        return None


def tree_cpu(pid: int) -> float:
    return sum(_process_cpu(p) for p in _tree(pid))


def machine_jiffies() -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole machine since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    total = sum(values)
    return total - values[3] - values[4], total


@dataclass
class Measured:
    run: Run
    portal_cpu: float  # seconds, gunicorn master and workers
    sim_cpu: float
    driver_cpu: float
    busy_ticks: int  # the machine's CPU ticks in use, every process of every user ...
    total_ticks: int  # ... of all ticks, in the measured time
    load: float

    @property
    def busy(self) -> float:
        """Share of the machine's CPU time in use."""
        return self.busy_ticks / max(self.total_ticks, 1)


def measured(go: Callable[[], Run], portal_pid: int, sim_pid: int) -> Measured:
    before = (tree_cpu(portal_pid), tree_cpu(sim_pid), time.process_time(), machine_jiffies())
    run = go()
    busy, total = machine_jiffies()
    return Measured(
        run=run,
        portal_cpu=tree_cpu(portal_pid) - before[0],
        sim_cpu=tree_cpu(sim_pid) - before[1],
        driver_cpu=time.process_time() - before[2],
        busy_ticks=busy - before[3][0],
        total_ticks=total - before[3][1],
        load=os.getloadavg()[0],
    )


def bursts(counters: list[Counter], rounds: int, pause: float, portal_pid: int, sim_pid: int) -> Measured:
    """`rounds` times: a pause for the machine to go idle, then every officer posts at the same instant
    (the barrier of `drive`). Time, CPU and busy are counted over the bursts only, not the pauses."""
    parts = []
    for _ in range(rounds):
        time.sleep(pause)
        parts.append(measured(functools.partial(drive, counters, 1), portal_pid, sim_pid))
    return Measured(
        run=Run(len(counters), [s for m in parts for s in m.run.seconds], [p for m in parts for p in m.run.problems],
                sum(m.run.wall for m in parts)),
        portal_cpu=sum(m.portal_cpu for m in parts),
        sim_cpu=sum(m.sim_cpu for m in parts),
        driver_cpu=sum(m.driver_cpu for m in parts),
        busy_ticks=sum(m.busy_ticks for m in parts),
        total_ticks=sum(m.total_ticks for m in parts),
        load=parts[-1].load,
    )


# --- the report --------------------------------------------------------------------------

NAME_WIDTH = 40
HEADER = (f"{'':<{NAME_WIDTH}} {'lookups':>7} {'median ms':>9} {'p95 ms':>8} {'max ms':>8} {'lookups/s':>9} "
          f"{'portal CPU ms/lookup':>20} {'machine busy':>12} {'load':>5}")


def added_ms(samples: list[float], subtract_s: float) -> list[float]:
    return [(s - subtract_s) * 1000 for s in samples]


def summary_line(name: str, samples: list[float], subtract_s: float, m: Measured | None = None) -> str:
    added = added_ms(samples, subtract_s)
    line = (f"{name:<{NAME_WIDTH}} {len(samples):>7} {statistics.median(added):>9.1f} {p95(added):>8.1f} "
            f"{max(added):>8.1f}")
    if m is not None:
        n = len(m.run.seconds)
        line += (f" {n / m.run.wall:>9.1f} {m.portal_cpu / n * 1000:>20.1f} {m.busy:>12.0%} {m.load:>5.1f}")
    return line


# --- running the portal -----------------------------------------------------------------

@contextlib.contextmanager
def serving(args: argparse.Namespace, env: dict[str, str], officers: list[Officer],
            log: Path) -> Iterator[tuple[int, list[Counter]]]:
    """The portal under gunicorn with `env`, and one counter per officer with its form open;
    yields gunicorn's pid and the counters."""
    port = free_port()
    # The deployment's gunicorn.conf.py (gthread, timeout), with the workers and threads of this run.
    gunicorn = [str(Path(sys.executable).parent / "gunicorn"), "--config", str(ROOT / "gunicorn.conf.py"),
                "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers), "--threads", str(args.threads)]
    with running(gunicorn, env, port, "gunicorn", log) as portal:
        counters = [Counter(port, o) for o in officers]
        try:
            for counter in counters:
                counter.open_form()
            yield portal.pid, counters
        finally:
            for counter in counters:
                counter.close()


def connections_label(mode: str) -> str:
    if mode == "pool":
        return "connection pool (psycopg_pool, one per gunicorn process)"
    return f"no pool, CONN_MAX_AGE={mode}{' (a new PostgreSQL connection per request)' if mode == '0' else ''}"


def guard_interval(pace: float) -> int:
    """The guard's minimum interval for the paced phase: the pace less 1 s, in whole seconds, so that
    an officer whose previous lookup was served up to 1 s late is not refused."""
    return max(math.ceil(pace) - 1, 0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--latency-ms", type=int, default=200, help="the simulator's fixed latency")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (gthread)")
    parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker")
    parser.add_argument("--connections", "--conn-max-age", dest="connections", default="pool",
                        help="database connection modes to run, comma-separated: 'pool' (the portal's default on "
                             "PostgreSQL: one psycopg_pool per process) or a number N (no pool, Django "
                             "CONN_MAX_AGE=N through DATABASE_URL; 0 = a new connection per request)")
    parser.add_argument("--single", type=int, default=60, help="lookups by the officer alone")
    parser.add_argument("--each", type=int, default=15,
                        help="lookups by each of the 20 officers in the closed loop (saturation)")
    parser.add_argument("--burst-rounds", type=int, default=10,
                        help="bursts of the 20 officers posting at the same instant (0: no burst phase)")
    parser.add_argument("--burst-pause", type=float, default=2.0,
                        help="seconds of pause before each burst, for the machine to go idle")
    parser.add_argument("--pace-seconds", type=float, default=20.0,
                        help="paced phase: each officer looks up once per this many seconds (the guard's "
                             "minimum interval, ENUM_GUARD_MIN_INTERVAL_SECONDS, is 20 by default)")
    parser.add_argument("--paced-rounds", type=int, default=10,
                        help="lookups by each of the 20 officers in the paced phase (0: no paced phase)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the paced officers' start offsets")
    parser.add_argument("--profile", action="store_true", help="then profile a few lookups in process")
    parser.add_argument("--profile-lookups", type=int, default=20,
                        help="lookups timed in process (statements and CPU per lookup), and again under cProfile "
                             "with --profile")
    parser.add_argument("--baseline-cpu-ms", type=float, default=0.0,
                        help="portal CPU ms per lookup of a baseline run (1 officer phase), to print the ratio")
    parser.add_argument("--admin-url", default=PG_ADMIN_URL)
    parser.add_argument("--log-dir", default="",
                        help="keep gunicorn's and the simulator's logs here (default: a temporary folder, "
                             "removed unless something went wrong)")
    args = parser.parse_args()
    modes = [m.strip() for m in args.connections.split(",")]
    if any(m != "pool" and not m.isdigit() for m in modes):
        parser.error("--connections takes 'pool' or whole numbers of seconds")
    latency_s = args.latency_ms / 1000
    pace = args.pace_seconds
    saturation = f"{OFFICERS} officers, saturation (closed loop)"
    paced_name = f"{OFFICERS} officers, paced (1 per {pace:g} s each)"

    name, url = database_create("bench_latency", args.admin_url)
    log_dir = Path(args.log_dir or tempfile.mkdtemp(prefix=f"{name}-"))
    log_dir.mkdir(parents=True, exist_ok=True)
    results: list[tuple[str, list[tuple[str, Measured]]]] = []
    statements, in_process_cpu = 0, 0.0
    try:
        migrate(url)
        sim_port = free_port()
        from dukcapil_sim import DEFAULT_IP_USER, DEFAULT_PASSWORD, DEFAULT_USER_ID, LOOKUP_PATH

        env = portal_env(
            url,
            PRIVATE_MEDIA_ROOT=str(log_dir / f"{name}-private"),
            DUKCAPIL_NIK_URL=f"http://127.0.0.1:{sim_port}{LOOKUP_PATH}",
            DUKCAPIL_USER_ID=DEFAULT_USER_ID, DUKCAPIL_PASSWORD=DEFAULT_PASSWORD, DUKCAPIL_IP_USER=DEFAULT_IP_USER,
            DUKCAPIL_TIMEOUT="30", DUKCAPIL_DAILY_QUOTA="1000000", DUKCAPIL_OPERATOR_DAILY_CAP="0",
            ENUM_GUARD_MIN_INTERVAL_SECONDS="0", ENUM_GUARD_REPEAT_MINUTES="0", ENUM_GUARD_NEAR_DISTANCE="0",
        )
        officers = prepare(env, OFFICERS)
        sim_cmd = [sys.executable, "-m", "dukcapil_sim", "--port", str(sim_port), "--quota", "0",
                   "--latency-ms", str(args.latency_ms), "--quiet"]
        with running(sim_cmd, env, sim_port, "simulator", log_dir / f"{name}-sim.log") as sim:
            sim_alone = simulator_round_trip(sim_port, officers[0].nik, 30)
            for mode in modes:
                phases: list[tuple[str, Measured]] = []
                if mode == "pool":
                    env_age = {**env, "DB_POOL": "true"}
                else:  # always explicit: without it the portal takes DB_CONN_MAX_AGE (60)
                    env_age = {**env, "DB_POOL": "false", "DATABASE_URL": f"{url}?conn_max_age={mode}"}
                with serving(args, env_age, officers, log_dir / f"{name}-gunicorn-{mode}.log") as (portal, counters):
                    drive(counters, 2)  # warm every worker and thread
                    phases.append(("1 officer", measured(functools.partial(drive, counters[:1], args.single),
                                                         portal, sim.pid)))
                    phases.append((saturation, measured(functools.partial(drive, counters, args.each),
                                                        portal, sim.pid)))
                    if args.burst_rounds:
                        phases.append((f"{OFFICERS} officers, burst (all at once)",
                                       bursts(counters, args.burst_rounds, args.burst_pause, portal, sim.pid)))
                if args.paced_rounds:
                    # The guard's minimum interval on, as in production (less 1 s: see guard_interval).
                    env_paced = {**env_age, "ENUM_GUARD_MIN_INTERVAL_SECONDS": str(guard_interval(pace))}
                    with serving(args, env_paced, officers,
                                 log_dir / f"{name}-gunicorn-{mode}-paced.log") as (portal, counters):
                        time.sleep(pace)  # every officer's last lookup (earlier phases) is now a pace ago
                        drive(counters, 1)  # warm every worker
                        time.sleep(pace)
                        phases.append((paced_name, measured(
                            functools.partial(paced, counters, args.paced_rounds, pace, args.seed), portal, sim.pid)))
                results.append((mode, phases))
            statements, in_process_cpu = in_process(officers[0], args.profile_lookups, args.profile)
    finally:
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        database_drop(name, args.admin_url)
        shutil.rmtree(log_dir / f"{name}-private", ignore_errors=True)
        complete = len(results) == len(modes) and not any(m.run.problems for _, phases in results for _, m in phases)
        if complete and not args.log_dir:
            shutil.rmtree(log_dir, ignore_errors=True)
        else:
            print(f"logs: {log_dir}")

    print(f"portal added latency per lookup = round trip - {args.latency_ms} ms simulator latency; gunicorn gthread "
          f"{args.workers}x{args.threads}, PostgreSQL, DEBUG off, {os.cpu_count()} CPUs, "
          f"{time.strftime('%Y-%m-%d %H:%M %Z')}")
    if args.paced_rounds:
        print(f"paced: the guard's minimum interval at {guard_interval(pace)} s, offsets seeded with {args.seed}; "
              f"burst and saturation: the guard's minimum interval off")
    print(HEADER)
    print("-" * len(HEADER))
    print(summary_line("simulator alone (ref.)", sim_alone, latency_s))
    problems: list[str] = []
    for mode, phases in results:
        print(connections_label(mode))
        for phase, m in phases:
            print(summary_line(f"  {phase}", m.run.seconds, latency_s, m))
            problems += m.run.problems
    for problem in problems[:10]:
        print(f"problem: {problem}")
    print(f"statements per connected lookup: {statements} (target at most {MAX_STATEMENTS}); portal CPU per lookup "
          f"in process: {in_process_cpu:.1f} ms")
    for mode, phases in results:
        alone = next((m for phase, m in phases if phase == "1 officer"), None)
        if alone is not None and args.baseline_cpu_ms:
            cpu = alone.portal_cpu / len(alone.run.seconds) * 1000
            print(f"portal CPU per lookup, 1 officer, {connections_label(mode)}: {cpu:.1f} ms against a baseline of "
                  f"{args.baseline_cpu_ms:.1f} ms: ratio {cpu / args.baseline_cpu_ms:.2f} (target at most "
                  f"{1 - CPU_CUT:.2f}, i.e. at least {CPU_CUT:.0%} below)")
    legal_rate = OFFICERS / pace  # lookups/s the guard lets 20 officers send at most
    for mode, phases in results:
        print(f"target p95 < {TARGET_P95_MS:.0f} ms with {connections_label(mode)}:")
        for phase, m in phases:
            value = p95(added_ms(m.run.seconds, latency_s))
            note = ""
            if phase.endswith("burst (all at once)"):
                cpu = m.portal_cpu / len(m.run.seconds) * 1000
                floor = OFFICERS * cpu / (os.cpu_count() or 1)
                note = (f"; its CPU floor: {OFFICERS} lookups x {cpu:.1f} ms CPU / {os.cpu_count()} cores = "
                        f"{floor:.0f} ms")
            if phase == saturation:
                note = (f"; {len(m.run.seconds) / m.run.wall / legal_rate:.0f}x the lookups/s {OFFICERS} officers "
                        f"may send with one lookup each per {pace:g} s")
            print(f"  {phase}: {'met' if value < TARGET_P95_MS else 'NOT met'} (p95 {value:.1f} ms{note})")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
