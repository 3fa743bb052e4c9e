"""The applicant's own record (UU 27/2022): consent first, correction, withdrawal, printout, retention."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from balikan.models import Balikan, StatusBalikan
from layanan.models import Jenis, Pemohon, Permohonan, Persetujuan
from layanan.pemohon import CONSENT_TEXT, ApplicantRefused, consent_withdraw, pemohon_record
from layanan.services import TransitionRefused, permohonan_open, permohonan_transition
from tests.conftest import verified_client
from tests.layanan.applicants import NIK, applicant_data, applicant_with_consent, approved_ak1, form_post
from verifikasi.keyed import nik_hmac

ROOT = Path(__file__).resolve().parents[2]


def test_it_keeps_nothing_without_consent(petugas) -> None:
    permohonan = permohonan_open(operator=petugas, jenis=Jenis.AK1)
    with pytest.raises(ApplicantRefused, match="belum menyatakan persetujuan"):
        pemohon_record(permohonan=permohonan, operator=petugas, data=applicant_data(), consent_given=False)
    assert not Pemohon.objects.exists() and not Persetujuan.objects.exists()
    assert Permohonan.objects.get(pk=permohonan.pk).pemohon is None


def test_it_shows_the_consent_text_before_the_form_and_links_it_from_the_counter_page(petugas) -> None:
    permohonan = permohonan_open(operator=petugas, jenis=Jenis.AK1)
    client = verified_client(petugas)
    counter = client.get(reverse("layanan:periksa", args=[permohonan.pk])).content.decode()
    assert reverse("layanan:pemohon_simpan", args=[permohonan.pk]) in counter
    page = client.get(reverse("layanan:pemohon_simpan", args=[permohonan.pk])).content.decode()
    assert page.index(CONSENT_TEXT[:60]) < page.index('name="pemohon-nik"') and 'name="pemohon-setuju"' in page


def test_it_refuses_the_form_without_the_consent_box_ticked_and_keeps_what_was_typed(petugas) -> None:
    permohonan = permohonan_open(operator=petugas, jenis=Jenis.AK1)
    response = verified_client(petugas).post(reverse("layanan:pemohon_simpan", args=[permohonan.pk]),
                                             form_post(setuju=False))
    page = response.content.decode()
    assert response.status_code == 400 and "pemohon belum menyatakan persetujuan" in page
    assert "Wulan Sekar Arum" in page and CONSENT_TEXT[:60] in page  # typed data kept, the text shown again
    assert not Pemohon.objects.exists()


def test_it_stores_the_consent_text_verbatim_with_who_and_when_and_links_the_request(petugas) -> None:
    permohonan = permohonan_open(operator=petugas, jenis=Jenis.AK1)
    response = verified_client(petugas).post(reverse("layanan:pemohon_simpan", args=[permohonan.pk]), form_post())
    assert response.status_code == 302
    pemohon = Permohonan.objects.get(pk=permohonan.pk).pemohon
    assert pemohon is not None and pemohon.nama_lengkap == "Wulan Sekar Arum"
    assert pemohon.tanggal_lahir == dt.date(1990, 4, 5) and pemohon.nik_hmac == nik_hmac(NIK)
    consent = pemohon.persetujuan.get()
    assert consent.teks == CONSENT_TEXT and consent.dicatat_oleh == petugas and consent.ditarik_pada is None


def test_it_refuses_a_nik_other_than_the_one_checked_for_the_request(petugas) -> None:
    permohonan = permohonan_open(operator=petugas, jenis=Jenis.AK1)
    Permohonan.objects.filter(pk=permohonan.pk).update(nik_hmac=nik_hmac(NIK))
    permohonan.refresh_from_db()
    with pytest.raises(ApplicantRefused, match="berbeda dengan NIK yang diperiksa"):
        applicant_with_consent(permohonan, petugas, nik="3303014504900003")


def test_it_lets_the_officer_correct_the_record(petugas, make_user) -> None:
    permohonan = permohonan_open(operator=petugas, jenis=Jenis.AK1)
    applicant_with_consent(permohonan, petugas)
    other = make_user(username="petugas2")
    verified_client(other).post(reverse("layanan:pemohon_simpan", args=[permohonan.pk]),
                                form_post(setuju=False, alamat="Jl. Melati No. 3, Purbalingga"))
    pemohon = Pemohon.objects.get()
    assert pemohon.alamat == "Jl. Melati No. 3, Purbalingga" and pemohon.diubah_oleh == other
    assert pemohon.persetujuan.count() == 1  # a correction needs no second consent


def test_it_stops_further_use_after_withdrawal(petugas) -> None:
    permohonan = approved_ak1(petugas)
    pemohon = Permohonan.objects.get(pk=permohonan.pk).pemohon
    assert pemohon is not None
    response = verified_client(petugas).post(reverse("layanan:pemohon_tarik", args=[pemohon.pk]))
    assert response.status_code == 302
    assert pemohon.persetujuan.get().ditarik_pada is not None
    with pytest.raises(TransitionRefused, match="persetujuan pemohon telah ditarik"):
        permohonan_transition(permohonan=permohonan, name="terbitkan", operator=petugas)
    with pytest.raises(ApplicantRefused, match="telah ditarik"):
        applicant_with_consent(permohonan, petugas, alamat="baru")
    assert consent_withdraw(pemohon=pemohon, operator=petugas) == 0


def test_it_prints_what_is_held_with_consent_requests_and_their_steps(petugas) -> None:
    permohonan = approved_ak1(petugas)
    pemohon = Permohonan.objects.get(pk=permohonan.pk).pemohon
    assert pemohon is not None
    page = verified_client(petugas).get(reverse("layanan:pemohon_cetak", args=[pemohon.pk])).content.decode()
    for text in (NIK, "Wulan Sekar Arum", "Purbalingga, 5 April 1990", "Operator produksi PT Bulu Mata Indah",
                 CONSENT_TEXT[:80], permohonan.nomor, "Disetujui, dokumen siap diterbitkan", "UU Nomor 27 Tahun 2022"):
        assert text in page, text
    assert page.count("<tr><td>") >= 3  # the request's steps: submitted, documents complete, approved


# --- retention -----------------------------------------------------------------------------------

def _aged(pemohon: Pemohon, days: int) -> None:
    past = timezone.now() - dt.timedelta(days=days)
    Pemohon.objects.filter(pk=pemohon.pk).update(diubah_pada=past)
    Permohonan.objects.filter(pemohon=pemohon).update(dibuka_pada=past)


@pytest.fixture
def three_applicants(petugas, settings):
    """An old one with a request, a withdrawn one, a fresh one; retention 5 years."""
    settings.APPLICANT_RETENTION_DAYS = 1825
    old = applicant_with_consent(permohonan_open(operator=petugas, jenis=Jenis.AK1), petugas, "3303010101900011")
    _aged(old, 1900)
    withdrawn = applicant_with_consent(permohonan_open(operator=petugas, jenis=Jenis.AK1), petugas, "3303010101900022")
    Permohonan.objects.filter(pemohon=withdrawn).update(pemohon=None)  # no request left: removable outright
    consent_withdraw(pemohon=withdrawn, operator=petugas)
    fresh = applicant_with_consent(permohonan_open(operator=petugas, jenis=Jenis.AK1), petugas, "3303010101900033")
    return old, withdrawn, fresh


def test_it_changes_nothing_in_a_dry_run_and_lists_what_it_would_do(three_applicants, capsys) -> None:
    old, withdrawn, fresh = three_applicants
    before = list(Pemohon.objects.order_by("pk").values())
    call_command("pemohon_retensi", "--dry-run")
    out = capsys.readouterr().out
    assert list(Pemohon.objects.order_by("pk").values()) == before
    assert f"pemohon #{old.pk} NIK 3303********0011: akan dianonimkan" in out
    assert f"pemohon #{withdrawn.pk} NIK 3303********0022: akan dihapus (persetujuan ditarik)" in out
    assert f"#{fresh.pk} " not in out and "tidak ada yang diubah" in out


def test_it_anonymises_the_old_and_removes_the_withdrawn(three_applicants) -> None:
    old, withdrawn, fresh = three_applicants
    call_command("pemohon_retensi")
    assert not Pemohon.objects.filter(pk=withdrawn.pk).exists()
    old.refresh_from_db()
    assert old.dianonimkan_pada is not None and old.nik == "" and old.nama_lengkap == "(dianonimkan)"
    assert old.alamat == "" and old.tanggal_lahir is None and old.nik_hmac == ""
    assert old.permohonan.count() == 1  # the service record stays, without the person
    assert Pemohon.objects.get(pk=fresh.pk).nama_lengkap == "Wulan Sekar Arum"


def test_it_keeps_a_record_whose_return_data_is_still_owed(three_applicants) -> None:
    old, withdrawn, _fresh = three_applicants
    for nik, status in (("3303010101900011", StatusBalikan.MENUNGGU), ("3303010101900022", StatusBalikan.TERKIRIM)):
        Balikan.objects.create(peristiwa="pencari_kerja", nik=nik, nik_hmac=nik_hmac(nik), param={}, status=status)
    call_command("pemohon_retensi")
    old.refresh_from_db()
    assert old.dianonimkan_pada is None and old.nik == "3303010101900011"  # balikan not yet delivered
    assert not Pemohon.objects.filter(pk=withdrawn.pk).exists()  # its balikan was delivered


def test_it_refuses_to_start_with_a_retention_shorter_than_the_cards_validity() -> None:
    env = {**os.environ, "APPLICANT_RETENTION_DAYS": "700", "ENV_FILE": "/nonexistent"}
    done = subprocess.run([sys.executable, "-c", "import disnaker_portal.settings"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode != 0 and "APPLICANT_RETENTION_DAYS tidak boleh kurang" in done.stderr
