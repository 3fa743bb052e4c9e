"""Benchmark: the portal's added latency per NIK lookup, at 1 and 20 concurrent officers.

    .venv/bin/python bench/lookup_latency.py [--latency-ms 200] [--workers 4] [--threads 8]
                                             [--conn-max-age 0,60] [--profile [--profile-lookups 20]]

Sets up, all on loopback:
- a throwaway PostgreSQL database (postgres@127.0.0.1:5432), migrated, with a head of
  office whose SPTJM is verified, 20 counter officers with a verified NDA, a confirmed
  TOTP device, a signed-in session that passed the second factor (made directly with
  the session store) and one open service request each; connected mode;
- the Dukcapil simulator in its own process (`manage.py dukcapil_sim`) answering every
  lookup after a fixed --latency-ms, with no quota of its own;
- the portal under gunicorn (gthread), DEBUG off, pointed at both, the enumeration
  guard relaxed (no minimum interval, repeat window and near distance 0, so the found
  persons of the simulator can be looked up again and again), a quota far out of reach.

Then officers post the counter form (POST /layanan/<pk>/periksa/ with the applicant's
data, CSRF token from the form page, one keep-alive connection per officer): 1 officer
alone, then 20 officers at once, each posting again as soon as the answer is in (closed
loop, no think time). Added latency = the officer's round trip minus the simulator's
fixed latency. It runs once per --conn-max-age value (Django CONN_MAX_AGE through
DATABASE_URL; 0 is a new PostgreSQL connection per request, the portal's default is 60) and
prints median, p95 and max, lookups/s, the gunicorn processes' CPU time per lookup, how
busy the whole machine was (every process of every user), the simulator's own round
trip for reference, and the verdict against the target (p95 < 50 ms). With --profile,
one lookup runs in process with its SQL counted, --profile-lookups (20) are timed (this
process's CPU and wall, and the CPU of its PostgreSQL server process when PostgreSQL runs
on this machine), then as many run under cProfile.
Everything it started is stopped and the database dropped. Not a timed test.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import math
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.quota_guard import PG_ADMIN_URL, database_create, database_drop, migrate, portal_env  # noqa: E402

TARGET_P95_MS = 50.0
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
    from layanan.models import Jenis
    from layanan.services import permohonan_open
    from verifikasi.models import Mode, ModeAkses
    from verifikasi.simulator import NIK_FOUND, person

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
        self.path = f"/layanan/{officer.permohonan_pk}/periksa/"
        self.cookies = {"sessionid": officer.session_key}
        self.token = ""

    def _request(self, method: str, body: bytes | None = None) -> tuple[int, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Host": "127.0.0.1"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, self.path, body=body, headers=headers)
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


def drive(counters: list[Counter], lookups_each: int) -> Run:
    """All counters start together (barrier) and each does `lookups_each` lookups in turn."""
    barrier = threading.Barrier(len(counters) + 1)
    lock = threading.Lock()
    seconds: list[float] = []
    problems: list[str] = []

    def officer(counter: Counter) -> None:
        counter.conn.close()  # a fresh keep-alive connection: gunicorn drops idle ones after 2 s
        barrier.wait()
        try:
            for _ in range(lookups_each):
                took, problem = counter.lookup()
                with lock:
                    seconds.append(took)
                    if problem:
                        problems.append(f"{counter.officer.username}: {problem}")
        except (OSError, http.client.HTTPException) as exc:
            with lock:
                problems.append(f"{counter.officer.username}: {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=officer, args=(c,)) for c in counters]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return Run(len(counters), seconds, problems, time.perf_counter() - started)


def simulator_round_trip(port: int, nik: str, times: int) -> list[float]:
    """The simulator's own round trip (its fixed latency included), straight, no portal."""
    from verifikasi.simulator import DEFAULT_IP_USER, DEFAULT_PASSWORD, DEFAULT_USER_ID, LOOKUP_PATH

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


