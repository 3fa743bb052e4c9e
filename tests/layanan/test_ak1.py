"""AK/1 issuance: refused without the consented applicant, its number, balikan in the same transaction,
the PDF read back, its QR code decoded and followed to the public check page."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
from urllib.parse import urlparse

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from balikan.models import Balikan, Peristiwa
from layanan import services
from layanan.ak1 import add_months, ak1_issue, check_token, lapor_diri_record, reports_due
from layanan.models import KartuAk1, Permohonan, Status
from layanan.pdf import ak1_pdf
from layanan.services import TransitionRefused, permohonan_transition
from tests.conftest import verified_client
from tests.layanan.applicants import NIK, approved_ak1
from verifikasi.keyed import nik_hmac

NUMBER = re.compile(r"^3303-\d{8}-\d{5}$")


def _issue(permohonan: Permohonan, operator, **kwargs) -> KartuAk1:
    permohonan_transition(permohonan=permohonan, name="terbitkan", operator=operator, **kwargs)
    return KartuAk1.objects.get(permohonan=permohonan)


def test_it_refuses_issuance_without_an_applicant_record(petugas) -> None:
    permohonan = approved_ak1(petugas, applicant=False)
    with pytest.raises(TransitionRefused, match="isi dahulu data pemohon dengan persetujuannya"):
        permohonan_transition(permohonan=permohonan, name="terbitkan", operator=petugas)
    assert Permohonan.objects.get(pk=permohonan.pk).status == Status.DISETUJUI
    assert not KartuAk1.objects.exists() and not Balikan.objects.exists()


def test_it_shows_the_refusal_on_the_counter_page(petugas) -> None:
    permohonan = approved_ak1(petugas, applicant=False)
    response = verified_client(petugas).post(reverse("layanan:transisi", args=[permohonan.pk]),
                                             {"transisi": "terbitkan"})
    assert response.status_code == 400 and "isi dahulu data pemohon" in response.content.decode()


def test_it_mints_a_number_in_the_configured_format_valid_two_years(petugas) -> None:
    kartu = _issue(approved_ak1(petugas), petugas)
    today = timezone.localdate()
    assert kartu.nomor == f"3303-{today:%Y%m%d}-00001" and NUMBER.match(kartu.nomor)
    assert kartu.berlaku_sampai == add_months(today, 24) and kartu.penandatangan == petugas
    assert Permohonan.objects.get(pk=kartu.permohonan_id).status == Status.DITERBITKAN


def test_it_follows_another_number_format(petugas, settings) -> None:
    settings.AK1_NUMBER_FORMAT = "AK1/3303/{tanggal:%Y}/{urut:06d}"
    kartu = _issue(approved_ak1(petugas), petugas)
    assert kartu.nomor == f"AK1/3303/{timezone.localdate():%Y}/000001"


def test_it_never_repeats_a_number_even_after_a_rolled_back_issuance(petugas) -> None:
    first = _issue(approved_ak1(petugas, "3303010101900011"), petugas)
    doomed = approved_ak1(petugas, "3303010101900022")
    with pytest.raises(RuntimeError), transaction.atomic():
        ak1_issue(permohonan=doomed, operator=petugas)
        raise RuntimeError("printer jammed")
    second = _issue(doomed, petugas)
    third = _issue(approved_ak1(petugas, "3303010101900033"), petugas)
    numbers = [k.nomor[-5:] for k in (first, second, third)]
    assert numbers == sorted(set(numbers)) and len(set(numbers)) == 3


def test_it_records_the_siapkerja_number_when_configured(petugas, settings) -> None:
    settings.AK1_SOURCE = "siapkerja"
    permohonan = approved_ak1(petugas)
    with pytest.raises(TransitionRefused, match="nomor pendaftaran AK/1 yang diberikan SIAPkerja"):
        permohonan_transition(permohonan=permohonan, name="terbitkan", operator=petugas)
    client = verified_client(petugas)
    assert "Nomor pendaftaran AK/1 dari SIAPkerja" in client.get(
        reverse("layanan:periksa", args=[permohonan.pk])).content.decode()
    client.post(reverse("layanan:transisi", args=[permohonan.pk]), {"transisi": "terbitkan", "nomor_ak1": "SK-778899"})
    kartu = KartuAk1.objects.get(permohonan=permohonan)
    assert kartu.nomor == "SK-778899" and kartu.dari_siapkerja


def test_it_owes_balikan_with_the_issuance(petugas) -> None:
    kartu = _issue(approved_ak1(petugas), petugas)
    row = Balikan.objects.get()
    assert row.peristiwa == Peristiwa.PENCARI_KERJA and row.nik == NIK and row.nik_hmac == nik_hmac(NIK)
    assert row.permohonan_ref == kartu.permohonan.nomor
    assert row.param == {"KETERANGAN_PENCARI_KERJA": f"Terdaftar sebagai pencari kerja, AK/1 nomor {kartu.nomor}"}


def test_it_rolls_the_balikan_row_back_with_a_failed_issuance(petugas, monkeypatch) -> None:
    permohonan = approved_ak1(petugas)

    def broken_move(*args, **kwargs):
        raise RuntimeError("database went away after the card and balikan rows")

    monkeypatch.setattr(services, "_move", broken_move)
    with pytest.raises(RuntimeError):
        permohonan_transition(permohonan=permohonan, name="terbitkan", operator=petugas)
    assert not Balikan.objects.exists() and not KartuAk1.objects.exists()
    assert Permohonan.objects.get(pk=permohonan.pk).status == Status.DISETUJUI


# --- the card and its check page -------------------------------------------------------------

def _pdf_text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True,
                          timeout=60).stdout.decode()


def _qr_payloads(pdf: bytes) -> list[str]:
    import zxingcpp
    from PIL import Image

    png = subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", "-"], input=pdf,
                         capture_output=True, check=True, timeout=60).stdout
    return [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("L"))]


@pytest.fixture
def issued(petugas, settings) -> KartuAk1:
    settings.AK1_CHECK_BASE_URL = "https://cek-ak1.disnaker.example"
    return _issue(approved_ak1(petugas), petugas)


def test_it_renders_the_card_with_the_number_and_the_applicants_data(issued, petugas) -> None:
    response = verified_client(petugas).get(reverse("layanan:kartu_pdf", args=[issued.permohonan_id]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    for expected in (issued.nomor, NIK, "Wulan Sekar Arum", "Purbalingga, 5 April 1990", "PEREMPUAN", "Islam",
                     "SMK Negeri 1", "Menjahit", "Operator produksi", "KARTU TANDA BUKTI PENDAFTARAN",
                     "Pengantar Kerja", petugas.nama_lengkap):
        assert expected in text, expected


def test_it_puts_a_qr_code_leading_to_a_check_page_without_personal_data(issued) -> None:
    (payload,) = _qr_payloads(ak1_pdf(kartu=issued))
    url = urlparse(payload)
    assert (url.scheme, url.netloc) == ("https", "cek-ak1.disnaker.example")
    assert url.path == f"/ak1/cek/{check_token(issued)}/"
    assert url.path.split("/")[3].split(".")[0] == issued.kode_cek  # random, never the sequential id
    response = Client().get(url.path)  # no login
    page = response.content.decode()
    assert response.status_code == 200 and "Kartu AK/1 ini berlaku" in page
    for personal in (NIK, "Wulan", issued.nomor, "3303********"):
        assert personal not in page


def test_it_says_an_expired_card_is_no_longer_valid(issued) -> None:
    KartuAk1.objects.filter(pk=issued.pk).update(berlaku_sampai=timezone.localdate() - dt.timedelta(days=1))
    page = Client().get(reverse("ak1_cek", args=[check_token(issued)])).content.decode()
    assert "tidak berlaku lagi" in page and "Kartu AK/1 ini berlaku." not in page


def test_it_does_not_know_a_tampered_token(issued) -> None:
    token = check_token(issued)
    forged = ("A" if token[0] != "A" else "B") + token[1:]
    response = Client().get(reverse("ak1_cek", args=[forged]))
    assert response.status_code == 404 and "Kartu tidak dikenal" in response.content.decode()


def test_it_lists_report_ins_due_and_lapsed(issued, petugas) -> None:
    issued_on = timezone.localdate(issued.diterbitkan_pada)
    due, gone = reports_due(today=add_months(issued_on, 6) - dt.timedelta(days=3))
    assert [(d.kartu.pk, d.ke) for d in due] == [(issued.pk, 1)] and gone == []
    due, gone = reports_due(today=add_months(issued_on, 7) + dt.timedelta(days=5))
    assert due == [] and [(d.kartu.pk, d.ke) for d in gone] == [(issued.pk, 1)]
    lapor_diri_record(kartu=issued, operator=petugas, on=add_months(issued_on, 6))
    assert reports_due(today=add_months(issued_on, 6) + dt.timedelta(days=1)) == ([], [])


def test_it_records_a_report_in_from_the_page(issued, petugas) -> None:
    client = verified_client(petugas)
    assert "Lapor diri" in client.get(reverse("layanan:lapor_diri")).content.decode()
    early = client.post(reverse("layanan:lapor_diri"), {"nomor": issued.nomor, "catatan": "terlalu awal"})
    assert early.status_code == 400 and "baru dapat dicatat mulai" in early.content.decode()  # not on the issue day
    KartuAk1.objects.filter(pk=issued.pk).update(diterbitkan_pada=issued.diterbitkan_pada - dt.timedelta(days=180))
    response = client.post(reverse("layanan:lapor_diri"), {"nomor": issued.nomor, "catatan": "masih mencari kerja"})
    assert response.status_code == 302 and issued.lapor_diri.get().ke == 1


def test_it_signs_tokens_with_the_check_key_so_the_public_host_needs_no_secret_key(issued, settings) -> None:
    settings.AK1_CHECK_KEY = "kunci-cek-ak1-khusus"
    token = check_token(issued)
    settings.SECRET_KEY = "another-secret-key-of-the-public-host-0123456789-abcdefghij"
    assert "Kartu AK/1 ini berlaku" in Client().get(reverse("ak1_cek", args=[token])).content.decode()
    settings.AK1_CHECK_KEY = "kunci-lain"
    assert Client().get(reverse("ak1_cek", args=[token])).status_code == 404


def test_it_serves_only_the_check_page_from_the_public_url_configuration(issued, settings) -> None:
    settings.ROOT_URLCONF = "disnaker_portal.urls_cek"
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "akun.middleware.RequireSecondFactorMiddleware"]
    client = Client()
    assert client.get(f"/ak1/cek/{check_token(issued)}/").status_code == 200
    assert client.get("/layanan/lapor-diri/").status_code == 404 and client.get("/kelola/").status_code == 404


def test_it_lets_only_the_check_page_through_without_login(issued) -> None:
    client = Client()
    assert client.get(reverse("ak1_cek", args=[check_token(issued)])).status_code == 200
    for path in (reverse("layanan:lapor_diri"), reverse("layanan:kartu_pdf", args=[issued.permohonan_id]), "/ak1/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith(reverse("akun:login")), path


def test_only_a_pengantar_kerja_signs_and_so_issues_the_card(make_user) -> None:
    from django.contrib.auth.models import Group

    from akun.roles import PENGANTAR_KERJA, PETUGAS_LOKET

    officer = make_user(PETUGAS_LOKET, username="loket_saja")
    permohonan = approved_ak1(officer)
    with pytest.raises(TransitionRefused, match="ditandatangani Pengantar Kerja"):
        permohonan_transition(permohonan=permohonan, name="terbitkan", operator=officer)
    assert not KartuAk1.objects.exists() and not Balikan.objects.exists()
    officer.groups.add(Group.objects.get(name=PENGANTAR_KERJA))
    officer = type(officer).objects.get(pk=officer.pk)  # permissions are read afresh
    permohonan_transition(permohonan=permohonan, name="terbitkan", operator=officer)
    assert KartuAk1.objects.get(permohonan=permohonan).penandatangan == officer
