"""The admin's forms: bad input gets a clear Indonesian message and changes nothing."""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.utils import timezone

from akun.models import Nda, User
from akun.roles import PETUGAS_LOKET
from tests.conftest import PDF_BYTES, verified_client

DOCX_BYTES = b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 64  # a zip container, as .docx files are


def _text(response: Any) -> str:
    return html.unescape(response.content.decode())


def _stored_files() -> list[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _nda_add(client: Any, operator: User, upload: SimpleUploadedFile) -> HttpResponse:
    return client.post(
        "/kelola/akun/nda/add/",
        {"operator": operator.pk, "tanggal_tanda_tangan": "2025-09-16", "berkas": upload},
    )


# --- NDA upload ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("nda.pdf", b"bukan pdf, hanya teks", "application/pdf"), "Isi berkas bukan PDF yang sah."),
        (
            SimpleUploadedFile(
                "nda.docx", DOCX_BYTES, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            ),
            "Berkas harus berformat PDF (.pdf).",
        ),
        (SimpleUploadedFile("nda.pdf", b"PK\x03\x04" + PDF_BYTES, "application/pdf"), "Isi berkas bukan PDF yang sah."),
    ],
    ids=["teks-bernama-pdf", "docx", "zip-bernama-pdf"],
)
def test_it_refuses_an_nda_upload_that_is_not_a_pdf(
    upload: SimpleUploadedFile, message: str, petugas: User, admin_user: User
) -> None:
    response = _nda_add(verified_client(admin_user), petugas, upload)

    assert response.status_code == 200
    assert message in _text(response)
    assert not Nda.objects.exists()
    assert _stored_files() == []


def test_it_refuses_an_oversized_nda_upload(petugas: User, admin_user: User, settings: Any) -> None:
    settings.UPLOAD_MAX_BYTES = 2048
    big = SimpleUploadedFile("nda.pdf", PDF_BYTES + b"0" * 4096, "application/pdf")

    response = _nda_add(verified_client(admin_user), petugas, big)

    assert response.status_code == 200
    assert "Berkas terlalu besar (4 KB); batasnya 2 KB." in _text(response)
    assert not Nda.objects.exists()
    assert _stored_files() == []


def test_it_stores_a_valid_nda_upload_in_the_private_folder_only(petugas: User, admin_user: User) -> None:
    response = _nda_add(verified_client(admin_user), petugas, SimpleUploadedFile("nda.pdf", PDF_BYTES))

    assert response.status_code == 302
    nda = Nda.objects.get()
    stored = Path(nda.berkas.path).resolve()
    assert stored.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT).resolve())
    assert stored.read_bytes() == PDF_BYTES
    public = [Path(settings.STATIC_ROOT), *map(Path, settings.STATICFILES_DIRS)]
    if settings.MEDIA_ROOT:
        public.append(Path(settings.MEDIA_ROOT))
    assert not any(stored.is_relative_to(p.resolve()) for p in public)
    assert not nda.verified


def test_it_keeps_the_stored_scan_unreadable_by_other_system_users(petugas: User, admin_user: User) -> None:
    _nda_add(verified_client(admin_user), petugas, SimpleUploadedFile("nda.pdf", PDF_BYTES))
    assert Path(Nda.objects.get().berkas.path).stat().st_mode & 0o077 == 0


def test_it_serves_no_scan_under_a_public_url(petugas: User, admin_user: User) -> None:
    client = verified_client(admin_user)
    _nda_add(client, petugas, SimpleUploadedFile("nda.pdf", PDF_BYTES))
    name = Nda.objects.get().berkas.name
    for url in (f"/{name}", f"/static/{name}", f"/media/{name}", f"/static/private/{name}"):
        assert client.get(url).status_code == 404, url