def profile_in_process(officer: Officer, times: int) -> None:
    """A few lookups through the Django test client in this process, under cProfile."""
    import cProfile
    import io
    import pstats

    from django.db import connection
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies["sessionid"] = officer.session_key
    path = f"/layanan/{officer.permohonan_pk}/periksa/"
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
    print(f"\none lookup in process: {one * 1000:.1f} ms (simulator latency included), {len(statements)} SQL "
          f"statements {kinds} taking {sum(db_seconds) * 1000:.1f} ms")
    backend = postgres_backend_pid()
    cpu, wall, db_cpu = time.process_time(), time.perf_counter(), _process_cpu(backend) if backend else 0.0
    for _ in range(times):
        client.post(path, officer.stated)
    db_text = f"{(_process_cpu(backend) - db_cpu) / times * 1000:.1f} ms" if backend else "n/a (not on this machine)"
    print(f"{times} lookups in process, each: {(time.process_time() - cpu) / times * 1000:.1f} ms CPU, "
          f"{(time.perf_counter() - wall) / times * 1000:.1f} ms wall (simulator latency included); "
          f"PostgreSQL server CPU {db_text}")
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
    busy: float  # share of the machine's CPU time in use, every process of every user
    load: float


def measured(counters: list[Counter], lookups_each: int, portal_pid: int, sim_pid: int) -> Measured:
    before = (tree_cpu(portal_pid), tree_cpu(sim_pid), time.process_time(), machine_jiffies())
    run = drive(counters, lookups_each)
    busy, total = machine_jiffies()
    return Measured(
        run=run,
        portal_cpu=tree_cpu(portal_pid) - before[0],
        sim_cpu=tree_cpu(sim_pid) - before[1],
        driver_cpu=time.process_time() - before[2],
        busy=(busy - before[3][0]) / max(total - before[3][1], 1),
        load=os.getloadavg()[0],
    )


# --- the report --------------------------------------------------------------------------

HEADER = (f"{'':<24} {'lookups':>7} {'median ms':>9} {'p95 ms':>8} {'max ms':>8} {'lookups/s':>9} "
          f"{'portal CPU ms/lookup':>20} {'machine busy':>12} {'load':>5}")


