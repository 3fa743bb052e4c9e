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
