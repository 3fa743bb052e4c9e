"""Placement of a registered job seeker, and the return data it owes in the same transaction."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from balikan.models import Balikan, Peristiwa
from layanan.models import Jenis, Penempatan, Status
from layanan.services import RecordRefused, permohonan_open, placement_record
from tests.conftest import verified_client
from tests.layanan.training_support import NIK, applicant, at_status

START = dt.date(2026, 10, 1)


def _registered(petugas):  # type: ignore[no-untyped-def]
    pemohon = applicant(petugas)
    return pemohon, at_status(permohonan_open(operator=petugas, jenis=Jenis.AK1), Status.DITERBITKAN, pemohon)


def test_it_records_a_placement_in_indonesia_with_its_balikan_row(petugas) -> None:
    pemohon, ak1 = _registered(petugas)
    placement = placement_record(pemohon=pemohon, operator=petugas, pemberi_kerja="PT Bulu Mata Indah",
                                 jabatan="Operator produksi", kota="Purbalingga", tanggal_mulai=START)
    assert placement.permohonan == ak1 and placement.negara == "Indonesia" and not placement.luar_negeri
    row = Balikan.objects.get()
    assert (row.peristiwa, row.nik, row.permohonan_ref) == (Peristiwa.PENEMPATAN, NIK, ak1.nomor)
    assert row.param == {"PENEMPATAN_KERJA": "Operator produksi di PT Bulu Mata Indah, Purbalingga, "
                                             "mulai 1 Oktober 2026"}


def test_it_records_a_placement_abroad_with_its_country(petugas) -> None:
    pemohon, _ak1 = _registered(petugas)
    placement_record(pemohon=pemohon, operator=petugas, pemberi_kerja="Sakura Kogyo", jabatan="Pengelas",
                     kota="Osaka", luar_negeri=True, negara="Jepang", tanggal_mulai=START)
    assert Penempatan.objects.get().negara == "Jepang"
    assert Balikan.objects.get().param == {"PENEMPATAN_KERJA": "Pengelas di Sakura Kogyo, Osaka, Jepang, mulai "
                                                               "1 Oktober 2026"}


def test_it_refuses_a_placement_abroad_without_a_country(petugas) -> None:
    pemohon, _ak1 = _registered(petugas)
    with pytest.raises(RecordRefused, match="isi negara tujuan"):
        placement_record(pemohon=pemohon, operator=petugas, pemberi_kerja="Sakura Kogyo", jabatan="Pengelas",
                         kota="Osaka", luar_negeri=True, tanggal_mulai=START)


def test_it_refuses_an_over_long_placement_text_and_keeps_nothing(petugas) -> None:
    pemohon, _ak1 = _registered(petugas)
    with pytest.raises(RecordRefused, match=r"terlalu panjang \(\d+ karakter; batasnya 255\)"):
        placement_record(pemohon=pemohon, operator=petugas, pemberi_kerja="PT " + "Sentosa " * 20,
                         jabatan="Operator mesin jahit " * 5, kota="Purbalingga", tanggal_mulai=START)
    assert not Penempatan.objects.exists() and not Balikan.objects.exists()


def test_it_refuses_a_placement_of_an_applicant_without_an_issued_ak1(petugas) -> None:
    pemohon = applicant(petugas)
    at_status(permohonan_open(operator=petugas, jenis=Jenis.AK1), Status.DISETUJUI, pemohon)
    with pytest.raises(RecordRefused, match="belum terdaftar sebagai pencari kerja"):
        placement_record(pemohon=pemohon, operator=petugas, pemberi_kerja="PT A", jabatan="Staf",
                         kota="Purbalingga", tanggal_mulai=START)


def test_the_placement_page_keeps_what_was_typed_when_refused(petugas) -> None:
    _pemohon, ak1 = _registered(petugas)
    client = verified_client(petugas)
    assert "Catat penempatan kerja" in client.get(reverse("layanan:periksa", args=[ak1.pk])).content.decode()
    response = client.post(reverse("layanan:penempatan", args=[ak1.pk]), {
        "pemberi_kerja": "Sakura Kogyo", "jabatan": "Pengelas", "luar_negeri": "on", "negara": "",
        "kota": "Osaka", "tanggal_mulai": "01-10-2026"})
    page = response.content.decode()
    assert response.status_code == 400 and "isi negara tujuan" in page
    assert 'value="Sakura Kogyo"' in page and 'value="Osaka"' in page and 'value="01-10-2026"' in page


def test_the_placement_page_records_a_placement(petugas) -> None:
    _pemohon, ak1 = _registered(petugas)
    response = verified_client(petugas).post(reverse("layanan:penempatan", args=[ak1.pk]), {
        "pemberi_kerja": "PT Bulu Mata Indah", "jabatan": "Operator produksi", "kota": "Purbalingga",
        "tanggal_mulai": "2026-10-01"})
    assert response.status_code == 302 and Penempatan.objects.get().jabatan == "Operator produksi"
    assert Balikan.objects.filter(peristiwa=Peristiwa.PENEMPATAN).count() == 1
