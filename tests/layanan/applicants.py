"""Applicants of the tests: invented people, as typed from their documents with their consent."""

from __future__ import annotations

import datetime as dt

from akun.models import User
from layanan.models import Pemohon, Permohonan
from layanan.pemohon import pemohon_record

NIK = "3303014504900002"


def applicant_data(nik: str = NIK, **fields: object) -> dict[str, object]:
    return {"nik": nik, "nama_lengkap": "Wulan Sekar Arum", "tempat_lahir": "Purbalingga",
            "tanggal_lahir": dt.date(1990, 4, 5), "jenis_kelamin": "PEREMPUAN", "status_perkawinan": "BELUM KAWIN",
            "agama": "Islam", "alamat": "Jl. Mawar No. 7, RT 002/RW 003, Kel. Kandanggampang, Kec. Purbalingga",
            "pendidikan": "SMK Negeri 1 Purbalingga, Teknik Komputer dan Jaringan, 2008",
            "keterampilan": "Menjahit (LPK Cahaya, 2015); operator komputer",
            "pengalaman": "Operator produksi PT Bulu Mata Indah, 2009-2014", **fields}


def applicant_with_consent(permohonan: Permohonan, operator: User, nik: str = NIK, **fields: object) -> Pemohon:
    return pemohon_record(permohonan=permohonan, operator=operator, data=applicant_data(nik, **fields),
                          consent_given=True)


def form_post(nik: str = NIK, *, setuju: bool = True, **fields: object) -> dict[str, str]:
    """The applicant form as the browser posts it (prefixed names, dates as the officer types them)."""
    data = applicant_data(nik, **fields)
    posted = {f"pemohon-{k}": (v.strftime("%d-%m-%Y") if isinstance(v, dt.date) else str(v)) for k, v in data.items()}
    if setuju:
        posted["pemohon-setuju"] = "on"
    return posted


def approved_ak1(operator: User, nik: str = NIK, *, applicant: bool = True) -> Permohonan:
    """An AK/1 request whose lookup found and matched the applicant, approved, ready to issue."""
    from layanan.models import Jenis
    from layanan.services import permohonan_open, permohonan_transition
    from verifikasi.audit import audit_append
    from verifikasi.elements import FIELDS
    from verifikasi.keyed import nik_hmac
    from verifikasi.models import Kind, Mode

    permohonan = permohonan_open(operator=operator, jenis=Jenis.AK1)
    Permohonan.objects.filter(pk=permohonan.pk).update(nik_hmac=nik_hmac(nik))
    permohonan.refresh_from_db()
    audit_append(operator_id=operator.pk, operator_username=operator.username, client_ip=None,
                 permohonan_ref=permohonan.nomor, kind=Kind.LOOKUP, mode=Mode.TERHUBUNG, outcome="01",
                 nik=nik, kecocokan={key: True for key, _ in FIELDS})
    if applicant:
        applicant_with_consent(permohonan, operator, nik)
    return permohonan_transition(permohonan=permohonan, name="setujui", operator=operator)