def test_it_lets_the_admin_download_the_uploaded_scan(petugas: User, admin_user: User) -> None:
    client = verified_client(admin_user)
    _nda_add(client, petugas, SimpleUploadedFile("nda.pdf", PDF_BYTES))
    nda = Nda.objects.get()

    response = client.get(f"/berkas/nda/{nda.pk}/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES  # type: ignore[attr-defined]
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("who", ["petugas", "kepala"])
def test_it_refuses_the_scan_to_anyone_but_the_admin(
    who: str, ready_petugas: User, admin_user: User, kepala: User
) -> None:
    client = verified_client(admin_user)
    _nda_add(client, ready_petugas, SimpleUploadedFile("nda-baru.pdf", PDF_BYTES))
    nda = Nda.objects.latest("pk")
    person = {"petugas": ready_petugas, "kepala": kepala}[who]

    response = verified_client(person).get(f"/berkas/nda/{nda.pk}/")

    assert response.status_code == 403
    assert not getattr(response, "streaming", False)


def test_it_asks_for_a_new_verification_when_the_scan_is_replaced(ready_petugas: User, admin_user: User) -> None:
    nda = Nda.objects.get(operator=ready_petugas)
    assert nda.verified

    response = verified_client(admin_user).post(
        f"/kelola/akun/nda/{nda.pk}/change/",
        {
            "operator": ready_petugas.pk,
            "tanggal_tanda_tangan": "2025-09-16",
            "berkas": SimpleUploadedFile("nda-ulang.pdf", PDF_BYTES),
        },
    )

    assert response.status_code == 302
    nda.refresh_from_db()
    assert not nda.verified


def test_it_marks_an_nda_verified_by_the_admin(petugas: User, admin_user: User) -> None:
    client = verified_client(admin_user)
    _nda_add(client, petugas, SimpleUploadedFile("nda.pdf", PDF_BYTES))
    nda = Nda.objects.get()

    client.post("/kelola/akun/nda/", {"action": "verify", "_selected_action": [nda.pk]})

    nda.refresh_from_db()
    assert nda.verified
    assert nda.diverifikasi_oleh == admin_user


# --- Operator form ------------------------------------------------------------------------------

VALID_NIK = "3303015708910004"  # invented: a woman born 17-08-1991, serial 0004
VALID_NIP = "199108172019032004"  # invented


@pytest.fixture
def operator(make_user: Callable[..., User]) -> User:
    return make_user(
        PETUGAS_LOKET,
        username="operatoruji",
        nik=VALID_NIK,
        status_kepegawaian="PNS",
        nomor_pegawai=VALID_NIP,
        jabatan="Pengantar Kerja",
        kode_wilayah_kantor="33.03",
        nama_kantor="Dinas Tenaga Kerja Kabupaten Purbalingga",
        alamat_kantor="Jl. Rekaan No. 2, Purbalingga",
    )


def _operator_form(user: User, **changes: str) -> dict[str, Any]:
    joined = timezone.localtime(user.date_joined)
    data: dict[str, Any] = {
        "username": user.username,
        "nik": user.nik,
        "nama_lengkap": user.nama_lengkap,
        "nomor_pegawai": user.nomor_pegawai,
        "status_kepegawaian": user.status_kepegawaian,
        "jabatan": user.jabatan,
        "kode_wilayah_kantor": user.kode_wilayah_kantor,
        "nama_kantor": user.nama_kantor,
        "alamat_kantor": user.alamat_kantor,
        "email": user.email,
        "is_active": "on",
        "groups": [g.pk for g in user.groups.all()],
        "date_joined_0": joined.strftime("%Y-%m-%d"),
        "date_joined_1": joined.strftime("%H:%M:%S"),
        "last_login_0": "",
        "last_login_1": "",
    }
    data.update(changes)
    return data


def _row(user: User) -> dict[str, Any]:
    return dict(User.objects.filter(pk=user.pk).values().get())


def test_it_saves_a_valid_change_to_an_operator(operator: User, admin_user: User) -> None:
    response = verified_client(admin_user).post(
        f"/kelola/akun/user/{operator.pk}/change/", _operator_form(operator, jabatan="Pengantar Kerja Ahli Muda")
    )
    assert response.status_code == 302
    operator.refresh_from_db()
    assert operator.jabatan == "Pengantar Kerja Ahli Muda"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"nik": VALID_NIK[:15]}, "NIK harus tepat 16 digit angka."),
        ({"nik": "33030157O891OOO4"}, "NIK harus tepat 16 digit angka."),
        ({"nik": "3303014513910004"}, "Tanggal lahir di dalam NIK tidak valid."),
        ({"nik": "3303013201910004"}, "Tanggal lahir di dalam NIK tidak valid."),
        ({"nik": "3303015708910000"}, "Nomor urut NIK tidak boleh 0000."),
        ({"nomor_pegawai": VALID_NIP[:17]}, "harus 18 digit angka tanpa spasi."),
        ({"nomor_pegawai": "19910817 201903 2 004"}, "paling banyak 18 karakter"),
        ({"nomor_pegawai": ""}, "Pegawai berstatus PNS wajib mengisi nomor 18 digit."),
        (
            {"status_kepegawaian": "HONORER", "nomor_pegawai": VALID_NIP},
            "Tenaga honorer tidak memiliki NIP / NI PPPK; kosongkan.",
        ),
    ],
    ids=[
        "nik-15-digit",
        "nik-berhuruf",
        "nik-tanggal-45-bulan-13",
        "nik-tanggal-32",
        "nik-urut-0000",
        "nip-17-digit",
        "nip-berspasi",
        "pns-tanpa-nip",
        "honorer-dengan-nip",
    ],
)
def test_it_refuses_a_malformed_operator_record_and_changes_nothing(
    changes: dict[str, str], message: str, operator: User, admin_user: User
) -> None:
    before = _row(operator)

    response = verified_client(admin_user).post(
        f"/kelola/akun/user/{operator.pk}/change/", _operator_form(operator, jabatan="Jabatan Baru", **changes)
    )

    assert response.status_code == 200
    assert message in _text(response)
    assert _row(operator) == before


