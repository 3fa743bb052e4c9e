"""Render docs/ak1-contoh.pdf and page 1 as docs/ak1-contoh.png from an invented job seeker (no database).

    .venv/bin/python docs/ak1_contoh.py
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    sys.path.insert(0, str(HERE.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "disnaker_portal.settings")
    os.environ.setdefault("AK1_CHECK_BASE_URL", "https://cek-ak1.disnaker.example")
    import django

    django.setup()
    from zoneinfo import ZoneInfo

    from akun.models import User
    from layanan.models import Jenis, KartuAk1, Pemohon, Permohonan
    from layanan.pdf import ak1_pdf

    officer = User(username="pengantar", nama_lengkap="Rina Kusumawati, S.Sos.")
    pemohon = Pemohon(nik="3303016208990004", nama_lengkap="Dewi Lestari Anggraeni", tempat_lahir="Purbalingga",
                      tanggal_lahir=dt.date(1999, 8, 22), jenis_kelamin="PEREMPUAN", status_perkawinan="BELUM KAWIN",
                      agama="Islam", alamat="Jl. Contoh No. 12, RT 001/RW 002, Desa Contoh, Kec. Kalimanah",
                      pendidikan="SMK, Akuntansi, lulus 2017",
                      keterampilan="Kursus komputer perkantoran (2018); menjahit dasar",
                      pengalaman="Staf administrasi toko, 2018-2023")
    permohonan = Permohonan(nomor="P-20261202-0001", jenis=Jenis.AK1, pemohon=pemohon, dibuka_oleh=officer)
    kartu = KartuAk1(nomor="3303-20261202-00001", permohonan=permohonan, penandatangan=officer,
                     diterbitkan_pada=dt.datetime(2026, 12, 2, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta")),
                     berlaku_sampai=dt.date(2028, 12, 2), kode_cek="contoh-bukan-kartu-asli")
    pdf = HERE / "ak1-contoh.pdf"
    pdf.write_bytes(ak1_pdf(kartu=kartu))
    command = ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(HERE / "ak1-contoh")]
    subprocess.run(command, check=True)  # noqa: S603,S607 (fixed arguments, poppler on PATH)
    pdf.unlink()


if __name__ == "__main__":
    main()
