"""The officer's day (`/layanan/`): every officer's open requests oldest first with state and age, today's
quota, 25 a page, and a search over Disnaker's own records that never asks Dukcapil."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from dukcapil_sim import NIK_FOUND
from layanan.models import Jenis, Pemohon, Permohonan, Status
from layanan.services import permohonan_close, permohonan_open
from tests.conftest import verified_client
from verifikasi.keyed import nik_hmac
from verifikasi.models import AuditEntry


def _aged(permohonan: Permohonan, *, days: int) -> None:
    Permohonan.objects.filter(pk=permohonan.pk).update(dibuka_pada=timezone.now() - dt.timedelta(days=days))


def test_it_lists_every_officers_open_requests_oldest_first_with_state_and_age(ready_petugas, make_user) -> None:
    colleague = make_user(username="petugas2")
    newer = permohonan_open(operator=ready_petugas, jenis=Jenis.AK1)
    older = permohonan_open(operator=colleague, jenis=Jenis.PELATIHAN)
    closed = permohonan_open(operator=ready_petugas, jenis=Jenis.AK1)
    permohonan_close(permohonan=closed, operator=ready_petugas, note="Pemohon tidak jadi mendaftar")
    _aged(older, days=3)
    body = verified_client(ready_petugas).get(reverse("layanan:daftar")).content.decode()
    section = body.split('id="terbuka"')[1]
    assert section.index(older.nomor) < section.index(newer.nomor) and closed.nomor not in section
    assert Status(older.status).label in section and "3\xa0hari" in section and "petugas2" in section
    assert 'id="kuota"' in body and "tersisa dari" in body


def test_it_pages_the_open_requests_25_at_a_time(ready_petugas) -> None:
    opened = [permohonan_open(operator=ready_petugas, jenis=Jenis.AK1) for _ in range(27)]
    client = verified_client(ready_petugas)
    first = client.get(reverse("layanan:daftar")).content.decode().split('id="terbuka"')[1]
    second = client.get(reverse("layanan:daftar"), {"hal": 2}).content.decode().split('id="terbuka"')[1]
    assert opened[24].nomor in first and opened[25].nomor not in first
    assert opened[25].nomor in second and opened[26].nomor in second and opened[0].nomor not in second
    assert "Halaman 1 dari 2" in first


def _applicant(user, permohonan: Permohonan, *, nik: str, nama: str) -> Pemohon:
    pemohon = Pemohon.objects.create(nik=nik, nik_hmac=nik_hmac(nik), nama_lengkap=nama, dicatat_oleh=user)
    Permohonan.objects.filter(pk=permohonan.pk).update(pemohon=pemohon)
    return pemohon


def _search(user, q: str) -> str:
    body = verified_client(user).get(reverse("layanan:daftar"), {"q": q}).content.decode()
    return body.split('id="cari"')[1].split('id="terbuka"')[0]


def test_it_finds_a_request_by_number_name_or_nik_without_asking_dukcapil(connected, ready_petugas) -> None:
    siti = permohonan_open(operator=ready_petugas, jenis=Jenis.AK1)
    budi = permohonan_open(operator=ready_petugas, jenis=Jenis.AK1)
    _applicant(ready_petugas, siti, nik=NIK_FOUND[0], nama="SITI AMINAH")
    _applicant(ready_petugas, budi, nik=NIK_FOUND[1], nama="BUDI SANTOSO")
    by_name = _search(ready_petugas, "aminah")
    assert siti.nomor in by_name and budi.nomor not in by_name
    by_nik = _search(ready_petugas, NIK_FOUND[1])
    assert budi.nomor in by_nik and siti.nomor not in by_nik
    by_number = _search(ready_petugas, budi.nomor)
    assert budi.nomor in by_number and siti.nomor not in by_number
    assert "Tidak ada permohonan yang cocok" in _search(ready_petugas, "ZZZ TIDAK ADA")
    assert int(connected.stats()["lookups"]) == 0  # the simulator received nothing
    assert not AuditEntry.objects.exists()  # nor did the audit see a lookup


def test_it_finds_a_request_by_the_nik_its_lookup_bound_it_to(ready_petugas) -> None:
    bound = permohonan_open(operator=ready_petugas, jenis=Jenis.AK1)
    Permohonan.objects.filter(pk=bound.pk).update(nik_hmac=nik_hmac(NIK_FOUND[2]))
    assert bound.nomor in _search(ready_petugas, NIK_FOUND[2])
    assert NIK_FOUND[2] not in _search(ready_petugas, NIK_FOUND[2]).replace(f'value="{NIK_FOUND[2]}"', "")


def test_it_says_so_when_a_name_matches_too_many_applicants(ready_petugas, monkeypatch) -> None:
    monkeypatch.setattr("layanan.selectors.MAX_NAME_MATCHES", 2)
    for n in range(3):
        _applicant(ready_petugas, permohonan_open(operator=ready_petugas, jenis=Jenis.AK1),
                   nik=f"33030101019000{n + 10}", nama=f"SITI AMINAH {n}")
    found = _search(ready_petugas, "siti")
    assert 'id="cari-catatan"' in found and "Persempit kata kunci" in found
    assert found.count("SITI AMINAH") == 2


def test_the_start_page_shows_the_report_ins_due(petugas, settings) -> None:
    import datetime as dt

    from django.utils import timezone

    from layanan.ak1 import report_dates
    from layanan.models import KartuAk1
    from layanan.services import permohonan_transition
    from tests.layanan.applicants import approved_ak1

    permohonan = approved_ak1(petugas)
    permohonan_transition(permohonan=permohonan, name="terbitkan", operator=petugas)
    kartu = KartuAk1.objects.get(permohonan=permohonan)
    first_due = report_dates(kartu)[0]
    KartuAk1.objects.filter(pk=kartu.pk).update(
        diterbitkan_pada=kartu.diterbitkan_pada - (first_due - timezone.localdate()) - dt.timedelta(days=1))
    page = verified_client(petugas).get(reverse("layanan:daftar")).content.decode()
    assert "Lapor diri pencari kerja" in page and kartu.nomor in page and "lapor diri ke-1" in page