def summary_line(name: str, samples: list[float], subtract_s: float, m: Measured | None = None) -> str:
    added = [(s - subtract_s) * 1000 for s in samples]
    line = f"{name:<24} {len(samples):>7} {statistics.median(added):>9.1f} {p95(added):>8.1f} {max(added):>8.1f}"
    if m is not None:
        n = len(m.run.seconds)
        line += (f" {n / m.run.wall:>9.1f} {m.portal_cpu / n * 1000:>20.1f} {m.busy:>12.0%} {m.load:>5.1f}")
    return line


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--latency-ms", type=int, default=200, help="the simulator's fixed latency")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (gthread)")
    parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker")
    parser.add_argument("--conn-max-age", default="0,60",
                        help="Django CONN_MAX_AGE values to run, via DATABASE_URL (0 = a new connection per "
                             "request; the portal's default is 60, DB_CONN_MAX_AGE)")
    parser.add_argument("--single", type=int, default=60, help="lookups by the officer alone")
    parser.add_argument("--each", type=int, default=15, help="lookups by each of the 20 concurrent officers")
    parser.add_argument("--profile", action="store_true", help="then profile a few lookups in process")
    parser.add_argument("--profile-lookups", type=int, default=20,
                        help="lookups timed in process, and again under cProfile, with --profile")
    parser.add_argument("--admin-url", default=PG_ADMIN_URL)
    parser.add_argument("--log-dir", default="",
                        help="keep gunicorn's and the simulator's logs here (default: a temporary folder, "
                             "removed unless something went wrong)")
    args = parser.parse_args()
    ages = [int(a) for a in args.conn_max_age.split(",")]
    latency_s = args.latency_ms / 1000

    name, url = database_create("bench_latency", args.admin_url)
    log_dir = Path(args.log_dir or tempfile.mkdtemp(prefix=f"{name}-"))
    log_dir.mkdir(parents=True, exist_ok=True)
    results: list[tuple[int, Measured, Measured]] = []
    try:
        migrate(url)
        sim_port = free_port()
        from verifikasi.simulator import DEFAULT_IP_USER, DEFAULT_PASSWORD, DEFAULT_USER_ID, LOOKUP_PATH

        env = portal_env(
            url,
            PRIVATE_MEDIA_ROOT=str(log_dir / f"{name}-private"),
            DUKCAPIL_NIK_URL=f"http://127.0.0.1:{sim_port}{LOOKUP_PATH}",
            DUKCAPIL_USER_ID=DEFAULT_USER_ID, DUKCAPIL_PASSWORD=DEFAULT_PASSWORD, DUKCAPIL_IP_USER=DEFAULT_IP_USER,
            DUKCAPIL_TIMEOUT="30", DUKCAPIL_DAILY_QUOTA="1000000", DUKCAPIL_OPERATOR_DAILY_CAP="0",
            ENUM_GUARD_MIN_INTERVAL_SECONDS="0", ENUM_GUARD_REPEAT_MINUTES="0", ENUM_GUARD_NEAR_DISTANCE="0",
        )
        officers = prepare(env, OFFICERS)
        sim_cmd = [sys.executable, "manage.py", "dukcapil_sim", "--port", str(sim_port), "--quota", "0",
                   "--latency-ms", str(args.latency_ms), "--quiet"]
        with running(sim_cmd, env, sim_port, "simulator", log_dir / f"{name}-sim.log") as sim:
            sim_alone = simulator_round_trip(sim_port, officers[0].nik, 30)
            for age in ages:
                portal_port = free_port()
                gunicorn = [str(Path(sys.executable).parent / "gunicorn"), "disnaker_portal.wsgi:application",
                            "--bind", f"127.0.0.1:{portal_port}", "--workers", str(args.workers),
                            "--worker-class", "gthread", "--threads", str(args.threads), "--timeout", "60"]
                # Always explicit: without it the portal takes DB_CONN_MAX_AGE (60).
                portal_env_age = {**env, "DATABASE_URL": f"{url}?conn_max_age={age}"}
                with running(gunicorn, portal_env_age, portal_port, "gunicorn",
                             log_dir / f"{name}-gunicorn-{age}.log") as portal:
                    counters = [Counter(portal_port, o) for o in officers]
                    for counter in counters:
                        counter.open_form()
                    drive(counters, 2)  # warm every worker and thread
                    alone = measured(counters[:1], args.single, portal.pid, sim.pid)
                    together = measured(counters, args.each, portal.pid, sim.pid)
                    for counter in counters:
                        counter.close()
                results.append((age, alone, together))
            if args.profile:
                profile_in_process(officers[0], args.profile_lookups)
    finally:
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        database_drop(name, args.admin_url)
        shutil.rmtree(log_dir / f"{name}-private", ignore_errors=True)
        complete = len(results) == len(ages) and not any(m.run.problems for _, *ms in results for m in ms)
        if complete and not args.log_dir:
            shutil.rmtree(log_dir, ignore_errors=True)
        else:
            print(f"logs: {log_dir}")

    print(f"portal added latency per lookup = round trip - {args.latency_ms} ms simulator latency; gunicorn gthread "
          f"{args.workers}x{args.threads}, PostgreSQL, DEBUG off, {os.cpu_count()} CPUs, "
          f"{time.strftime('%Y-%m-%d %H:%M %Z')}")
    print(HEADER)
    print("-" * len(HEADER))
    print(summary_line("simulator alone (ref.)", sim_alone, latency_s))
    problems: list[str] = []
    worst: dict[int, float] = {}
    for age, alone, together in results:
        print(f"CONN_MAX_AGE={age}{' (a new PostgreSQL connection per request)' if age == 0 else ''}")
        print(summary_line("  1 officer", alone.run.seconds, latency_s, alone))
        print(summary_line(f"  {OFFICERS} concurrent officers", together.run.seconds, latency_s, together))
        problems += alone.run.problems + together.run.problems
        worst[age] = max(p95([(s - latency_s) * 1000 for s in m.run.seconds]) for m in (alone, together))
    for problem in problems[:10]:
        print(f"problem: {problem}")
    for age, value in worst.items():
        print(f"target p95 < {TARGET_P95_MS:.0f} ms with CONN_MAX_AGE={age}: "
              f"{'met' if value < TARGET_P95_MS else 'NOT met'} (worst p95 {value:.1f} ms)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
