"""Training: the admin's catalogue, registration within a batch's seats, the certificate and its return data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from balikan.models import Balikan, Peristiwa
from layanan.models import Jenis, PesertaPelatihan, Status
from layanan.services import (
    RecordRefused,
    TransitionRefused,
    certificate_record,
    participant_register,
    permohonan_open,
    permohonan_transition,
)
from tests.conftest import verified_client
from tests.layanan.training_support import NIK, answered, applicant, at_status, batch
from verifikasi.elements import FIELDS

ALL_SESUAI: dict[str, bool | None] = {key: True for key, _ in FIELDS}


@pytest.mark.parametrize("page", [
    "jenispelatihan/", "jenispelatihan/add/", "angkatanpelatihan/", "angkatanpelatihan/add/",
    "pesertapelatihan/", "penempatan/",
])
def test_it_loads_the_training_admin_pages_for_the_admin(admin_user, page) -> None:
    batch()
    response = verified_client(admin_user).get(f"/kelola/layanan/{page}")
    assert response.status_code == 200


def test_it_lists_a_batch_with_its_seats_taken_in_the_admin(admin_user, petugas) -> None:
    angkatan = batch(kuota=5)
    participant_register(permohonan=permohonan_open(operator=petugas, jenis=Jenis.PELATIHAN), angkatan=angkatan,
                         operator=petugas)
    page = verified_client(admin_user).get("/kelola/layanan/angkatanpelatihan/").content.decode()
    assert "Las listrik, angkatan I/2026" in page and "BLK Purbalingga" in page


def test_it_registers_participants_within_the_batchs_seats(petugas) -> None:
    angkatan = batch(kuota=2)
    for _ in range(2):
        participant_register(permohonan=permohonan_open(operator=petugas, jenis=Jenis.PELATIHAN), angkatan=angkatan,
                             operator=petugas)
    assert PesertaPelatihan.objects.filter(angkatan=angkatan).count() == 2


def test_it_refuses_a_registration_beyond_the_batchs_seats(petugas) -> None:
    angkatan = batch(kuota=1)
    participant_register(permohonan=permohonan_open(operator=petugas, jenis=Jenis.PELATIHAN), angkatan=angkatan,
                         operator=petugas)
    late = permohonan_open(operator=petugas, jenis=Jenis.PELATIHAN)
    with pytest.raises(RecordRefused, match=r"Kuota Las listrik, angkatan I/2026 sudah penuh \(1 dari 1 kursi"):
        participant_register(permohonan=late, angkatan=angkatan, operator=petugas)
    assert not PesertaPelatihan.objects.filter(permohonan=late).exists()


def test_it_frees_the_seat_of_a_request_closed_without_issuance(petugas) -> None:
    angkatan = batch(kuota=1)
    first = permohonan_open(operator=petugas, jenis=Jenis.PELATIHAN)
    participant_register(permohonan=first, angkatan=angkatan, operator=petugas)
    permohonan_transition(permohonan=first, name="tutup", operator=petugas, note="Pemohon mengundurkan diri")
    participant_register(permohonan=permohonan_open(operator=petugas, jenis=Jenis.PELATIHAN), angkatan=angkatan,
                         operator=petugas)
    assert PesertaPelatihan.objects.filter(angkatan=angkatan).count() == 2


def test_it_refuses_registering_an_ak1_request(petugas) -> None:
    with pytest.raises(RecordRefused, match="Hanya permohonan pendaftaran pelatihan"):
        participant_register(permohonan=permohonan_open(operator=petugas, jenis=Jenis.AK1), angkatan=batch(),
                             operator=petugas)


def test_it_refuses_approving_a_training_request_without_a_batch(petugas) -> None:
    permohonan = permohonan_open(operator=petugas, jenis=Jenis.PELATIHAN)
    answered(permohonan, petugas, "01", ALL_SESUAI)
    with pytest.raises(TransitionRefused, match="Pilih angkatan pelatihan"):
        permohonan_transition(permohonan=permohonan, name="setujui", operator=petugas)


def _issued_participant(petugas):  # type: ignore[no-untyped-def]
    permohonan = permohonan_open(operator=petugas, jenis=Jenis.PELATIHAN)
    participant_register(permohonan=permohonan, angkatan=batch(), operator=petugas)
    return at_status(permohonan, Status.DITERBITKAN, applicant(petugas))


def test_it_records_the_certificate_with_exactly_one_balikan_row(petugas) -> None:
    permohonan = _issued_participant(petugas)
    certificate_record(permohonan=permohonan, nomor="LAT/2026/001", tanggal=dt.date(2026, 9, 30), operator=petugas)
    row = Balikan.objects.get()
    assert (row.peristiwa, row.nik, row.permohonan_ref) == (Peristiwa.SERTIFIKAT, NIK, permohonan.nomor)
    assert row.param == {"NO_SERTIFIKAT_PELATIHAN": "LAT/2026/001", "JENIS_PELATIHAN": "Las listrik"}
    assert PesertaPelatihan.objects.get().nomor_sertifikat == "LAT/2026/001"


def test_it_refuses_a_second_certificate_for_the_same_participant(petugas) -> None:
    permohonan = _issued_participant(petugas)
    certificate_record(permohonan=permohonan, nomor="LAT/2026/001", tanggal=dt.date(2026, 9, 30), operator=petugas)
    with pytest.raises(RecordRefused, match="sudah dicatat"):
        certificate_record(permohonan=permohonan, nomor="LAT/2026/002", tanggal=dt.date(2026, 9, 30),
                           operator=petugas)
    assert Balikan.objects.count() == 1


def test_it_refuses_a_certificate_without_the_applicants_record(petugas) -> None:
    permohonan = _issued_participant(petugas)
    at_status(permohonan, Status.DITERBITKAN, None)
    with pytest.raises(RecordRefused, match="Catat data pemohon"):
        certificate_record(permohonan=permohonan, nomor="LAT/2026/001", tanggal=dt.date(2026, 9, 30),
                           operator=petugas)
    assert not Balikan.objects.exists() and not PesertaPelatihan.objects.get().nomor_sertifikat


def test_it_refuses_a_certificate_before_issuance(petugas) -> None:
    permohonan = _issued_participant(petugas)
    at_status(permohonan, Status.DISETUJUI, permohonan.pemohon)
    with pytest.raises(RecordRefused, match="setelah pendaftaran disetujui dan diterbitkan"):
        certificate_record(permohonan=permohonan, nomor="LAT/2026/001", tanggal=dt.date(2026, 9, 30),
                           operator=petugas)


def test_it_rolls_the_certificate_and_its_balikan_row_back_with_the_transaction(petugas) -> None:
    permohonan = _issued_participant(petugas)
    with pytest.raises(RuntimeError), transaction.atomic():
        certificate_record(permohonan=permohonan, nomor="LAT/2026/001", tanggal=dt.date(2026, 9, 30),
                           operator=petugas)
        raise RuntimeError("the event failed after the certificate was recorded")
    assert not Balikan.objects.exists()
    assert PesertaPelatihan.objects.get().nomor_sertifikat == ""
