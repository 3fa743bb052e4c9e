"""Create invented demo people for the three roles (demo only; prints secrets once).

In the project package, not in akun: it also switches verifikasi's access mode, and akun imports
nothing above it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from akun.gate import current_agreement
from akun.models import Nda, PenanggungJawabUserId, Sptjm, User
from akun.roles import ADMIN, KEPALA_DINAS, PENGANTAR_KERJA, PETUGAS_LOKET
from verifikasi.models import Mode, ModeAkses

# Invented people: no name, NIK or number here belongs to anyone in the seed.
DEMO = [
    ("petugas", PETUGAS_LOKET, "Rina Demo Loketwati", "3303014106950001", "HONORER", "", "Petugas Loket"),
    ("admin", ADMIN, "Bagus Demo Adminto", "3303010203900002", "PNS", "199003022015031001", "Pengelola Sistem"),
    ("kepala", KEPALA_DINAS, "Hadi Demo Pimpinan", "3303011111700003", "PNS", "197011112000031002",
     "Kepala Dinas Tenaga Kerja"),
]
DEMO_PASSWORD = "demo-portal-2026"
DEMO_PDF = b"%PDF-1.4\n% demo, bukan pindaian asli\n%%EOF\n"


class Command(BaseCommand):
    help = "Membuat akun demo (orang rekaan) untuk tiga peran. Hanya untuk demo; menolak bila DEBUG mati."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Akun demo hanya boleh dibuat saat DEBUG hidup.")
        if User.objects.filter(username="admin").exists():
            self.stdout.write("Akun demo sudah ada; kata sandi dan kunci TOTP tidak ditampilkan lagi.")
            return
        admin_user = None
        for username, role, nama, nik, status, nip, jabatan in DEMO:
            user = User.objects.create_user(
                username=username, password=DEMO_PASSWORD, nama_lengkap=nama, nik=nik,
                status_kepegawaian=status, nomor_pegawai=nip, jabatan=jabatan,
                kode_wilayah_kantor="33.03", nama_kantor="Dinas Tenaga Kerja Kabupaten Purbalingga",
                alamat_kantor="Jl. Contoh Demo No. 1, Purbalingga", is_staff=(role == ADMIN),
            )
            user.groups.add(Group.objects.get(name=role))
            if role == PETUGAS_LOKET:  # the demo officer also signs AK/1 cards
                user.groups.add(Group.objects.get(name=PENGANTAR_KERJA))
            device = TOTPDevice.objects.create(user=user, name="Demo", confirmed=True)
            self.stdout.write(f"{username:8} kata sandi {DEMO_PASSWORD}  kunci TOTP (base32) {_b32(device.bin_key)}")
            if role == ADMIN:
                admin_user = user
        now, today = timezone.now(), dt.date(2025, 9, 16)
        petugas, kepala = User.objects.get(username="petugas"), User.objects.get(username="kepala")
        nda = Nda(operator=petugas, tanggal_tanda_tangan=today, diverifikasi_oleh=admin_user, diverifikasi_pada=now)
        nda.berkas.save("nda-demo.pdf", ContentFile(DEMO_PDF), save=True)
        sptjm = Sptjm(kepala_dinas=kepala, tanggal_tanda_tangan=today, diverifikasi_oleh=admin_user,
                      diverifikasi_pada=now)
        sptjm.berkas.save("sptjm-demo.pdf", ContentFile(DEMO_PDF), save=True)
        agreement = current_agreement()
        if agreement is not None:
            PenanggungJawabUserId.objects.create(perjanjian=agreement, kepala_dinas=kepala, mulai=today)
        if settings.DUKCAPIL_NIK_URL:
            # Demo against the simulator: connected mode, as after a PoC.
            ModeAkses.objects.update_or_create(pk=1, defaults={"mode": Mode.TERHUBUNG})
        self.stdout.write("Simpan kunci TOTP di aplikasi autentikator; ditampilkan hanya sekali ini.")


def _b32(key: bytes) -> str:
    import base64

    return base64.b32encode(key).decode()
