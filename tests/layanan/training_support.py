"""Rows the counter's other forms create (applicant, consent, batches), made directly for these tests."""

from __future__ import annotations

import datetime as dt

from akun.models import User
from layanan.models import AngkatanPelatihan, JenisPelatihan, Pemohon, Permohonan, Persetujuan, Status
from verifikasi.audit import audit_append
from verifikasi.keyed import nik_hmac
from verifikasi.models import Kind, Mode

NIK = "3303014504900002"


def applicant(user: User, *, nik: str = NIK, nama: str = "Siti Aminah") -> Pemohon:
    pemohon = Pemohon.objects.create(nik=nik, nik_hmac=nik_hmac(nik), nama_lengkap=nama, dicatat_oleh=user)
    Persetujuan.objects.create(pemohon=pemohon, teks="Saya setuju data saya disimpan.", dicatat_oleh=user)
    return pemohon


def batch(*, kuota: int = 2, nama: str = "I/2026", jenis: str = "Las listrik", aktif: bool = True) -> AngkatanPelatihan:
    kind, _ = JenisPelatihan.objects.get_or_create(nama=jenis, defaults={"deskripsi": "Pengelasan dasar"})
    return AngkatanPelatihan.objects.create(jenis=kind, nama=nama, tanggal_mulai=dt.date(2026, 9, 1),
                                            tanggal_selesai=dt.date(2026, 9, 30), tempat="BLK Purbalingga",
                                            kuota=kuota, aktif=aktif)


def answered(permohonan: Permohonan, user: User, outcome: str, kecocokan: dict[str, bool | None],
             *, nik: str = NIK) -> None:
    """As a lookup leaves it: the request bound to its applicant, the answer in the audit."""
    Permohonan.objects.filter(pk=permohonan.pk).update(nik_hmac=nik_hmac(nik))
    permohonan.refresh_from_db()
    audit_append(operator_id=user.pk, operator_username=user.username, client_ip=None,
                 permohonan_ref=permohonan.nomor, kind=Kind.LOOKUP, mode=Mode.TERHUBUNG, outcome=outcome,
                 nik=nik, kecocokan=kecocokan)


def at_status(permohonan: Permohonan, status: Status, pemohon: Pemohon | None = None) -> Permohonan:
    Permohonan.objects.filter(pk=permohonan.pk).update(status=status, pemohon=pemohon)
    permohonan.refresh_from_db()
    return permohonan
