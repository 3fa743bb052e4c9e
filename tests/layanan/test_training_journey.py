"""A training participant at the counter, through the pages, from submission to the certificate."""

from __future__ import annotations

from django.urls import reverse

from balikan.models import Balikan, Peristiwa
from dukcapil_sim import NIK_FOUND, person
from layanan.models import DokumenSyarat, Jenis, Permohonan, PesertaPelatihan, Status
from layanan.services import participant_register, permohonan_open
from tests.conftest import verified_client
from tests.layanan.training_support import applicant, batch


def test_it_walks_a_training_participant_from_submission_to_the_certificate(connected, ready_petugas) -> None:
    p = person(NIK_FOUND[0])
    assert p is not None
    angkatan = batch(kuota=10)
    client = verified_client(ready_petugas)
    opened = client.post(reverse("layanan:daftar"), {"jenis": Jenis.PELATIHAN, "identitas": "ikd"})
    permohonan = Permohonan.objects.get(jenis=Jenis.PELATIHAN)
    assert opened.status_code == 302 and permohonan.status == Status.DIAJUKAN and permohonan.identitas == "ikd"
    handed = [d.pk for d in DokumenSyarat.objects.filter(jenis=Jenis.PELATIHAN)]
    client.post(reverse("layanan:transisi", args=[permohonan.pk]),
                {"transisi": "dokumen_lengkap", "checklist": "1", "dokumen": handed})
    permohonan.refresh_from_db()
    assert permohonan.status == Status.PEMERIKSAAN  # every document handed over

    page = client.get(reverse("layanan:periksa", args=[permohonan.pk])).content.decode()
    assert "Daftarkan ke angkatan" in page and "Las listrik, angkatan I/2026" in page
    assert client.post(reverse("layanan:pelatihan_daftar", args=[permohonan.pk]),
                       {"angkatan": angkatan.pk}).status_code == 302

    stated = {"nik": p.nik, "nama_lengkap": p.nama, "jenis_kelamin": p.jenis_kelamin,
              "tanggal_lahir": p.tanggal_lahir.strftime("%d-%m-%Y")}
    page = client.post(reverse("layanan:periksa_nik", args=[permohonan.pk]), stated).content.decode()
    assert "Sesuai: permohonan dapat disetujui" in page
    Permohonan.objects.filter(pk=permohonan.pk).update(pemohon=applicant(ready_petugas, nik=p.nik, nama=p.nama))

    for name in ("setujui", "terbitkan"):
        assert client.post(reverse("layanan:transisi", args=[permohonan.pk]), {"transisi": name}).status_code == 302
    page = client.get(reverse("layanan:periksa", args=[permohonan.pk])).content.decode()
    assert "Catat sertifikat" in page
    done = client.post(reverse("layanan:sertifikat", args=[permohonan.pk]),
                       {"nomor_sertifikat": "LAT/2026/001", "tanggal_sertifikat": "30-09-2026"})
    assert done.status_code == 302
    page = client.get(reverse("layanan:periksa", args=[permohonan.pk])).content.decode()
    assert "Sertifikat nomor <strong>LAT/2026/001</strong> tanggal 30 September 2026" in page
    row = Balikan.objects.get()
    assert (row.peristiwa, row.nik) == (Peristiwa.SERTIFIKAT, p.nik)
    assert row.param == {"NO_SERTIFIKAT_PELATIHAN": "LAT/2026/001", "JENIS_PELATIHAN": "Las listrik"}


def test_the_page_refuses_a_full_batch_and_keeps_the_choice(petugas) -> None:
    angkatan = batch(kuota=1)
    participant_register(permohonan=permohonan_open(operator=petugas, jenis=Jenis.PELATIHAN), angkatan=angkatan,
                         operator=petugas)
    late = permohonan_open(operator=petugas, jenis=Jenis.PELATIHAN)
    response = verified_client(petugas).post(reverse("layanan:pelatihan_daftar", args=[late.pk]),
                                             {"angkatan": angkatan.pk})
    page = response.content.decode()
    assert response.status_code == 400 and "sudah penuh (1 dari 1 kursi terisi). Pilih angkatan lain." in page
    assert f'<option value="{angkatan.pk}" selected>' in page
    assert not PesertaPelatihan.objects.filter(permohonan=late).exists()


def test_the_page_keeps_a_typed_certificate_number_when_the_date_is_wrong(petugas) -> None:
    permohonan = permohonan_open(operator=petugas, jenis=Jenis.PELATIHAN)
    participant_register(permohonan=permohonan, angkatan=batch(), operator=petugas)
    Permohonan.objects.filter(pk=permohonan.pk).update(status=Status.DITERBITKAN)
    response = verified_client(petugas).post(reverse("layanan:sertifikat", args=[permohonan.pk]),
                                             {"nomor_sertifikat": "LAT/2026/009", "tanggal_sertifikat": "31-02-2026"})
    page = response.content.decode()
    assert response.status_code == 400 and "Tanggal tidak dikenali" in page and 'value="LAT/2026/009"' in page
    assert not Balikan.objects.exists()
