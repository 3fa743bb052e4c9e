"""Shared fixtures: people in each role with a second factor, service checks, the Dukcapil simulator."""

from __future__ import annotations

import datetime as dt
import os
import socket
import time
from collections.abc import Callable, Iterator
from urllib.parse import urlparse

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from akun.gate import current_agreement
from akun.models import Nda, PenanggungJawabUserId, Perjanjian, Sptjm, User
from akun.roles import ADMIN, KEPALA_DINAS, PENGANTAR_KERJA, PETUGAS_LOKET, ensure_roles
from dukcapil_sim import DEFAULT_IP_USER, DEFAULT_PASSWORD, DEFAULT_USER_ID, SimServer, make_server
from verifikasi.models import Mode, ModeAkses

PASSWORD = "kata-sandi-uji-2026"
PDF_BYTES = b"%PDF-1.4\n% uji\n%%EOF\n"
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def service_required(name: str, url: str) -> None:
    """Skip with a visible reason locally; fail in CI (REQUIRE_SERVICES=1)."""
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 0), timeout=1):
            return
    except OSError as exc:
        message = f"{name} tidak tersedia di {parsed.hostname}:{parsed.port} ({exc})"
    if REQUIRE_SERVICES:
        pytest.fail(message)
    pytest.skip(message)


def baseline_ensure() -> None:
    """What migrations seed (roles, the agreement), again: a transactional test's flush removes it."""
    ensure_roles()
    if current_agreement() is None:
        Perjanjian.objects.create(
            nomor_pihak_kesatu="400.12/2430/2025", nomor_pihak_kedua="500.15/1564/2025",
            pihak_kesatu="Dinas Kependudukan dan Pencatatan Sipil Kabupaten Purbalingga",
            pihak_kedua="Dinas Tenaga Kerja Kabupaten Purbalingga",
            tanggal_tanda_tangan=dt.date(2025, 9, 16), tanggal_berakhir=dt.date(2027, 9, 16),
        )


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    counter = iter(range(1, 10_000))
    baseline_ensure()

    def make(role: str | None = PETUGAS_LOKET, *, username: str | None = None, **fields: object) -> User:
        n = next(counter)
        user = User.objects.create_user(
            username=username or f"orang{n}", password=PASSWORD, nama_lengkap=f"Orang Uji {n}",
            is_staff=(role == ADMIN), **fields,  # type: ignore[arg-type]
        )
        if role:
            user.groups.add(Group.objects.get(name=role))
        return user

    return make


