"""One row per return-data record owed to Dukcapil (guideline III; PKS Pasal 2(2)b, 3(1)b)."""

from __future__ import annotations

from django.db import models


class Peristiwa(models.TextChoices):
    """What gave rise to the return data."""

    PENCARI_KERJA = "pencari_kerja", "Kartu AK/1 diterbitkan (keterangan pencari kerja)"
    SERTIFIKAT = "sertifikat", "Sertifikat pelatihan dicatat"
    PENEMPATAN = "penempatan", "Penempatan kerja dicatat"
    TANPA_PENERBITAN = "tanpa_penerbitan", "Permohonan ditutup tanpa penerbitan setelah NIK ditemukan"


class StatusBalikan(models.TextChoices):
    ANTRE = "antre", "Dalam antrean"
    MENGIRIM = "mengirim", "Sedang dikirim"
    MENUNGGU = "menunggu", "Menunggu percobaan ulang"
    TERKIRIM = "terkirim", "Terkirim"
    GAGAL = "gagal", "Gagal"


class Balikan(models.Model):
    """The NIK here is Disnaker's own data of its applicant (never Dukcapil's answer); `nik_hmac` is the
    audit's keyed hash of it, so reports reconcile accessed NIKs with return data without the audit."""

    peristiwa = models.CharField(max_length=20, choices=Peristiwa.choices)
    nik = models.CharField("NIK", max_length=16)
    nik_hmac = models.CharField(max_length=64, db_index=True)
    param = models.JSONField("param (nama kolom menurut pemetaan)")
    permohonan_ref = models.CharField("permohonan", max_length=40, blank=True)
    status = models.CharField(max_length=10, choices=StatusBalikan.choices, default=StatusBalikan.ANTRE)
    dibuat_pada = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "data balikan"
        verbose_name_plural = "data balikan"
        ordering = ["dibuat_pada", "pk"]
        indexes = [models.Index(fields=["status", "dibuat_pada"], name="balikan_status_umur")]

    def __str__(self) -> str:
        return f"{self.get_peristiwa_display()} {self.nik[:4]}********{self.nik[12:]}"