def _new_operator(admin_user: User, **fields: object):
    """The admin's "add user" form for an honorer operator, with `fields` changed or added."""
    data = {
        "username": "operatorbaru",
        "password1": "kata-sandi-baru-2026",
        "password2": "kata-sandi-baru-2026",
        "usable_password": "true",
        "nik": VALID_NIK,
        "nama_lengkap": "Operator Rekaan",
        "status_kepegawaian": "HONORER",
        **fields,
    }
    return verified_client(admin_user).post("/kelola/akun/user/add/", data)


def test_it_refuses_a_new_operator_with_a_malformed_nik(admin_user: User) -> None:
    response = _new_operator(admin_user, nik="330301570891")

    assert response.status_code == 200
    assert "NIK harus tepat 16 digit angka." in _text(response)
    assert not User.objects.filter(username="operatorbaru").exists()


def test_it_creates_a_new_operator_with_a_valid_record(admin_user: User) -> None:
    response = _new_operator(admin_user, groups=[Group.objects.get(name=PETUGAS_LOKET).pk])

    assert response.status_code == 302
    created = User.objects.get(username="operatorbaru")
    assert created.has_perm("akun.akses_loket")
    assert created.nik == VALID_NIK


def test_it_keeps_the_scan_when_a_change_uploads_none(ready_petugas: User, admin_user: User) -> None:
    nda = Nda.objects.get(operator=ready_petugas)
    before = nda.berkas.name
    page = verified_client(admin_user).get(f"/kelola/akun/nda/{nda.pk}/change/").content.decode()
    assert f'href="{before}"' not in page  # no link to a URL that does not exist; "Unduh PDF" instead
    response = verified_client(admin_user).post(
        f"/kelola/akun/nda/{nda.pk}/change/", {"operator": ready_petugas.pk, "tanggal_tanda_tangan": "2025-09-17"}
    )
    assert response.status_code == 302
    nda.refresh_from_db()
    assert nda.berkas.name == before and nda.verified