def _confirmed_totp_device(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Autentikator", confirmed=True)


@pytest.fixture
def totp_device(db: None) -> Callable[[User], TOTPDevice]:
    """`totp_device(user)`: a confirmed TOTP device for the user, as after enrolling an authenticator app."""
    return _confirmed_totp_device


def totp_token(key: TOTPDevice | bytes, *, steps: int = 0) -> str:
    """The code an authenticator app shows now (or `steps` time steps later), for a device or a raw key."""
    device = key if isinstance(key, TOTPDevice) else TOTPDevice(key=key.hex())
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps * device.step
    return f"{totp.token():0{device.digits}d}"


def verified_client(user: User) -> Client:
    """A browser session that passed both the password and the second factor."""
    client = Client()
    client.force_login(user)
    device = _confirmed_totp_device(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def nda_verified(*, operator: User, by: User | None = None) -> Nda:
    nda = Nda(operator=operator, tanggal_tanda_tangan=dt.date(2025, 9, 16),
              diverifikasi_oleh=by or operator, diverifikasi_pada=timezone.now())
    nda.berkas.save("nda.pdf", ContentFile(PDF_BYTES), save=True)
    return nda


def head_with_sptjm(*, kepala: User, verified: bool = True) -> Sptjm:
    agreement = current_agreement()
    assert agreement is not None
    PenanggungJawabUserId.objects.create(perjanjian=agreement, kepala_dinas=kepala, mulai=dt.date(2025, 9, 16))
    sptjm = Sptjm(kepala_dinas=kepala, tanggal_tanda_tangan=dt.date(2025, 9, 16),
                  diverifikasi_oleh=kepala if verified else None,
                  diverifikasi_pada=timezone.now() if verified else None)
    sptjm.berkas.save("sptjm.pdf", ContentFile(PDF_BYTES), save=True)
    return sptjm


@pytest.fixture(autouse=True)
def _cache_cleared() -> None:
    """What a test cached (the approval rules) never outlives its rolled-back rows."""
    from django.core.cache import cache

    from layanan.models import APPROVAL_RULES_CACHE_KEY
    from layanan.views import REPORTS_SUMMARY_CACHE_KEY

    cache.delete_many([APPROVAL_RULES_CACHE_KEY, REPORTS_SUMMARY_CACHE_KEY])


@pytest.fixture(autouse=True)
def _private_media(settings: object, tmp_path: object) -> None:
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path) + "/private"  # type: ignore[attr-defined]
    # Fast hashing in tests only; production keeps Django's PBKDF2 default.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture
def celery_eager(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tasks run in the test, whatever broker the environment names (CI: Redis)."""
    from disnaker_portal.celery import app

    monkeypatch.setitem(app.conf, "CELERY_TASK_ALWAYS_EAGER", True)  # the namespaced key wins
    monkeypatch.setitem(app.conf, "CELERY_TASK_EAGER_PROPAGATES", True)


@pytest.fixture
def petugas(make_user: Callable[..., User]) -> User:
    """A counter officer who also holds the Pengantar Kerja role (signs AK/1 cards)."""
    user = make_user(PETUGAS_LOKET, username="petugas")
    user.groups.add(Group.objects.get(name=PENGANTAR_KERJA))
    return user


@pytest.fixture
def admin_user(make_user: Callable[..., User]) -> User:
    return make_user(ADMIN, username="pengelola")


@pytest.fixture
def kepala(make_user: Callable[..., User]) -> User:
    return make_user(KEPALA_DINAS, username="kepala")


@pytest.fixture
def ready_petugas(petugas: User, admin_user: User, kepala: User) -> User:
    """A counter officer who may do Dukcapil actions: NDA verified, head's SPTJM verified."""
    nda_verified(operator=petugas, by=admin_user)
    head_with_sptjm(kepala=kepala)
    return petugas


@pytest.fixture(scope="module")
def sim() -> Iterator[SimServer]:
    """The Dukcapil gateway of the tests: one simulator per test module, on loopback.

    Module scope keeps the suite fast; a test that switches or counts resets it first with
    `sim.control(reset=True)` (the `connected` fixture does; the simulator's and the client's
    tests with an autouse fixture). Tests that need a gateway built otherwise (another ip_user,
    HTTPS, verbose) make their own with `make_server`.
    """
    server = make_server(port=0).start()
    yield server
    server.stop()


def portal_connect(settings, sim: SimServer, *, ip_user: str = DEFAULT_IP_USER) -> SimServer:
    """Point the portal at `sim` in connected mode, guards relaxed for back-to-back lookups."""
    settings.DUKCAPIL_NIK_URL = sim.lookup_url
    settings.DUKCAPIL_USER_ID = DEFAULT_USER_ID
    settings.DUKCAPIL_PASSWORD = DEFAULT_PASSWORD
    settings.DUKCAPIL_IP_USER = ip_user
    settings.DUKCAPIL_TIMEOUT = 1.0
    settings.ENUM_GUARD_MIN_INTERVAL_SECONDS = 0
    ModeAkses.objects.update_or_create(pk=1, defaults={"mode": Mode.TERHUBUNG})
    return sim


@pytest.fixture
def connected(sim: SimServer, settings, db: None) -> SimServer:
    """The portal in connected mode against the module's simulator, reset to its defaults for each test."""
    sim.control(reset=True)
    return portal_connect(settings, sim)
