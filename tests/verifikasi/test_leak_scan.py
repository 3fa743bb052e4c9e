"""Zero Sharing Policy: after lookups, no Dukcapil value is anywhere the portal keeps things.

The scan looks in every table (sessions decoded), the cache, the log output,
mail sent (error mails with their frames included) and the upload folder. It is
first shown able to fail: a value planted on purpose in each place is found.
"""

from __future__ import annotations

import logging
import os
import pickle
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from layanan.models import Jenis
from layanan.services import permohonan_open
from tests.conftest import verified_client
from verifikasi.simulator import (
    NIK_DECEASED,
    NIK_DUPLICATE,
    NIK_FOUND,
    NIK_INACTIVE,
    NIK_NOT_FOUND,
    distinctive_values,
    person,
)


def _database_texts() -> Iterator[tuple[str, str]]:
    for model in apps.get_models():
        for row in model._default_manager.all().values():
            yield model._meta.label, repr(row)
    for session in Session.objects.all():
        yield "session", repr(session.get_decoded())


def _cache_texts() -> Iterator[tuple[str, str]]:
    backend = cache._cache if hasattr(cache, "_cache") else None  # LocMemCache
    if isinstance(backend, dict):
        for key, value in backend.items():
            yield "cache", f"{key} {pickle.loads(value)!r}"  # noqa: S301 - our own cache
        return
    redis_url = getattr(django_settings, "REDIS_URL", "")
    if redis_url:
        import redis

        client = redis.Redis.from_url(redis_url)
        for key in client.scan_iter():
            yield "cache", f"{key!r} {client.dump(key)!r}"


def _mail_texts() -> Iterator[tuple[str, str]]:
    for message in mail.outbox:
        yield "mail", message.message().as_string()


def _file_texts() -> Iterator[tuple[str, str]]:
    for root, _dirs, files in os.walk(django_settings.PRIVATE_MEDIA_ROOT):
        for name in files:
            yield "upload", Path(root, name).read_bytes().decode("latin-1")


def leak_scan(values: list[str], log_text: str) -> list[str]:
    """Every (place, value) where a Dukcapil value was found."""
    found = []
    sources = [*_database_texts(), *_cache_texts(), *_mail_texts(), *_file_texts(), ("log", log_text)]
    for place, text in sources:
        upper = text.upper()
        found += [f"{place}: {v}" for v in values if v.upper() in upper]
    return found


@pytest.fixture
def all_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    cache.clear()  # start every scan from an empty cache
    return caplog


def _page_lookups(client, operator, niks: list[str]) -> int:
    """One service request per applicant, as at the counter; returns the last request's pk."""
    pk = 0
    for nik in niks:
        pk = permohonan_open(operator=operator, jenis=Jenis.AK1).pk
        p = person(nik)
        data = {"nik": nik, "nama_lengkap": p.nama if p else "NAMA DARI DOKUMEN"}
        response = client.post(reverse("layanan:periksa", args=[pk]), data)
        assert response.status_code == 200 and "Ditolak" not in response.content.decode()
    return pk


def test_the_scan_finds_a_planted_value_in_each_place(connected, ready_petugas, all_logs, settings) -> None:
    planted = distinctive_values()[0]
    client = verified_client(ready_petugas)
    session = client.session
    session["tanam"] = planted
    session.save()
    cache.set("tanam", planted)
    logging.getLogger("tanam").warning("nilai %s", planted)
    mail.send_mail("tanam", planted, "a@example.test", ["b@example.test"])
    Path(settings.PRIVATE_MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
    Path(settings.PRIVATE_MEDIA_ROOT, "tanam.txt").write_text(planted)
    found = leak_scan([planted], all_logs.text)
    assert {f.split(":")[0] for f in found} >= {"session", "cache", "mail", "upload", "log"}


def test_the_scan_finds_a_value_planted_in_a_table(ready_petugas, all_logs) -> None:
    planted = distinctive_values()[1]
    ready_petugas.jabatan = planted
    ready_petugas.save()
    assert any(f.startswith("akun.User") for f in leak_scan([planted], all_logs.text))


def test_no_dukcapil_value_is_kept_anywhere_after_lookups(connected, ready_petugas, all_logs, settings) -> None:
    settings.ADMINS = [("Admin", "admin@example.test")]
    client = verified_client(ready_petugas)
    niks = [*NIK_FOUND, NIK_DECEASED, NIK_DUPLICATE, NIK_INACTIVE, NIK_NOT_FOUND]
    _page_lookups(client, ready_petugas, niks[1:] + niks[:1])
    last = permohonan_open(operator=ready_petugas, jenis=Jenis.AK1).pk
    # A found answer really was shown on the page (so there was something to leak).
    refused = client.post(reverse("layanan:periksa", args=[last]), {"nik": NIK_FOUND[0]}).content.decode()
    token = refused.split('name="token_lewati" value="')[1].split('"')[0]
    response = client.post(reverse("layanan:periksa", args=[last]), {"nik": NIK_FOUND[0], "token_lewati": token,
                           "alasan_lewati": "pemeriksaan ulang atas permintaan pemohon di loket"})
    p = person(NIK_FOUND[0])
    assert p is not None and p.nama in response.content.decode()
    values = distinctive_values()
    assert leak_scan(values, all_logs.text) == []


def test_an_error_mail_carries_no_value_from_the_failing_frame(connected, ready_petugas, all_logs, settings,
                                                               monkeypatch) -> None:
    """A bug while rendering a found answer: the error mail to ADMINS shows no local variable."""
    settings.ADMINS = [("Admin", "admin@example.test")]
    settings.DEBUG = False

    def broken(form, outcome):  # a rendering bug with the answer in its frame
        elemen = outcome.result.elemen
        raise RuntimeError(f"gagal menyusun baris ({type(elemen).__name__})")

    monkeypatch.setattr("layanan.views._rows", broken)
    permohonan = permohonan_open(operator=ready_petugas, jenis=Jenis.AK1)
    client = verified_client(ready_petugas)
    client.raise_request_exception = False
    response = client.post(reverse("layanan:periksa", args=[permohonan.pk]), {"nik": NIK_FOUND[0]})
    assert response.status_code == 500
    assert any("gagal menyusun baris" in m.body for m in mail.outbox)  # the mail was sent
    assert leak_scan(distinctive_values() + [NIK_FOUND[0]], all_logs.text) == []


def test_the_semester_report_carries_no_dukcapil_value_and_no_full_nik(connected, ready_petugas, kepala,
                                                                        all_logs) -> None:
    """The report prints the portal's own counts only, even right after found answers."""
    import subprocess

    from django.utils import timezone

    from laporan.semester import JAKARTA, Semester

    niks = [*NIK_FOUND, NIK_DECEASED, NIK_DUPLICATE, NIK_INACTIVE, NIK_NOT_FOUND]
    _page_lookups(verified_client(ready_petugas), ready_petugas, niks)
    current = Semester.containing(timezone.now().astimezone(JAKARTA).date())
    response = verified_client(kepala).get(reverse("laporan:unduh", args=[current.tahun, current.ke]))
    text = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True,
                          check=True).stdout.decode()
    assert "11 Data Ditemukan, Meninggal Dunia 1" in " ".join(text.split())  # the lookups were counted
    upper = text.upper()
    assert [v for v in distinctive_values() + niks if v.upper() in upper] == []
    assert leak_scan(distinctive_values(), all_logs.text) == []
