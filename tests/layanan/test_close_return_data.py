"""Closing a request without issuance after a found lookup owes return data (Pasal 3(1)b)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from balikan.models import Balikan, Peristiwa
from layanan.models import Jenis, Permohonan, Status
from layanan.services import TransitionRefused, permohonan_open, permohonan_transition
from tests.conftest import verified_client
from tests.layanan.training_support import NIK, answered, applicant
from verifikasi.elements import FIELDS

ALL_SESUAI: dict[str, bool | None] = {key: True for key, _ in FIELDS}


def _close(permohonan: Permohonan, user, note: str = "") -> Permohonan:  # type: ignore[no-untyped-def]
    return permohonan_transition(permohonan=permohonan, name="tutup", operator=user, note=note)


def test_it_owes_return_data_when_closing_after_a_found_lookup(petugas) -> None:
    permohonan = permohonan_open(operator=petugas, jenis=Jenis.AK1)
    Permohonan.objects.filter(pk=permohonan.pk).update(pemohon=applicant(petugas))
    answered(permohonan, petugas, "01", ALL_SESUAI)
    _close(permohonan, petugas, "Pemohon membatalkan permohonan")
    row = Balikan.objects.get()
    assert (row.peristiwa, row.nik, row.permohonan_ref) == (Peristiwa.TANPA_PENERBITAN, NIK, permohonan.nomor)
    assert row.param == {"KETERANGAN_PENCARI_KERJA": "Permohonan ditutup tanpa penerbitan: "
                                                     "Pemohon membatalkan permohonan"}


@pytest.mark.parametrize("outcome", ["11", "12", "14"])
def test_it_owes_return_data_when_closing_after_found_with_a_note(petugas, outcome) -> None:
    permohonan = permohonan_open(operator=petugas, jenis=Jenis.AK1)
    Permohonan.objects.filter(pk=permohonan.pk).update(pemohon=applicant(petugas))
    answered(permohonan, petugas, outcome, {})
    _close(permohonan, petugas)
    assert Balikan.objects.get().param["KETERANGAN_PENCARI_KERJA"].startswith("Permohonan ditutup tanpa penerbitan: ")


def test_it_owes_nothing_when_closing_after_not_found(petugas) -> None:
    permohonan = permohonan_open(operator=petugas, jenis=Jenis.AK1)
    Permohonan.objects.filter(pk=permohonan.pk).update(pemohon=applicant(petugas))
    answered(permohonan, petugas, "13", {})
    assert _close(permohonan, petugas, "Pemohon tidak kembali").status == Status.SELESAI
    assert not Balikan.objects.exists()


def test_it_refuses_closing_after_a_found_lookup_without_the_applicants_record(petugas) -> None:
    permohonan = permohonan_open(operator=petugas, jenis=Jenis.AK1)
    answered(permohonan, petugas, "01", ALL_SESUAI)
    with pytest.raises(TransitionRefused, match="Catat data pemohon"):
        _close(permohonan, petugas)
    assert Permohonan.objects.get(pk=permohonan.pk).status == Status.PEMERIKSAAN and not Balikan.objects.exists()


def test_it_refuses_closing_when_the_applicants_record_names_another_nik(petugas) -> None:
    permohonan = permohonan_open(operator=petugas, jenis=Jenis.AK1)
    Permohonan.objects.filter(pk=permohonan.pk).update(pemohon=applicant(petugas, nik="3303014504900003"))
    answered(permohonan, petugas, "01", ALL_SESUAI)
    with pytest.raises(TransitionRefused, match="NIK pada data pemohon berbeda"):
        _close(permohonan, petugas)
    assert not Balikan.objects.exists()


def test_it_refuses_an_over_long_closing_note_and_keeps_the_request_open(petugas) -> None:
    permohonan = permohonan_open(operator=petugas, jenis=Jenis.AK1)
    Permohonan.objects.filter(pk=permohonan.pk).update(pemohon=applicant(petugas))
    answered(permohonan, petugas, "01", ALL_SESUAI)
    with pytest.raises(TransitionRefused, match="terlalu panjang"):
        _close(permohonan, petugas, "x" * 300)
    assert Permohonan.objects.get(pk=permohonan.pk).status == Status.PEMERIKSAAN and not Balikan.objects.exists()


def test_the_page_explains_a_refused_close_and_keeps_the_note(petugas) -> None:
    permohonan = permohonan_open(operator=petugas, jenis=Jenis.AK1)
    answered(permohonan, petugas, "01", ALL_SESUAI)
    response = verified_client(petugas).post(reverse("layanan:transisi", args=[permohonan.pk]),
                                             {"transisi": "tutup", "catatan": "Pemohon pindah ke luar kota"})
    page = response.content.decode()
    assert response.status_code == 400 and "Catat data pemohon (dengan NIK dari dokumennya) terlebih dahulu" in page
    assert "Pemohon pindah ke luar kota</textarea>" in page
